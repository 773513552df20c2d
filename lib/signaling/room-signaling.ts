/**
 * The client's side of the server's room messages (see signaling/room-messages.ts):
 * what we send on the PeerJS socket, and a validator for what comes back, since the
 * server is on the network too.
 */
import type { CallId } from '../call/call-id';

/** Who may come in: anyone with the link, those a member admits, or nobody new. */
export type JoinPolicy = 'open' | 'ask' | 'locked';

/**
 * `ROOM-CREATE` without a policy makes an open room. `ROOM-JOIN` carries the name the
 * members see if the room asks (build it with `joinName`), and, coming back, the pass
 * the last `members` event carried, which lets us straight back in even after the
 * server forgot the room. `ROOM-POLICY`, `ROOM-ADMIT` and `ROOM-DENY` are a member's,
 * about its own room; a request is the handle a `join-request` event carried.
 */
export type RoomRequest =
  | { type: 'ROOM-CREATE'; payload: { room: CallId; policy?: JoinPolicy } }
  | { type: 'ROOM-JOIN'; payload: { room: CallId; name?: string; pass?: string } }
  | { type: 'ROOM-LEAVE' }
  | { type: 'ROOM-POLICY'; payload: { policy: JoinPolicy } }
  | { type: 'ROOM-ADMIT' | 'ROOM-DENY'; payload: { request: string } };

/**
 * `not-allowed`: our token was issued for another room. `room-locked`, `join-denied`,
 * `join-unanswered` (nobody answered in time) and `waiting-full` turn a newcomer away;
 * `request-unknown` (answered already, or withdrawn) and `not-member` answer a member's
 * request at the door that did nothing.
 */
export type RoomRefusal =
  | 'room-unknown'
  | 'room-full'
  | 'room-exists'
  | 'bad-request'
  | 'not-allowed'
  | 'room-locked'
  | 'join-denied'
  | 'join-unanswered'
  | 'waiting-full'
  | 'request-unknown'
  | 'not-member';

/** Why a join request is no longer waiting. */
export type RequestEnd = 'admitted' | 'denied' | 'locked' | 'withdrawn' | 'expired';

export type RoomEvent =
  /**
   * We are in: the others (to call), the policy when the room has one (none: open), and
   * the pass that shows we were let in (a server from before passes sends none).
   */
  | { type: 'members'; room: string; members: string[]; policy?: JoinPolicy; pass?: string }
  | { type: 'peer-joined' | 'peer-left'; room: string; peer: string }
  /** The room asks: we wait for a member's answer ("Asking to join…"). */
  | { type: 'waiting'; room: string }
  /** To members: someone asks to join; `name` may be '' (show "someone"). */
  | { type: 'join-request'; room: string; request: string; name: string }
  /** To members: a request was answered (by anyone), withdrawn, or timed out; stop showing it. */
  | { type: 'join-request-ended'; room: string; request: string; why: RequestEnd }
  /** To members: the policy now (whoever changed it, us included). */
  | { type: 'policy'; room: string; policy: JoinPolicy }
  | { type: 'refused'; code: RoomRefusal };

const maxMembers = 64;
/** As the server takes them back (signaling/admission-pass.ts): what we keep and resend is bounded too. */
const passPattern = /^[A-Za-z0-9_.-]{1,128}$/;
/** As the server allows (signaling/room-admission.ts). */
export const maxJoinNameChars = 64;
const policies: readonly JoinPolicy[] = ['open', 'ask', 'locked'];
const requestEnds: readonly RequestEnd[] = ['admitted', 'denied', 'locked', 'withdrawn', 'expired'];
const refusals: readonly RoomRefusal[] = [
  'room-unknown',
  'room-full',
  'room-exists',
  'bad-request',
  'not-allowed',
  'room-locked',
  'join-denied',
  'join-unanswered',
  'waiting-full',
  'request-unknown',
  'not-member',
];
const isPeerId = (value: unknown): value is string => typeof value === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(value);
const isRequestHandle = (value: unknown): value is string => typeof value === 'string' && /^[A-Za-z0-9_-]{16}$/.test(value);
const isPolicy = (value: unknown): value is JoinPolicy => policies.includes(value as JoinPolicy);
/** What could make a name read as something else: controls, bidi overrides, invisible formatting, lone surrogates, line breaks. */
const disguising = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/u;
const breaks = /[\p{Cc}\p{Zl}\p{Zp}]/gu;
const invisible = /[\p{Cf}\p{Cs}]/gu;

/** A name members can be shown: the server checks the same, and it came over the network. */
function isShownName(value: unknown): value is string {
  return typeof value === 'string' && [...value].length <= maxJoinNameChars && !disguising.test(value) && value === value.trim();
}

/** Our display name as the server takes it: no characters it refuses, spaces tidied, cut to the limit. */
export function joinName(displayName: string): string {
  // Line breaks and tabs become spaces; invisible formatting goes (a joined emoji then shows as its parts).
  const tidy = displayName.replace(breaks, ' ').replace(invisible, '').trim().replace(/\s+/g, ' ');
  return [...tidy].slice(0, maxJoinNameChars).join('').trim();
}

/** null for anything that is not a well-formed room message (PeerJS's own messages included). */
export function parseRoomEvent(message: unknown): RoomEvent | null {
  if (typeof message !== 'object' || message === null) return null;
  const { type, payload } = message as { type?: unknown; payload?: unknown };
  if (typeof payload !== 'object' || payload === null) return null;
  const p = payload as Record<string, unknown>;
  switch (type) {
    case 'ROOM-MEMBERS': {
      const { members, policy, pass } = p;
      if (typeof p.room !== 'string' || !Array.isArray(members) || members.length > maxMembers || !members.every(isPeerId)) return null;
      if (policy !== undefined && !isPolicy(policy)) return null;
      if (pass !== undefined && (typeof pass !== 'string' || !passPattern.test(pass))) return null;
      return { type: 'members', room: p.room, members: [...members], ...(policy === undefined ? {} : { policy }), ...(pass === undefined ? {} : { pass }) };
    }
    case 'ROOM-PEER-JOINED':
    case 'ROOM-PEER-LEFT':
      if (typeof p.room !== 'string' || !isPeerId(p.peer)) return null;
      return { type: type === 'ROOM-PEER-JOINED' ? 'peer-joined' : 'peer-left', room: p.room, peer: p.peer };
    case 'ROOM-WAITING':
      return typeof p.room === 'string' ? { type: 'waiting', room: p.room } : null;
    case 'ROOM-JOIN-REQUEST':
      if (typeof p.room !== 'string' || !isRequestHandle(p.request) || !isShownName(p.name)) return null;
      return { type: 'join-request', room: p.room, request: p.request, name: p.name };
    case 'ROOM-JOIN-REQUEST-ENDED':
      if (typeof p.room !== 'string' || !isRequestHandle(p.request) || !requestEnds.includes(p.why as RequestEnd)) return null;
      return { type: 'join-request-ended', room: p.room, request: p.request, why: p.why as RequestEnd };
    case 'ROOM-POLICY':
      return typeof p.room === 'string' && isPolicy(p.policy) ? { type: 'policy', room: p.room, policy: p.policy } : null;
    case 'ROOM-ERROR':
      return refusals.includes(p.code as RoomRefusal) ? { type: 'refused', code: p.code as RoomRefusal } : null;
    default:
      return null;
  }
}

/** An SDP's worth of text; the server refuses frames past 64 KiB anyway. */
export const maxRestartSdpChars = 60_000;

/**
 * Our ICE restart message, relayed by the server between room-mates, about the call
 * `connectionId` (PeerJS's ID of that call): the offer or the answer of a restart, or a
 * request that the other side make an offer.
 */
export type RestartSignal = { readonly type: 'offer' | 'answer'; readonly sdp: string } | { readonly type: 'request' };

export interface RestartMessage {
  readonly from: string;
  readonly connectionId: string;
  readonly signal: RestartSignal;
}

/** null for anything that is not a well-formed RESTART from a peer. */
export function parseRestartMessage(message: unknown): RestartMessage | null {
  if (typeof message !== 'object' || message === null) return null;
  const { type, src, payload } = message as { type?: unknown; src?: unknown; payload?: unknown };
  if (type !== 'RESTART' || !isPeerId(src) || typeof payload !== 'object' || payload === null) return null;
  const { connectionId, description } = payload as { connectionId?: unknown; description?: unknown };
  if (typeof connectionId !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(connectionId)) return null;
  if (typeof description !== 'object' || description === null) return null;
  const { type: kind, sdp } = description as { type?: unknown; sdp?: unknown };
  if (kind === 'request') return { from: src, connectionId, signal: { type: 'request' } };
  if ((kind !== 'offer' && kind !== 'answer') || typeof sdp !== 'string' || sdp.length === 0 || sdp.length > maxRestartSdpChars) return null;
  return { from: src, connectionId, signal: { type: kind, sdp } };
}
