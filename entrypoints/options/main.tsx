import { render } from 'preact';
import { Options } from '../../components/Options';
import { newCallId } from '../../lib/call-id';
import { checkConnectivity } from '../../lib/connectivity-check';
import { localizeDocument } from '../../lib/i18n';
import { checkServerHealth } from '../../lib/server-health';
import { parseSignalingUrl } from '../../lib/settings';
import { requestSession } from '../../lib/signaling-session';
import { loadSettings, saveSettings } from '../../lib/settings-storage';
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
