/**
 * Where peers are and which room each is in, and how a message reaches a peer. One
 * node keeps this in memory; with Redis (redis-hub.ts) every node shares it, so a
 * peer on one node can call a peer on another. The relay and the room service speak
 * only to this interface.
 */
import { type TicketUse, UsedTickets } from './connect-tickets.js';
import { type JoinOutcome, type Notice, RoomRegistry } from './rooms.js';
import { noticeMessage } from './room-messages.js';

/** A peer's socket on this node, as the hub sees it. */
export interface LocalEndpoint {
  /** Writes to the socket; false when it could not take the message. */
  deliver(message: object): boolean;
  /** Another node took this peer's ID: close this socket as replaced. */
  replaced(): void;
}

/** Tickets one node remembers at most; far more connections than it can take in half a minute. */
const maxUsedTickets = 200_000;

/** What became of a relayed message. */
export type RelayOutcome = 'delivered' | 'not-in-room' | 'unreachable';

export interface Hub {
  /** A peer registered on this node. */
  attach(peer: string, endpoint: LocalEndpoint): Promise<void>;
  /** Its socket closed: it leaves its room, and the others are told. */
  detach(peer: string): Promise<void>;
  create(room: string, peer: string): Promise<JoinOutcome>;
  join(room: string, peer: string): Promise<JoinOutcome>;
  leave(peer: string): Promise<void>;
  /** Delivers to the peer wherever it is connected; false when it is nowhere. */
  send(to: string, message: object): Promise<boolean>;
  /** Delivers `message` from `from` to `to` only if both are in the same room; synchronous where it can be, since it is the hot path. */
  relay(from: string, to: string, message: object): RelayOutcome | Promise<RelayOutcome>;
  /** Whether a connect ticket is presented for the first time (on any node). */
  consumeTicket(nonce: string, expiresAtMs: number): TicketUse | Promise<TicketUse>;
  /** Peers connected to this node. */
  localPeerCount(): number;
  roomCount(): Promise<number>;
  /** Milliseconds of the last round trip to shared state, or null without one. */
  lastRoundTripMs(): number | null;
  ready(): Promise<boolean>;
  close(): Promise<void>;
}

export class MemoryHub implements Hub {
  readonly #registry: RoomRegistry;
  readonly #local = new Map<string, LocalEndpoint>();
  readonly #tickets = new UsedTickets(maxUsedTickets);

  constructor(capacity: number) {
    this.#registry = new RoomRegistry(capacity);
  }

  async attach(peer: string, endpoint: LocalEndpoint): Promise<void> {
    this.#local.set(peer, endpoint);
  }
  async detach(peer: string): Promise<void> {
    this.#local.delete(peer);
    this.#notify(this.#registry.leave(peer));
  }
  async create(room: string, peer: string): Promise<JoinOutcome> {
    return this.#notified(this.#registry.create(room, peer));
  }
  async join(room: string, peer: string): Promise<JoinOutcome> {
    return this.#notified(this.#registry.join(room, peer));
  }
  async leave(peer: string): Promise<void> {
    this.#notify(this.#registry.leave(peer));
  }
  async send(to: string, message: object): Promise<boolean> {
    return this.#local.get(to)?.deliver(message) ?? false;
  }
  relay(from: string, to: string, message: object): RelayOutcome {
    const room = this.#registry.roomOf(from);
    if (room === undefined || room !== this.#registry.roomOf(to)) return 'not-in-room';
    return this.#local.get(to)?.deliver(message) ? 'delivered' : 'unreachable';
  }
  consumeTicket(nonce: string, expiresAtMs: number): TicketUse {
    return this.#tickets.consume(nonce, expiresAtMs, Date.now());
  }
  localPeerCount(): number {
    return this.#local.size;
  }
  async roomCount(): Promise<number> {
    return this.#registry.roomCount;
  }
  lastRoundTripMs(): null {
    return null;
  }
  async ready(): Promise<boolean> {
    return true;
  }
  async close(): Promise<void> {
    this.#local.clear();
  }

  #notified(outcome: JoinOutcome): JoinOutcome {
    this.#notify(outcome.notices);
    return outcome;
  }
  #notify(notices: readonly Notice[]): void {
    for (const notice of notices) this.#local.get(notice.to)?.deliver(noticeMessage(notice));
  }
}
