/**
 * The proof a member carries that it was let into a room, so being let in outlives the
 * server's memory of the room. When every node restarts (or the one node does), rooms
 * and their doors are forgotten; the first member back opens the room again with its
 * door as it was, and the others would meet that door as strangers: asking again, or
 * refused by a lock. Each peer let in is handed a pass in ROOM-MEMBERS and shows it on
 * its next ROOM-JOIN; a valid one lets it in at once, whatever the policy.
 *
 * A pass is an HMAC with the token secret (which outlives restarts and is the same on
 * every node) over the room's tag and the peer ID, so a copy is worth nothing to another
 * ID, and using the ID takes a live token of its own. That is also why its lifetime
 * is a backstop rather than the fence: once the session of its ID ends, nobody can
 * connect as that ID to show it.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { roomTag } from './tokens.js';

export const passVersion = 'p1';
/**
 * Twelve hours: longer than any call we expect. Every entry (the first, and each rejoin
 * after a drop or a restart) hands out a fresh pass, so only a call that never once
 * reconnected in twelve hours meets the door again after a restart, as a newcomer would.
 */
export const passTtlMs = 12 * 60 * 60_000;
/** Longest pass a client may present; one we issue is 57 characters. */
export const maxPassChars = 128;
/** What a presented pass may look like before its signature is checked: our alphabet, bounded. */
export const passPattern = new RegExp(`^[A-Za-z0-9_.-]{1,${maxPassChars}}$`);

export type PassCheck = { ok: true } | { ok: false; reason: 'malformed' | 'bad-signature' | 'expired' };

function signature(secret: Buffer, tag: string, peer: string, expiresAtSec: number): string {
  return createHmac('sha256', secret).update(`${passVersion}|${tag}|${peer}|${expiresAtSec}`).digest('base64url');
}

/** A pass for `peer` into the room `tag` names (tokens.ts's roomTag). */
export function issuePass(secret: Buffer, tag: string, peer: string, nowMs: number, ttlMs = passTtlMs): string {
  const expiresAtSec = Math.floor((nowMs + ttlMs) / 1000);
  return `${passVersion}.${expiresAtSec}.${signature(secret, tag, peer, expiresAtSec)}`;
}

export function checkPass(secret: Buffer, pass: string, tag: string, peer: string, nowMs: number): PassCheck {
  const parts = pass.split('.');
  if (parts.length !== 3 || parts[0] !== passVersion) return { ok: false, reason: 'malformed' };
  const [, expiry = '', given = ''] = parts;
  if (!/^\d{1,12}$/.test(expiry) || !/^[A-Za-z0-9_-]{43}$/.test(given)) return { ok: false, reason: 'malformed' };
  const expiresAtSec = Number(expiry);
  if (!timingSafeEqual(Buffer.from(signature(secret, tag, peer, expiresAtSec)), Buffer.from(given))) return { ok: false, reason: 'bad-signature' };
  if (expiresAtSec * 1000 <= nowMs) return { ok: false, reason: 'expired' };
  return { ok: true };
}

/** The passes of one server: what a hub hands out to those it lets in, and checks on their return. */
export class AdmissionPasses {
  readonly #secret: Buffer;

  constructor(secret: Buffer) {
    this.#secret = secret;
  }

  issue(room: string, peer: string): string {
    return issuePass(this.#secret, roomTag(room), peer, Date.now());
  }

  /** Whether `pass` (none: no) shows `peer` was let into `room` before. */
  admits(pass: string | undefined, room: string, peer: string): boolean {
    return pass !== undefined && checkPass(this.#secret, pass, roomTag(room), peer, Date.now()).ok;
  }
}
