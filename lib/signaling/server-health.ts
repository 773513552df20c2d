/** The options page's "Test server": one GET of /health, answered in a sentence. */
import { t } from '../i18n/i18n';
import { parseSignalingUrl } from '../call/settings';

export async function checkServerHealth(signalingUrl: string, timeoutMs = 5_000): Promise<string> {
  const endpoint = parseSignalingUrl(signalingUrl);
  if (!endpoint.ok) return endpoint.error;
  try {
    const response = await fetch(`${endpoint.value.origin}/health`, { signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) return t('health.status', { status: response.status });
    return t('health.ok');
  } catch {
    return t('health.unreachable');
  }
}
