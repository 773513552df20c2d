import { render } from 'preact';
import { browser } from 'wxt/browser';
import { Popup } from '../../components/Popup';
import { callError } from '../../lib/call-error';
import { parseInvite } from '../../lib/call-id';
import { type CallIntent } from '../../lib/call-session';
import { openCallTab } from '../../lib/call-tab';
import '../../components/style.css';

async function go(intent: CallIntent): Promise<string | null> {
  const reply = await openCallTab(intent);
  if (!reply.accepted) return 'You are already in a call: it is in the PeerCall tab. Leave it there first.';
  window.close();
  return null;
}

render(
  <Popup
    onStart={() => go({ role: 'host' })}
    onJoin={async (text) => {
      const invite = parseInvite(text);
      if (!invite.ok) return invite.reason === 'empty' ? 'Paste the call ID or invite you were sent.' : callError('invalid-call-id').message;
      return go({ role: 'guest', callId: invite.callId });
    }}
    onOpenSettings={() => void browser.runtime.openOptionsPage()}
  />,
  document.getElementById('app')!,
);
