/**
 * Every frame a client sends on the signaling socket, validated in one place before
 * anything acts on it. PeerServer would take any JSON with any `dst`; we accept only
 * the few shapes a PeerJS client sends, and say what was wrong with the rest.
 */
import type { DropReason } from './metrics.js';
import { parseRoomRequest, type RoomRequest } from './room-messages.js';

/**
 * What the server relays between two peers: PeerJS's own four, and RESTART, ours, which
 * carries the offer and answer of an ICE restart on a call that already exists (PeerJS
 * closes a call that receives a second OFFER).
 */
export const relayTypes = ['OFFER', 'ANSWER', 'CANDIDATE', 'LEAVE', 'RESTART'] as const;
export type RelayType = (typeof relayTypes)[number];

const peerIdPattern = /^[A-Za-z0-9_-]{1,64}$/;

export type ClientFrame =
  | { kind: 'heartbeat' }
  /** The client asks whether its socket still reaches us; answered with PONG at once. */
  | { kind: 'ping' }
  /** A spare connect ticket for the next reconnect, bought with the token as POST /ticket does. */
  | { kind: 'ticket'; token: string }
  | { kind: 'room'; request: RoomRequest | { type: 'invalid' } }
  | { kind: 'relay'; type: RelayType; dst: string; payload: unknown }
  | { kind: 'refused'; reason: DropReason; detail: string };

export function isPeerId(value: unknown): value is string {
  return typeof value === 'string' && peerIdPattern.test(value);
}

export function parseClientFrame(data: Buffer | string, isBinary: boolean, maxFrameBytes: number): ClientFrame {
  if (isBinary) return { kind: 'refused', reason: 'binary', detail: 'Binary frames are not part of the protocol; send JSON text.' };
  const size = typeof data === 'string' ? Buffer.byteLength(data) : data.length;
  if (size > maxFrameBytes) return { kind: 'refused', reason: 'frame-too-large', detail: `Frames are limited to ${maxFrameBytes} bytes.` };
  let message: unknown;
  try {
    message = JSON.parse(String(data));
  } catch {
    return { kind: 'refused', reason: 'malformed', detail: 'Frames must be JSON.' };
  }
  if (typeof message !== 'object' || message === null || Array.isArray(message)) {
    return { kind: 'refused', reason: 'malformed', detail: 'A frame is a JSON object with a "type".' };
  }
  const { type, dst, payload } = message as { type?: unknown; dst?: unknown; payload?: unknown };
  if (type === 'HEARTBEAT') return { kind: 'heartbeat' };
  if (type === 'PING') return { kind: 'ping' };
  if (type === 'TICKET') {
    const token = (payload as { token?: unknown } | null | undefined)?.token;
    if (typeof token !== 'string' || token.length > 1_024) return { kind: 'refused', reason: 'malformed', detail: 'TICKET needs {"payload": {"token"}}.' };
    return { kind: 'ticket', token };
  }
  const room = parseRoomRequest(message);
  if (room !== null) return { kind: 'room', request: room };
  if (typeof type !== 'string' || !(relayTypes as readonly string[]).includes(type)) {
    return { kind: 'refused', reason: 'unknown-type', detail: 'Unknown message type.' };
  }
  if (!isPeerId(dst)) return { kind: 'refused', reason: 'malformed', detail: 'A relayed message needs a "dst" peer ID.' };
  if (type !== 'LEAVE' && (typeof payload !== 'object' || payload === null || Array.isArray(payload))) {
    return { kind: 'refused', reason: 'malformed', detail: `${type} needs an object payload.` };
  }
  return { kind: 'relay', type: type as RelayType, dst, payload };
}
