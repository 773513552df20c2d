/**
 * `PEERCALL_DEFAULT_SERVER=https://peercall.example.com/peerjs npm run build`: whoever
 * publishes the extension ships it pointed at their own server, so a new user calls
 * through it without opening Settings. Checked with the parser Settings use, so a typo
 * fails the build instead of shipping an extension that can reach nobody.
 */
import { parseSignalingUrl } from '../lib/call/settings';

export const defaultServerVariable = 'PEERCALL_DEFAULT_SERVER';

/** The signaling URL to build in, or null (unset or blank) for the built-in local one. */
export function builtInDefaultServer(env: Readonly<Record<string, string | undefined>>): string | null {
  const text = env[defaultServerVariable]?.trim() ?? '';
  if (text === '') return null;
  const parsed = parseSignalingUrl(text);
  if (!parsed.ok) {
    throw new Error(`${defaultServerVariable} must be the signaling server's address, such as https://peercall.example.com/peerjs, got ${JSON.stringify(text)}: ${parsed.error}`);
  }
  return text;
}
