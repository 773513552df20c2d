/**
 * Before a call, the client asks the server for a session: the peer ID to register,
 * the signed token that lets it, and ICE servers with fresh TURN credentials. Before
 * the token expires it is traded for a new one for the same ID. The answer comes
 * from the network, so it is validated here like any peer message.
 */
import type { CallId } from '../call/call-id';
import type { SignalingEndpoint } from '../call/settings';

export interface SignalingSession {
  readonly peerId: string;
  readonly token: string;
  readonly expiresAtMs: number;
  readonly iceServers: readonly RTCIceServer[];
}

export type SessionProblem = 'unreachable' | 'refused';
export type SessionResult = { ok: true; session: SignalingSession } | { ok: false; problem: SessionProblem };

const sessionTimeoutMs = 10_000;
const maxIceServers = 10;

export function sessionUrl(endpoint: SignalingEndpoint): string {
  const base = endpoint.path.endsWith('/') ? endpoint.path : `${endpoint.path}/`;
  const host = endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host;
  return `${endpoint.secure ? 'https' : 'http'}://${host}:${endpoint.port}${base}session`;
}

/** A new session for `room`, or (with `renew`) a fresh token for the same ID. */
export async function requestSession(
  endpoint: SignalingEndpoint,
  room: CallId,
  renew?: { peerId: string; token: string },
  fetchImpl: typeof fetch = fetch,
): Promise<SessionResult> {
  let response: Response;
  try {
    response = await fetchImpl(sessionUrl(endpoint), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(renew ? { room, renew } : { room }),
      signal: AbortSignal.timeout(sessionTimeoutMs),
      credentials: 'omit',
      cache: 'no-store',
    });
  } catch {
    return { ok: false, problem: 'unreachable' };
  }
  if (response.status >= 500) return { ok: false, problem: 'unreachable' };
  if (!response.ok) return { ok: false, problem: 'refused' };
  const session = parseSession(await response.json().catch(() => null));
  return session ? { ok: true, session } : { ok: false, problem: 'refused' };
}

export function parseSession(value: unknown): SignalingSession | null {
  if (typeof value !== 'object' || value === null) return null;
  const { peerId, token, expiresAtMs, iceServers } = value as Record<string, unknown>;
  // PeerJS's own rule for IDs: alphanumeric runs joined by single "_" or "-".
  if (typeof peerId !== 'string' || peerId.length > 64 || !/^[A-Za-z0-9]+(?:[_-][A-Za-z0-9]+)*$/.test(peerId)) return null;
  if (typeof token !== 'string' || !/^[A-Za-z0-9._-]{1,256}$/.test(token)) return null;
  if (typeof expiresAtMs !== 'number' || !Number.isFinite(expiresAtMs)) return null;
  if (!Array.isArray(iceServers) || iceServers.length > maxIceServers) return null;
  const servers = iceServers.map(parseIceServer);
  if (servers.some((s) => s === null)) return null;
  return { peerId, token, expiresAtMs, iceServers: servers as RTCIceServer[] };
}

function parseIceServer(value: unknown): RTCIceServer | null {
  if (typeof value !== 'object' || value === null) return null;
  const { urls, username, credential } = value as Record<string, unknown>;
  const list = typeof urls === 'string' ? [urls] : urls;
  if (!Array.isArray(list) || list.length === 0 || list.length > maxIceServers) return null;
  if (!list.every((u) => typeof u === 'string' && /^(stun|stuns|turn|turns):[^\s/]{1,200}$/.test(u))) return null;
  if (username === undefined && credential === undefined) return { urls: list as string[] };
  if (typeof username !== 'string' || typeof credential !== 'string' || username.length > 256 || credential.length > 256) return null;
  return { urls: list as string[], username, credential };
}

/** When to renew: halfway to expiry, so a slow network still has time. */
export function renewDelayMs(session: SignalingSession, nowMs: number): number {
  return Math.max(1_000, (session.expiresAtMs - nowMs) / 2);
}
