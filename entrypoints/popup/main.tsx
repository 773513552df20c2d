import { render } from 'preact';
import { browser } from 'wxt/browser';
import { Popup } from '../../components/Popup';
import { callError } from '../../lib/call/call-error';
import { parseInvite } from '../../lib/call/call-id';
import type { CallIntent } from '../../lib/call/call-intent';
import { allowServer, routeInvite, validAllowedServers } from '../../lib/call/invite-server';
import type { CallStatus, ControlAction } from '../../lib/extension/call-remote';
import { followCallStatus, sendControl } from '../../lib/extension/call-remote-client';
import { launchCall } from '../../lib/extension/call-launch';
import { localizeDocument, t } from '../../lib/i18n/i18n';
import { allowedServersItem, displayNameItem, signalingUrlItem } from '../../lib/extension/settings-storage';
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
      onJoin={async (text, name, viaInviteServer) => {
        const invite = parseInvite(text);
        if (!invite.ok) return { kind: 'error', message: invite.reason === 'empty' ? t('popup.pasteInvite') : callError('invalid-call-id').message };
        const allowed = validAllowedServers(await allowedServersItem.getValue());
        const route = routeInvite(invite.server, await signalingUrlItem.getValue(), allowed);
        if (route.kind === 'ask' && !viaInviteServer) return { kind: 'ask', host: route.host };
        if (route.kind === 'ask') await allowedServersItem.setValue(allowServer(allowed, route.server));
        const intent: CallIntent = route.kind === 'configured' ? { role: 'guest', callId: invite.callId } : { role: 'guest', callId: invite.callId, signalingUrl: route.signalingUrl };
        const error = await go(intent, name);
        return error === null ? { kind: 'done' } : { kind: 'error', message: error };
      }}
      onOpenSettings={() => void browser.runtime.openOptionsPage()}
      call={call}
      onControl={(action) => void control(action)}
    />,
    root,
  );

followCallStatus(show);
