/**
 * Before a call, the client asks the server for a session: the peer ID to register,
 * the signed token that proves the ID is ours, a connect ticket for the first
 * WebSocket, and ICE servers with fresh TURN credentials. Before the token expires it
 * is traded for a new one for the same ID. The token never goes in a URL: every
 * (re)connect presents a fresh single-use ticket (`requestTicket`), so a URL copied
 * from a proxy's log is worth nothing. Answers come from the network, so they are
 * validated here like any peer message.
 */
import type { CallId } from '../call/call-id';
import type { SignalingEndpoint } from '../call/settings';

export interface SignalingSession {
  readonly peerId: string;
  readonly token: string;
  readonly expiresAtMs: number;
  /** Good for one connection, within half a minute. */
  readonly ticket: string;
  readonly iceServers: readonly RTCIceServer[];
}

export type SessionProblem = 'unreachable' | 'refused';
export type SessionResult = { ok: true; session: SignalingSession } | { ok: false; problem: SessionProblem };
export type TicketResult = { ok: true; ticket: string } | { ok: false; problem: SessionProblem };

const sessionTimeoutMs = 10_000;
const maxIceServers = 10;

export function sessionUrl(endpoint: SignalingEndpoint, route: 'session' | 'ticket' = 'session'): string {
  const base = endpoint.path.endsWith('/') ? endpoint.path : `${endpoint.path}/`;
  const host = endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host;
  return `${endpoint.secure ? 'https' : 'http'}://${host}:${endpoint.port}${base}${route}`;
}

async function post(endpoint: SignalingEndpoint, route: 'session' | 'ticket', body: object, fetchImpl: typeof fetch): Promise<{ ok: true; body: unknown } | { ok: false; problem: SessionProblem }> {
  let response: Response;
  try {
    response = await fetchImpl(sessionUrl(endpoint, route), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(sessionTimeoutMs),
      credentials: 'omit',
      cache: 'no-store',
    });
  } catch {
    return { ok: false, problem: 'unreachable' };
  }
  // 429: the server asks us to slow down, which the retry's backoff does.
  if (response.status >= 500 || response.status === 429) return { ok: false, problem: 'unreachable' };
  if (!response.ok) return { ok: false, problem: 'refused' };
  return { ok: true, body: await response.json().catch(() => null) };
}

/** A new session for `room`, or (with `renew`) a fresh token for the same ID. */
export async function requestSession(
  endpoint: SignalingEndpoint,
  room: CallId,
  renew?: { peerId: string; token: string },
  fetchImpl: typeof fetch = fetch,
): Promise<SessionResult> {
  const answer = await post(endpoint, 'session', renew ? { room, renew } : { room }, fetchImpl);
  if (!answer.ok) return answer;
  const session = parseSession(answer.body);
  return session ? { ok: true, session } : { ok: false, problem: 'refused' };
}

/** A fresh connect ticket for the session's ID; refused once the token is no longer good. */
export async function requestTicket(endpoint: SignalingEndpoint, session: Pick<SignalingSession, 'peerId' | 'token'>, fetchImpl: typeof fetch = fetch): Promise<TicketResult> {
  const answer = await post(endpoint, 'ticket', { peerId: session.peerId, token: session.token }, fetchImpl);
  if (!answer.ok) return answer;
  const ticket = (answer.body as { ticket?: unknown } | null)?.ticket;
  return isCredential(ticket) ? { ok: true, ticket } : { ok: false, problem: 'refused' };
}

function isCredential(value: unknown): value is string {
  return typeof value === 'string' && /^[A-Za-z0-9._-]{1,256}$/.test(value);
}

export function parseSession(value: unknown): SignalingSession | null {
  if (typeof value !== 'object' || value === null) return null;
  const { peerId, token, expiresAtMs, ticket, iceServers } = value as Record<string, unknown>;
  // PeerJS's own rule for IDs: alphanumeric runs joined by single "_" or "-".
  if (typeof peerId !== 'string' || peerId.length > 64 || !/^[A-Za-z0-9]+(?:[_-][A-Za-z0-9]+)*$/.test(peerId)) return null;
  if (!isCredential(token) || !isCredential(ticket)) return null;
  if (typeof expiresAtMs !== 'number' || !Number.isFinite(expiresAtMs)) return null;
  if (!Array.isArray(iceServers) || iceServers.length > maxIceServers) return null;
  const servers = iceServers.map(parseIceServer);
  if (servers.some((s) => s === null)) return null;
  return { peerId, token, expiresAtMs, ticket, iceServers: servers as RTCIceServer[] };
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
