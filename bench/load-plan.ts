/**
 * Who connects where in a load run: peers in pairs, each pair with a room of its own
 * and connect tickets minted for it, spread over the worker processes so that a pair's two
 * sockets sit in different processes (and, with two nodes, on different nodes).
 */
import { randomBytes } from 'node:crypto';
import { issueTicket } from '../signaling/connect-tickets';
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
/** What the PeerJS client appends, so the server sees the URL a browser sends. */
const clientVersion = '1.5.5';

function newRoomId(): string {
  // 256 is a multiple of 32, so every character is equally likely.
  const chars = [...randomBytes(28)].map((byte) => roomAlphabet[byte % roomAlphabet.length]).join('');
  return chars.match(/.{4}/g)!.join('-');
}

function socketUrl(endpoint: Endpoint, id: string, room: string | null, nowMs: number): string {
  // Minted here rather than fetched from POST /ticket, so HTTP stays out of the connect timing.
  // A ticket lives 30 s; every peer of a run connects well within that of the plan.
  const token = endpoint.tokenSecret === null || room === null ? 'bench' : issueTicket(endpoint.tokenSecret, id, roomTag(room), nowMs).ticket;
  return `${endpoint.mount}/peerjs?${new URLSearchParams({ key: endpoint.key, id, token, version: clientVersion })}`;
}

export function planLoad(pairCount: number, endpoints: readonly Endpoint[], workerCount: number): LoadPlan {
  const creatorsAt = endpoints[0]!;
  const joinersAt = endpoints[endpoints.length - 1]!;
  const rooms = creatorsAt.tokenSecret !== null;
  const byWorker = Array.from({ length: workerCount }, (): PeerSpec[] => []);
  const pairs: Pair[] = [];
  const nowMs = Date.now();
  for (let i = 0; i < pairCount; i++) {
    const creator = `c${i}`;
    const joiner = `j${i}`;
    const room = rooms ? newRoomId() : null;
    const worker = i % workerCount;
    byWorker[worker]!.push({ id: creator, partner: joiner, role: 'creator', room, url: socketUrl(creatorsAt, creator, room, nowMs) });
    byWorker[(i + 1) % workerCount]!.push({ id: joiner, partner: creator, role: 'joiner', room, url: socketUrl(joinersAt, joiner, room, nowMs) });
    pairs.push({ creator, joiner, worker });
  }
  return { byWorker, pairs, rooms };
}
