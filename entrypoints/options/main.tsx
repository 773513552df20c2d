import { render } from 'preact';
import { Options } from '../../components/Options';
import { newCallId } from '../../lib/call/call-id';
import { checkConnectivity } from '../../lib/signaling/connectivity-check';
import { localizeDocument } from '../../lib/i18n/i18n';
import { checkServerHealth } from '../../lib/signaling/server-health';
import { parseSignalingUrl } from '../../lib/call/settings';
import { requestSession } from '../../lib/signaling/signaling-session';
import { loadSettings, saveSettings } from '../../lib/extension/settings-storage';
import '../../components/style.css';

localizeDocument(document, 'page.options');
const initial = await loadSettings();
async function serverIceServers(signalingUrl: string): Promise<readonly RTCIceServer[] | null> {
  const endpoint = parseSignalingUrl(signalingUrl);
  if (!endpoint.ok) return null;
  // A throwaway call ID: the server hands out ICE servers with any session.
  const result = await requestSession(endpoint.value, newCallId());
  return result.ok ? result.session.iceServers : null;
}

render(
  <Options
    initial={initial}
    onSave={saveSettings}
    onTest={checkServerHealth}
    onCheckIce={(url, own) => checkConnectivity(own, () => serverIceServers(url))}
  />,
  document.getElementById('app')!,
);
