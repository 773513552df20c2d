/**
 * The client's side of the server's room messages (see signaling/room-messages.ts):
 * what we send on the PeerJS socket, and a validator for what comes back, since the
 * server is on the network too.
 */
import type { CallId } from '../call/call-id';

export type RoomRequest =
  | { type: 'ROOM-CREATE'; payload: { room: CallId } }
  | { type: 'ROOM-JOIN'; payload: { room: CallId } }
  | { type: 'ROOM-LEAVE' };

/** `not-allowed`: our token was issued for another room. */
export type RoomRefusal = 'room-unknown' | 'room-full' | 'room-exists' | 'bad-request' | 'not-allowed';

export type RoomEvent =
  | { type: 'members'; room: string; members: string[] }
  | { type: 'peer-joined' | 'peer-left'; room: string; peer: string }
  | { type: 'refused'; code: RoomRefusal };

const maxMembers = 64;
const refusals: readonly RoomRefusal[] = ['room-unknown', 'room-full', 'room-exists', 'bad-request', 'not-allowed'];
const isPeerId = (value: unknown): value is string => typeof value === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(value);

/** null for anything that is not a well-formed room message (PeerJS's own messages included). */
export function parseRoomEvent(message: unknown): RoomEvent | null {
  if (typeof message !== 'object' || message === null) return null;
  const { type, payload } = message as { type?: unknown; payload?: unknown };
  if (typeof payload !== 'object' || payload === null) return null;
  const p = payload as Record<string, unknown>;
  switch (type) {
    case 'ROOM-MEMBERS': {
      const members = p.members;
      if (typeof p.room !== 'string' || !Array.isArray(members) || members.length > maxMembers) return null;
      return members.every(isPeerId) ? { type: 'members', room: p.room, members: [...members] } : null;
    }
    case 'ROOM-PEER-JOINED':
    case 'ROOM-PEER-LEFT':
      if (typeof p.room !== 'string' || !isPeerId(p.peer)) return null;
      return { type: type === 'ROOM-PEER-JOINED' ? 'peer-joined' : 'peer-left', room: p.room, peer: p.peer };
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
