import { render } from 'preact';
// Installs the Preact integration, so components re-render when a signal they read changes.
import '@preact/signals';
import { CallApp } from '../../components/CallApp';
import { isActive } from '../../lib/call/call-state';
import { type CallIntent, settingsForIntent } from '../../lib/call/call-intent';
import { CallSession } from '../../lib/call/call-session';
import { publishCallStatus, serveCallControl } from '../../lib/extension/call-remote-tab';
import { ownTabId, rememberIntent, serveCallTab, takeCallIntent } from '../../lib/extension/call-tab';
import { localizeDocument } from '../../lib/i18n/i18n';
import { normalizeDisplayName } from '../../lib/call/room-protocol';
import { parseSignalingUrl } from '../../lib/call/settings';
import { displayNameItem, loadSettings } from '../../lib/extension/settings-storage';
import '../../components/style.css';

localizeDocument(document, 'page.call');
const root = document.getElementById('app')!;
const tabId = await ownTabId();
let session: CallSession | null = null;
let unpublish = () => {};

async function begin(intent: CallIntent): Promise<void> {
  session?.leave();
  unpublish();
  const settings = settingsForIntent(await loadSettings(), intent);
  const current = new CallSession(settings);
  session = current;
  unpublish = publishCallStatus(current, tabId);
  const endpoint = parseSignalingUrl(settings.signalingUrl);
  render(
    <CallApp
      session={current}
      inviteOrigin={endpoint.ok ? endpoint.value.origin : ''}
      onCopy={(text) => navigator.clipboard.writeText(text).then(() => true, () => false)}
      onNewCall={() => void begin({ role: 'host' })}
      onEnter={(choices) => {
        const name = normalizeDisplayName(choices.name);
        if (name !== null) void displayNameItem.setValue(name);
        current.enter(choices);
      }}
    />,
    root,
  );
  rememberIntent(intent);
  await current.start(intent);
}

serveCallTab(() => session === null || !isActive(session.state.value), (intent) => void begin(intent));
serveCallControl(() => session);
window.addEventListener('pagehide', () => session?.leave());

await begin(await takeCallIntent());
