/**
 * The room messages that ride on the PeerJS signaling socket beside OFFER/ANSWER.
 * PeerServer ignores types it does not know, so these pass through it untouched;
 * this module is the one place they are validated.
 */
import type { Notice, RoomRefusal } from './rooms.js';

/** Room IDs are 7 groups of 4 base32 characters: 140 random bits. */
export const roomIdPattern = /^[0-9a-hjkmnp-tv-z]{4}(?:-[0-9a-hjkmnp-tv-z]{4}){6}$/;

export type RoomRequest =
  | { type: 'ROOM-CREATE'; room: string }
  | { type: 'ROOM-JOIN'; room: string }
  | { type: 'ROOM-LEAVE' };

/** `not-allowed`: the peer's token was issued for another room. */
export type RoomErrorCode = RoomRefusal | 'bad-request' | 'not-allowed';

/** Returns null for messages that are not room messages at all (PeerServer's own). */
export function parseRoomRequest(message: unknown): RoomRequest | { type: 'invalid' } | null {
  if (typeof message !== 'object' || message === null) return null;
  const { type, payload } = message as { type?: unknown; payload?: unknown };
  if (typeof type !== 'string' || !type.startsWith('ROOM-')) return null;
  if (type === 'ROOM-LEAVE') return { type };
  if (type !== 'ROOM-CREATE' && type !== 'ROOM-JOIN') return { type: 'invalid' };
  const room = typeof payload === 'object' && payload !== null ? (payload as { room?: unknown }).room : undefined;
  if (typeof room !== 'string' || !roomIdPattern.test(room)) return { type: 'invalid' };
  return { type, room };
}

export function membersMessage(room: string, members: readonly string[]) {
  return { type: 'ROOM-MEMBERS', payload: { room, members } };
}

export function roomErrorMessage(code: RoomErrorCode) {
  return { type: 'ROOM-ERROR', payload: { code } };
}

export function noticeMessage(notice: Notice) {
  const type = notice.event === 'peer-joined' ? 'ROOM-PEER-JOINED' : 'ROOM-PEER-LEFT';
  return { type, payload: { room: notice.room, peer: notice.peer } };
}
