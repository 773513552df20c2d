/**
 * Which web origins may talk to the server. Browsers send an Origin header with
 * every WebSocket upgrade and cross-origin fetch, so this allow-list is what keeps
 * arbitrary web pages from using our server to reach PeerCall users.
 */

/** `scheme://host[:port]`, where the host may hold a single `*` (e.g. `chrome-extension://*`). */
const originPatternShape = /^[a-z][a-z0-9+.-]*:\/\/[a-z0-9.*-]+(:\d{1,5})?$/;

/** Why `pattern` is not a usable allow-list entry, or null when it is. */
export function describeBadOriginPattern(pattern: string): string | null {
  const lower = pattern.toLowerCase();
  if (!originPatternShape.test(lower)) {
    return 'an origin such as https://app.example.com or chrome-extension://* (scheme://host[:port], no path)';
  }
  if ((lower.match(/\*/g) ?? []).length > 1) return 'a pattern with at most one "*"';
  return null;
}

/**
 * A missing Origin, or the literal "null" that sandboxed and file pages send, never
 * matches: neither tells us who is asking.
 */
export function isOriginAllowed(origin: string | undefined, allowed: readonly string[]): boolean {
  if (origin === undefined || origin === '' || origin.toLowerCase() === 'null') return false;
  const candidate = origin.toLowerCase();
  return allowed.some((pattern) => matchesPattern(candidate, pattern.toLowerCase()));
}

function matchesPattern(origin: string, pattern: string): boolean {
  const star = pattern.indexOf('*');
  if (star === -1) return origin === pattern;
  const prefix = pattern.slice(0, star);
  const suffix = pattern.slice(star + 1);
  if (!origin.startsWith(prefix) || !origin.endsWith(suffix)) return false;
  if (origin.length < prefix.length + suffix.length + 1) return false;
  const wildcardPart = origin.slice(prefix.length, origin.length - suffix.length);
  // The star stands for host characters only, so it can never swallow a port or a path.
  return /^[a-z0-9.-]+$/.test(wildcardPart);
}

/** A Host header as browsers send it: a name or address and maybe a port, nothing that could break out of a header. */
export const hostShape = /^(?:[a-z0-9.-]{1,253}|\[[0-9a-f:.]{2,45}\])(?::\d{1,5})?$/i;

/**
 * Whether an Origin is this server's own, as the Host header names it: the guest page,
 * served from here, opening its WebSocket. A page elsewhere cannot send our host as its
 * Origin; a client outside a browser can send anything, and the allow-list never stopped it.
 */
export function isOwnOrigin(origin: string | undefined, host: string | undefined): boolean {
  if (origin === undefined || host === undefined || !hostShape.test(host)) return false;
  try {
    const url = new URL(origin);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.host === host.toLowerCase() && url.origin === origin.toLowerCase();
  } catch {
    return false;
  }
}
