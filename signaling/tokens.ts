/**
 * Who may register which peer ID: the server hands out a token with each ID, signed
 * with HMAC-SHA256 and bound to that ID, a room and an expiry. The token names the
 * room only by a hash, since the room ID is the secret that lets people in and the
 * token travels in the WebSocket URL.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const tokenVersion = 'v1';
/** Long enough to open the call tab and register; reconnects of a held ID are not limited by it. */
export const defaultTokenTtlMs = 10 * 60_000;

/**
 * 128 random bits in hex: what each browser registers under. Hex, not base64url:
 * PeerJS refuses IDs that start or end with "-" or "_" or repeat them, which
 * base64url produces in about one call in twenty.
 */
export function newPeerId(): string {
  return randomBytes(16).toString('hex');
}

/** A room's stand-in inside tokens: 128 bits of its SHA-256. */
export function roomTag(room: string): string {
  return createHash('sha256').update(room).digest('base64url').slice(0, 22);
}

function signature(secret: Buffer, id: string, expiresAtSec: number, tag: string): string {
  return createHmac('sha256', secret).update(`${tokenVersion}|${id}|${expiresAtSec}|${tag}`).digest('base64url');
}

export function issueToken(secret: Buffer, id: string, room: string, nowMs: number, ttlMs = defaultTokenTtlMs): { token: string; expiresAtMs: number } {
  const expiresAtSec = Math.floor((nowMs + ttlMs) / 1000);
  const tag = roomTag(room);
  return { token: `${tokenVersion}.${expiresAtSec}.${tag}.${signature(secret, id, expiresAtSec, tag)}`, expiresAtMs: expiresAtSec * 1000 };
}

export type TokenCheck =
  | { ok: true; roomTag: string; expiresAtMs: number }
  | { ok: false; reason: 'malformed' | 'bad-signature' | 'expired' };

/**
 * Checks a token presented for `id`. An expired token is reported as such (the caller
 * may still accept it to hand back an ID it holds, as PeerJS's reconnect() expects).
 */
export function checkToken(secret: Buffer, id: string, token: string, nowMs: number): TokenCheck {
  const parts = token.split('.');
  if (parts.length !== 4 || parts[0] !== tokenVersion) return { ok: false, reason: 'malformed' };
  const [, expiry = '', tag = '', given = ''] = parts;
  if (!/^\d{1,12}$/.test(expiry) || !/^[A-Za-z0-9_-]{22}$/.test(tag) || !/^[A-Za-z0-9_-]{43}$/.test(given)) {
    return { ok: false, reason: 'malformed' };
  }
  const expiresAtSec = Number(expiry);
  const expected = Buffer.from(signature(secret, id, expiresAtSec, tag));
  if (!timingSafeEqual(expected, Buffer.from(given))) return { ok: false, reason: 'bad-signature' };
  if (expiresAtSec * 1000 <= nowMs) return { ok: false, reason: 'expired' };
  return { ok: true, roomTag: tag, expiresAtMs: expiresAtSec * 1000 };
}
