/**
 * Who connects where in a load run: peers in pairs, each pair with a room of its own
 * and connect tickets minted for it, spread over the worker processes so that a pair's two
 * sockets sit in different processes (and, with two nodes, on different nodes).
 */
import { randomBytes } from 'node:crypto';
import { roomTag } from '../signaling/tokens';
import type { PeerSpec } from './load-messages';

export interface Endpoint {
  /** Where PeerServer is mounted, as a ws:// URL; its socket path is this plus /peerjs. */
  readonly mount: string;
  readonly key: string;
  /** Our nodes check a signed token and relay only inside rooms; null: stock PeerServer, any token, no rooms. */
  readonly tokenSecret: Buffer | null;
}

export interface Pair {
  readonly creator: string;
  readonly joiner: string;
  /** The worker holding the creator, which times the pair's round trips. */
  readonly worker: number;
}

export interface LoadPlan {
  readonly byWorker: readonly PeerSpec[][];
  readonly pairs: readonly Pair[];
  readonly rooms: boolean;
}

/** Room IDs are 7 groups of 4 from this base32 alphabet (signaling/room-messages.ts). */
const roomAlphabet = '0123456789abcdefghjkmnpqrstvwxyz';

function newRoomId(): string {
  // 256 is a multiple of 32, so every character is equally likely.
  const chars = [...randomBytes(28)].map((byte) => roomAlphabet[byte % roomAlphabet.length]).join('');
  return chars.match(/.{4}/g)!.join('-');
}

function socketUrl(endpoint: Endpoint, id: string): string {
  return `${endpoint.mount}/peerjs?${new URLSearchParams({ key: endpoint.key, id })}`;
}

/**
 * Tickets are minted by the worker as each peer connects, rather than fetched from
 * POST /ticket (HTTP stays out of the connect timing) or minted here (a ticket lives
 * 30 s, and a slow run connects for longer).
 */
function ticketFor(endpoint: Endpoint, room: string | null): PeerSpec['ticket'] {
  return endpoint.tokenSecret === null || room === null ? null : { secret: endpoint.tokenSecret.toString('base64url'), roomTag: roomTag(room) };
}

export function planLoad(pairCount: number, endpoints: readonly Endpoint[], workerCount: number): LoadPlan {
  const creatorsAt = endpoints[0]!;
  const joinersAt = endpoints[endpoints.length - 1]!;
  const rooms = creatorsAt.tokenSecret !== null;
  const byWorker = Array.from({ length: workerCount }, (): PeerSpec[] => []);
  const pairs: Pair[] = [];
  for (let i = 0; i < pairCount; i++) {
    const creator = `c${i}`;
    const joiner = `j${i}`;
    const room = rooms ? newRoomId() : null;
    const worker = i % workerCount;
    byWorker[worker]!.push({ id: creator, partner: joiner, role: 'creator', room, url: socketUrl(creatorsAt, creator), ticket: ticketFor(creatorsAt, room) });
    byWorker[(i + 1) % workerCount]!.push({ id: joiner, partner: creator, role: 'joiner', room, url: socketUrl(joinersAt, joiner), ticket: ticketFor(joinersAt, room) });
    pairs.push({ creator, joiner, worker });
  }
  return { byWorker, pairs, rooms };
}
