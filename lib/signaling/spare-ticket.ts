/**
 * The spare connect ticket a client keeps while online, bought over its socket with the
 * session's token (a TICKET frame), so a reconnect after an outage needs no HTTP request.
 * A try with a spare may reach the server after the client gave up on it; the server
 * then counts the ticket as used, and the next try with it is refused with an ERROR.
 * That refusal is about the ticket, not the session: a fresh ticket bought with the
 * token gets back in, so it must not end the call as other server errors do.
 */
export interface SpareTicket {
  readonly ticket: string;
  readonly expiresAtMs: number;
}

const ticketPattern = /^[A-Za-z0-9._-]{1,256}$/;

/** The server's answer to a TICKET request, or null for anything else or anything malformed. */
export function parseSpareTicket(message: unknown): SpareTicket | null {
  if (typeof message !== 'object' || message === null || (message as { type?: unknown }).type !== 'TICKET') return null;
  const payload = (message as { payload?: unknown }).payload as { ticket?: unknown; expiresAtMs?: unknown } | null | undefined;
  const ticket = payload?.ticket;
  const expiresAtMs = payload?.expiresAtMs;
  if (typeof ticket !== 'string' || !ticketPattern.test(ticket)) return null;
  if (typeof expiresAtMs !== 'number' || !Number.isFinite(expiresAtMs)) return null;
  return { ticket, expiresAtMs };
}

/**
 * Whether a server ERROR refused only the ticket a connect presented (used before, or
 * expired), so a fresh one would do. The server starts such messages with a stable code.
 */
export function refusedOnlyTheTicket(serverMessage: string): boolean {
  return /^ticket-(used|expired):/.test(serverMessage);
}

/** Bounds of `spareTryTimeoutMs`. */
export const minSpareTryMs = 400;
export const maxSpareTryMs = 1_000;

/**
 * With a spare, how long a socket try may go without its WebSocket opening before a fresh
 * try replaces it. During an outage every try hangs, and the first to go out after the
 * network returns is the one that gets through, so the shorter this is, the sooner a call
 * is back online. But a try on a slow path must have time to open: four times what the
 * last connect to this server took (`lastOpenMs`, null before any was timed), within
 * 400 ms and 1 s. A try whose socket did open is waited for regardless (signaling-link.ts).
 */
export function spareTryTimeoutMs(lastOpenMs: number | null): number {
  if (lastOpenMs === null || !Number.isFinite(lastOpenMs)) return maxSpareTryMs;
  return Math.round(Math.min(maxSpareTryMs, Math.max(minSpareTryMs, 4 * Math.max(0, lastOpenMs))));
}
