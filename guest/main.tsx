import { render } from 'preact';
// Installs the Preact integration, so components re-render when a signal they read changes.
import '@preact/signals';
import { CallApp } from '../components/CallApp';
import { GuestLanding } from '../components/GuestLanding';
import { type CallIntent, CallSession } from '../lib/call/call-session';
import { parseCallId } from '../lib/call/call-id';
import { guestSettings } from '../lib/call/guest-settings';
import { normalizeDisplayName } from '../lib/call/room-protocol';
import { localizeDocument } from '../lib/i18n/i18n';
import '../components/style.css';

localizeDocument(document, 'page.guest');
const root = document.getElementById('app')!;
/** The one thing a guest's browser keeps for next time: the name they gave. */
const displayNameKey = 'peercall:displayName';
const meta = (name: string) => document.querySelector<HTMLMetaElement>(`meta[name="${name}"]`)?.content ?? '';
let session: CallSession | null = null;

function begin(intent: CallIntent): void {
  session?.leave();
  const settings = guestSettings({
    origin: location.origin,
    signalingPath: meta('peercall-path'),
    signalingKey: meta('peercall-key'),
    displayName: localStorage.getItem(displayNameKey) ?? '',
  });
  const current = new CallSession(settings);
  session = current;
  render(
    <CallApp
      session={current}
      inviteOrigin={location.origin}
      onCopy={(text) => navigator.clipboard.writeText(text).then(() => true, () => false)}
      onNewCall={() => {
        // A new call of one's own gets its own address; the old one would join the old call on reload.
        history.replaceState(null, '', location.pathname);
        begin({ role: 'host' });
      }}
      onEnter={(choices) => {
        const name = normalizeDisplayName(choices.name);
        if (name !== null) localStorage.setItem(displayNameKey, name);
        current.enter(choices);
      }}
    />,
    root,
  );
  void current.start(intent);
}

// Another invite pasted into this tab's address bar changes only the fragment: start over with it.
window.addEventListener('hashchange', () => location.reload());
window.addEventListener('pagehide', () => session?.leave());

const callId = parseCallId(decodeURIComponent(location.hash.slice(1)));
if (callId) begin({ role: 'guest', callId });
else render(<GuestLanding onStart={() => begin({ role: 'host' })} />, root);
