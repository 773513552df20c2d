/**
 * The room messages that ride on the PeerJS signaling socket beside OFFER/ANSWER.
 * PeerServer ignores types it does not know, so these pass through it untouched;
 * this module is the one place they are validated.
 */
import { type AdmissionPasses, passPattern } from './admission-pass.js';
import { type DoorView, joinPolicies, type JoinPolicy, type MemberNews, type NewcomerNews, parseJoinName, requestHandlePattern } from './room-admission.js';
import type { Notice, RoomRefusal } from './rooms.js';

/** Room IDs are 7 groups of 4 base32 characters: 140 random bits. */
export const roomIdPattern = /^[0-9a-hjkmnp-tv-z]{4}(?:-[0-9a-hjkmnp-tv-z]{4}){6}$/;

/**
 * `policy`, `name` and `pass` are there only when the client sent them: without, a room
 * is open, a newcomer nameless, and a joiner one the door has to know already.
 */
export type RoomRequest =
  | { type: 'ROOM-CREATE'; room: string; policy?: JoinPolicy }
  | { type: 'ROOM-JOIN'; room: string; name?: string; pass?: string }
  | { type: 'ROOM-LEAVE' }
  /** Members only, about their own room. */
  | { type: 'ROOM-POLICY'; policy: JoinPolicy }
  | { type: 'ROOM-ADMIT' | 'ROOM-DENY'; request: string };

/** Why a join, or a member's answer at the door, was refused. */
export type EntryRefusal = RoomRefusal | 'room-locked' | 'join-denied' | 'waiting-full';

/**
 * `not-allowed`: the peer's token was issued for another room. `not-member`: only a
 * member may set the policy or answer a request. `request-unknown`: no such request is
 * waiting in the member's room (answered already, withdrawn, or never there).
 * `join-unanswered`: nobody answered in time.
 */
export type RoomErrorCode = EntryRefusal | 'join-unanswered' | 'request-unknown' | 'not-member' | 'bad-request' | 'not-allowed';

/** What a hub tells one peer of a room's door, wherever that peer is connected. */
export type DoorNotice =
  | { readonly to: string; readonly event: 'door'; readonly room: string; readonly news: MemberNews }
  /** To a newcomer let in: what a join would have answered. */
  | { readonly to: string; readonly event: 'entered'; readonly room: string; readonly members: readonly string[]; readonly door: DoorView | null }
  /** To a waiting newcomer sent away, or whose room ended while it waited. */
  | { readonly to: string; readonly event: 'turned-away'; readonly room: string; readonly code: Exclude<NewcomerNews, 'enter' | 'waiting'> | 'room-unknown' };

export type RoomNotice = Notice | DoorNotice;

/** Returns null for messages that are not room messages at all (PeerServer's own). */
export function parseRoomRequest(message: unknown): RoomRequest | { type: 'invalid' } | null {
  if (typeof message !== 'object' || message === null) return null;
  const { type, payload } = message as { type?: unknown; payload?: unknown };
  if (typeof type !== 'string' || !type.startsWith('ROOM-')) return null;
  if (type === 'ROOM-LEAVE') return { type };
  const p: Record<string, unknown> = typeof payload === 'object' && payload !== null ? (payload as Record<string, unknown>) : {};
  switch (type) {
    case 'ROOM-CREATE':
    case 'ROOM-JOIN': {
      const { room } = p;
      if (typeof room !== 'string' || !roomIdPattern.test(room)) return invalid;
      if (type === 'ROOM-CREATE') {
        if (p.policy === undefined) return { type, room };
        return isPolicy(p.policy) ? { type, room, policy: p.policy } : invalid;
      }
      const name = parseJoinName(p.name);
      if (name === null) return invalid;
      // Only its shape here: whether it is a pass of this room's, for this peer, the hub checks.
      if (p.pass !== undefined && (typeof p.pass !== 'string' || !passPattern.test(p.pass))) return invalid;
      return { type, room, ...(name === '' ? {} : { name }), ...(p.pass === undefined ? {} : { pass: p.pass }) };
    }
    case 'ROOM-POLICY':
      return isPolicy(p.policy) ? { type, policy: p.policy } : invalid;
    case 'ROOM-ADMIT':
    case 'ROOM-DENY':
      return typeof p.request === 'string' && requestHandlePattern.test(p.request) ? { type, request: p.request } : invalid;
    default:
      return invalid;
  }
}

const invalid = { type: 'invalid' } as const;

function isPolicy(value: unknown): value is JoinPolicy {
  return (joinPolicies as readonly unknown[]).includes(value);
}

/**
 * The room's members for one who enters, with the pass it shows when it comes back
 * (admission-pass.ts); with the policy when the room has a door.
 */
export function membersMessage(room: string, members: readonly string[], door: DoorView | null, pass: string) {
  return { type: 'ROOM-MEMBERS', payload: door === null ? { room, members, pass } : { room, members, policy: door.policy, pass } };
}

/** To a newcomer who must wait: the room exists, and nothing more about it. */
export function waitingMessage(room: string) {
  return { type: 'ROOM-WAITING', payload: { room } };
}

export function roomErrorMessage(code: RoomErrorCode) {
  return { type: 'ROOM-ERROR', payload: { code } };
}

export function noticeMessage(notice: Notice) {
  const type = notice.event === 'peer-joined' ? 'ROOM-PEER-JOINED' : 'ROOM-PEER-LEFT';
  return { type, payload: { room: notice.room, peer: notice.peer } };
}

export function memberNewsMessage(room: string, news: MemberNews) {
  switch (news.kind) {
    case 'join-request':
      return { type: 'ROOM-JOIN-REQUEST', payload: { room, request: news.request, name: news.name } };
    case 'join-request-ended':
      return { type: 'ROOM-JOIN-REQUEST-ENDED', payload: { room, request: news.request, why: news.why } };
    case 'policy':
      return { type: 'ROOM-POLICY', payload: { room, policy: news.policy } };
  }
}

/**
 * The messages one who enters a room is sent: the members, then the requests still
 * waiting, since it may answer them now too.
 */
export function enteredMessages(room: string, members: readonly string[], door: DoorView | null, pass: string): object[] {
  const requests = door?.requests ?? [];
  return [membersMessage(room, members, door, pass), ...requests.map((r) => memberNewsMessage(room, { kind: 'join-request', ...r }))];
}

/** The messages a notice sends its peer; one let in gets its pass from the node it is connected to. */
export function roomNoticeMessages(notice: RoomNotice, passes: AdmissionPasses): object[] {
  switch (notice.event) {
    case 'peer-joined':
    case 'peer-left':
      return [noticeMessage(notice)];
    case 'door':
      return [memberNewsMessage(notice.room, notice.news)];
    case 'entered':
      return enteredMessages(notice.room, notice.members, notice.door, passes.issue(notice.room, notice.to));
    case 'turned-away':
      return [roomErrorMessage(notice.code)];
  }
}
