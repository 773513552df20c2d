/**
 * What a WebSocket URL carries instead of the peer token: a connect ticket, good for
 * one connection and for half a minute. URLs end up in reverse-proxy access logs, so
 * a copy of one must be worth nothing: the server remembers each ticket it admitted
 * until the ticket expires (hub.consumeTicket) and refuses it a second time. The
 * token itself travels only in POST bodies, where it buys tickets.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const ticketVersion = 't1';
/**
 * A minute: clients keep a spare ticket, renewed every 20 s over their socket, so a reconnect
 * after an outage of up to about 40 s needs no HTTP request first (see signaling-link.ts).
 * A ticket that reached a URL was used, and a used ticket is refused.
 */
export const connectTicketTtlMs = 60_000;

function signature(secret: Buffer, id: string, expiresAtSec: number, tag: string, nonce: string): string {
  return createHmac('sha256', secret).update(`${ticketVersion}|${id}|${expiresAtSec}|${tag}|${nonce}`).digest('base64url');
}

/** A ticket for `id` in the room `roomTag` names; it never outlives `notAfterMs` (the token that bought it). */
export function issueTicket(secret: Buffer, id: string, roomTag: string, nowMs: number, notAfterMs = Infinity): { ticket: string; expiresAtMs: number } {
  const expiresAtSec = Math.floor(Math.min(nowMs + connectTicketTtlMs, notAfterMs) / 1000);
  const nonce = randomBytes(16).toString('base64url');
  return { ticket: `${ticketVersion}.${expiresAtSec}.${roomTag}.${nonce}.${signature(secret, id, expiresAtSec, roomTag, nonce)}`, expiresAtMs: expiresAtSec * 1000 };
}

export type TicketCheck =
  | { ok: true; roomTag: string; nonce: string; expiresAtMs: number }
  | { ok: false; reason: 'malformed' | 'bad-signature' | 'expired' };

export function checkTicket(secret: Buffer, id: string, ticket: string, nowMs: number): TicketCheck {
  const parts = ticket.split('.');
  if (parts.length !== 5 || parts[0] !== ticketVersion) return { ok: false, reason: 'malformed' };
  const [, expiry = '', tag = '', nonce = '', given = ''] = parts;
  if (!/^\d{1,12}$/.test(expiry) || !/^[A-Za-z0-9_-]{22}$/.test(tag) || !/^[A-Za-z0-9_-]{22}$/.test(nonce) || !/^[A-Za-z0-9_-]{43}$/.test(given)) {
    return { ok: false, reason: 'malformed' };
  }
  const expiresAtSec = Number(expiry);
  if (!timingSafeEqual(Buffer.from(signature(secret, id, expiresAtSec, tag, nonce)), Buffer.from(given))) return { ok: false, reason: 'bad-signature' };
  if (expiresAtSec * 1000 <= nowMs) return { ok: false, reason: 'expired' };
  return { ok: true, roomTag: tag, nonce, expiresAtMs: expiresAtSec * 1000 };
}

export type TicketUse = 'fresh' | 'used' | 'full';

/**
 * The tickets one node admitted, until each expires. Tickets live at most
 * connectTicketTtlMs, so taking expired ones off the front (insertion order) holds
 * none for longer than that.
 */
export class UsedTickets {
  /** Expiry in whole seconds: small integers, which V8 keeps without a heap number each. */
  readonly #expiresAtSec = new Map<string, number>();

  constructor(readonly maxHeld: number) {}

  consume(nonce: string, expiresAtMs: number, nowMs: number): TicketUse {
    for (const [held, atSec] of this.#expiresAtSec) {
      if (atSec * 1000 > nowMs) break;
      this.#expiresAtSec.delete(held);
    }
    if (this.#expiresAtSec.has(nonce)) return 'used';
    if (this.#expiresAtSec.size >= this.maxHeld) return 'full';
    this.#expiresAtSec.set(nonce, Math.ceil(expiresAtMs / 1000));
    return 'fresh';
  }

  get size(): number {
    return this.#expiresAtSec.size;
  }
}
