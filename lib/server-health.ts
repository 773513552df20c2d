/** The options page's "Test server": one GET of /health, answered in a sentence. */
import { parseSignalingUrl } from './settings';

export async function checkServerHealth(signalingUrl: string, timeoutMs = 5_000): Promise<string> {
  const endpoint = parseSignalingUrl(signalingUrl);
  if (!endpoint.ok) return endpoint.error;
  try {
    const response = await fetch(`${endpoint.value.origin}/health`, { signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) return `The server answered with HTTP ${response.status}; check the address.`;
    return 'The server is reachable.';
  } catch {
    return 'Cannot reach the server at that address. Is it running, and does it allow this extension\'s origin?';
  }
}
