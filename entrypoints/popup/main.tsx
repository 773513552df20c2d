import { render } from 'preact';
import { browser } from 'wxt/browser';
import { Popup } from '../../components/Popup';
import { callError } from '../../lib/call/call-error';
import { parseInvite } from '../../lib/call/call-id';
import { type CallIntent } from '../../lib/call/call-session';
import type { CallStatus, ControlAction } from '../../lib/extension/call-remote';
import { followCallStatus, sendControl } from '../../lib/extension/call-remote-client';
import { launchCall } from '../../lib/extension/call-launch';
import { localizeDocument, t } from '../../lib/i18n/i18n';
import { displayNameItem } from '../../lib/extension/settings-storage';
import '../../components/style.css';

async function go(intent: CallIntent, name: string): Promise<string | null> {
  const error = await launchCall(intent, name);
  if (error === null) window.close();
  return error;
}

async function control(action: ControlAction): Promise<void> {
  const reply = await sendControl(action);
  // The call tab is in front now; the popup has done its job.
  if (action === 'focus' && reply) window.close();
}

localizeDocument(document);
const initialName = await displayNameItem.getValue();
const root = document.getElementById('app')!;

const show = (call: CallStatus | null) =>
  render(
    <Popup
      initialName={initialName}
      onStart={(name) => go({ role: 'host' }, name)}
      onJoin={async (text, name) => {
        const invite = parseInvite(text);
        if (!invite.ok) return invite.reason === 'empty' ? t('popup.pasteInvite') : callError('invalid-call-id').message;
        return go({ role: 'guest', callId: invite.callId }, name);
      }}
      onOpenSettings={() => void browser.runtime.openOptionsPage()}
      call={call}
      onControl={(action) => void control(action)}
    />,
    root,
  );

followCallStatus(show);
