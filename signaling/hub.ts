/**
 * Where peers are and which room each is in, and how a message reaches a peer. One
 * node keeps this in memory; with Redis (redis-hub.ts) every node shares it, so a
 * peer on one node can call a peer on another. The relay and the room service speak
 * only to this interface.
 */
import { type JoinOutcome, type Notice, RoomRegistry } from './rooms.js';
import { noticeMessage } from './room-messages.js';

export type Deliver = (message: object) => void;

/** What became of a relayed message. */
export type RelayOutcome = 'delivered' | 'not-in-room' | 'unreachable';

export interface Hub {
  /** A peer registered on this node; `deliver` writes to its socket. */
  attach(peer: string, deliver: Deliver): Promise<void>;
  /** Its socket closed: it leaves its room, and the others are told. */
  detach(peer: string): Promise<void>;
  create(room: string, peer: string): Promise<JoinOutcome>;
  join(room: string, peer: string): Promise<JoinOutcome>;
  leave(peer: string): Promise<void>;
  /** Delivers to the peer wherever it is connected; false when it is nowhere. */
  send(to: string, message: object): Promise<boolean>;
  /** Delivers `message` from `from` to `to` only if both are in the same room. */
  relay(from: string, to: string, message: object): Promise<RelayOutcome>;
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
  readonly #local = new Map<string, Deliver>();

  constructor(capacity: number) {
    this.#registry = new RoomRegistry(capacity);
  }

  async attach(peer: string, deliver: Deliver): Promise<void> {
    this.#local.set(peer, deliver);
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
    const deliver = this.#local.get(to);
    deliver?.(message);
    return deliver !== undefined;
  }
  async relay(from: string, to: string, message: object): Promise<RelayOutcome> {
    const room = this.#registry.roomOf(from);
    if (room === undefined || room !== this.#registry.roomOf(to)) return 'not-in-room';
    return (await this.send(to, message)) ? 'delivered' : 'unreachable';
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
    for (const notice of notices) this.#local.get(notice.to)?.(noticeMessage(notice));
  }
}
