/**
 * Where peers are and which room each is in, who waits at each room's door, and how a
 * message reaches a peer. One node keeps this in memory; with Redis (redis-hub.ts)
 * every node shares it, so a peer on one node can call a peer on another. The relay
 * and the room service speak only to this interface.
 */
import type { AdmissionPasses } from './admission-pass.js';
import { type TicketUse, UsedTickets } from './connect-tickets.js';
import { type DoorEvent, type DoorStep, type DoorView, doorView, type JoinPolicy, newDoor, type RoomDoor, step } from './room-admission.js';
import { type EntryRefusal, type RoomNotice, roomNoticeMessages } from './room-messages.js';
import { type RoomRefusal, RoomRegistry } from './rooms.js';
import { newRequestHandle, type Waiting, WaitingPeers } from './waiting-peers.js';

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

/**
 * What a create or join comes to: in (with the members, the door when the room has one,
 * and a fresh pass to show next time), waiting, or refused.
 */
export type EntryOutcome =
  | { readonly ok: true; readonly members: readonly string[]; readonly door: DoorView | null; readonly pass: string }
  | { readonly ok: 'waiting' }
  | { readonly ok: false; readonly refusal: EntryRefusal };

/** What became of a member's policy change or answer at the door. */
export type DoorOutcome = { readonly ok: true } | { readonly ok: false; readonly code: 'not-member' | 'request-unknown' | RoomRefusal };

export interface HubSettings {
  /** Most people in one room. */
  readonly capacity: number;
  /** How long a newcomer waits for an answer before its request ends. */
  readonly joinRequestTimeoutMs: number;
  /** What each peer let in is handed, and shows to be let in again after the room was forgotten. */
  readonly passes: AdmissionPasses;
}

export interface Hub {
  /** A peer registered on this node. */
  attach(peer: string, endpoint: LocalEndpoint): Promise<void>;
  /** Its socket closed: it leaves its room (or stops waiting), and the others are told. */
  detach(peer: string): Promise<void>;
  create(room: string, peer: string, policy: JoinPolicy): Promise<EntryOutcome>;
  /** Enters the room (at once with a valid `pass`), or waits at its door under `name` when the room asks. */
  join(room: string, peer: string, name: string, pass: string | undefined): Promise<EntryOutcome>;
  leave(peer: string): Promise<void>;
  /** A member sets its room's join policy; every member is told. */
  setPolicy(peer: string, policy: JoinPolicy): Promise<DoorOutcome>;
  /** A member admits or denies a request waiting at its room's door. */
  answer(peer: string, request: string, verdict: 'admit' | 'deny'): Promise<DoorOutcome>;
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

/** The request a newcomer would wait with, should the room ask. */
export function joinRequest(peer: string, name: string, timeoutMs: number) {
  return { request: newRequestHandle(), peer, name, expiresAtMs: Date.now() + timeoutMs };
}

/** A knock's step as a create/join answer for the one who knocked; `pass` is what it gets if let in. */
export function knockOutcome(knocked: DoorStep, members: readonly string[], pass: () => string): EntryOutcome {
  const hears = knocked.newcomers[0]?.hears;
  switch (hears) {
    case 'enter':
      return { ok: true, members, door: doorView(knocked.door), pass: pass() };
    case 'waiting':
      return { ok: 'waiting' };
    case 'join-denied':
    case 'room-locked':
    case 'waiting-full':
      return { ok: false, refusal: hears };
    default:
      throw new Error(`a knock is answered with enter, waiting or a refusal, not ${hears}`);
  }
}

/** The notices a step's outcome sends, to everyone but `actor`, who is answered directly. */
export function stepNotices(room: string, done: DoorStep, members: readonly string[], entering: string | undefined, actor: string | null): RoomNotice[] {
  const notices: RoomNotice[] = [];
  for (const to of members) for (const news of done.members) notices.push({ to, event: 'door', room, news });
  for (const { peer, hears } of done.newcomers) {
    if (peer === actor || hears === 'waiting') continue;
    if (hears === 'enter') notices.push({ to: peer, event: 'entered', room, members: members.filter((m) => m !== entering), door: doorView(done.door) });
    else notices.push({ to: peer, event: 'turned-away', room, code: hears });
  }
  return notices;
}

export class MemoryHub implements Hub {
  readonly #registry: RoomRegistry;
  readonly #settings: HubSettings;
  readonly #doors = new Map<string, RoomDoor>();
  readonly #waiting = new WaitingPeers((_peer, waiting) => this.#carryOut(waiting.room, { type: 'withdraw', request: waiting.request, why: 'expired' }, null));
  readonly #local = new Map<string, LocalEndpoint>();
  readonly #tickets = new UsedTickets(maxUsedTickets);

  constructor(settings: HubSettings) {
    this.#settings = settings;
    this.#registry = new RoomRegistry(settings.capacity);
  }

  async attach(peer: string, endpoint: LocalEndpoint): Promise<void> {
    this.#local.set(peer, endpoint);
  }
  async detach(peer: string): Promise<void> {
    this.#local.delete(peer);
    this.#leave(peer);
  }
  async create(room: string, peer: string, policy: JoinPolicy): Promise<EntryOutcome> {
    const outcome = this.#registry.create(room, peer);
    this.#notify(outcome.notices);
    if (!outcome.ok) return outcome;
    const door = newDoor(policy, peer);
    if (door === null) this.#doors.delete(room);
    else this.#doors.set(room, door);
    return { ok: true, members: [], door: doorView(door), pass: this.#settings.passes.issue(room, peer) };
  }
  async join(room: string, peer: string, name: string, pass: string | undefined): Promise<EntryOutcome> {
    const { passes, joinRequestTimeoutMs } = this.#settings;
    // A member asking again is answered as before, whatever the door says now.
    if (this.#registry.roomOf(peer) === room) return { ok: true, members: this.#others(room, peer), door: doorView(this.#doorOf(room)), pass: passes.issue(room, peer) };
    const asking = joinRequest(peer, name, joinRequestTimeoutMs);
    const passed = passes.admits(pass, room, peer);
    const outcome = this.#carryOut(room, { type: 'knock', asking, nowMs: Date.now(), passed }, peer);
    if (!outcome.ok) return { ok: false, refusal: outcome.refusal };
    const waits = outcome.step.door?.waiting.find((w) => w.peer === peer);
    if (waits !== undefined) this.#waiting.wait(peer, room, waits.request, waits.expiresAtMs);
    // One that asked before it showed its pass waits no longer.
    else if (outcome.step.newcomers[0]?.hears === 'enter') this.#waiting.done(peer);
    return knockOutcome(outcome.step, this.#others(room, peer), () => passes.issue(room, peer));
  }
  async leave(peer: string): Promise<void> {
    this.#leave(peer);
  }
  async setPolicy(peer: string, policy: JoinPolicy): Promise<DoorOutcome> {
    const room = this.#registry.roomOf(peer);
    if (room === undefined) return { ok: false, code: 'not-member' };
    this.#carryOut(room, { type: 'set-policy', policy, members: this.#registry.membersOf(room) }, null);
    return { ok: true };
  }
  async answer(peer: string, request: string, verdict: 'admit' | 'deny'): Promise<DoorOutcome> {
    const room = this.#registry.roomOf(peer);
    if (room === undefined) return { ok: false, code: 'not-member' };
    const outcome = this.#carryOut(room, { type: 'answer', request, verdict }, null);
    if (!outcome.ok) return { ok: false, code: outcome.refusal };
    return outcome.step.error === null ? { ok: true } : { ok: false, code: outcome.step.error };
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
    this.#waiting.clear();
    this.#local.clear();
  }

  #doorOf(room: string): RoomDoor | null {
    return this.#doors.get(room) ?? null;
  }

  #others(room: string, peer: string): string[] {
    return this.#registry.membersOf(room).filter((m) => m !== peer);
  }

  /**
   * Steps the room's door and carries the step out: the newcomer it lets in joins the
   * room, or nothing changes at all (the room is full or gone); then everyone but
   * `actor` is told.
   */
  #carryOut(room: string, event: DoorEvent, actor: string | null): { ok: true; step: DoorStep } | { ok: false; refusal: RoomRefusal } {
    const done = step(this.#doorOf(room), event);
    const entering = done.newcomers.find((n) => n.hears === 'enter')?.peer;
    if (entering !== undefined) {
      const joined = this.#registry.join(room, entering);
      if (!joined.ok) return { ok: false, refusal: joined.refusal };
      this.#notify(joined.notices);
    }
    if (done.door === null) this.#doors.delete(room);
    else this.#doors.set(room, done.door);
    this.#notify(stepNotices(room, done, this.#registry.membersOf(room).filter((m) => m !== entering), entering, actor));
    return { ok: true, step: done };
  }

  #leave(peer: string): void {
    const waiting: Waiting | undefined = this.#waiting.done(peer);
    if (waiting !== undefined) this.#carryOut(waiting.room, { type: 'withdraw', request: waiting.request, why: 'withdrawn' }, peer);
    const room = this.#registry.roomOf(peer);
    this.#notify(this.#registry.leave(peer));
    const door = room === undefined ? undefined : this.#doors.get(room);
    if (room === undefined || door === undefined || this.#registry.membersOf(room).length > 0) return;
    // The room ended with its last member: whoever still waits is told it is gone.
    this.#doors.delete(room);
    this.#notify(door.waiting.map((w): RoomNotice => ({ to: w.peer, event: 'turned-away', room, code: 'room-unknown' })));
  }

  #notify(notices: readonly RoomNotice[]): void {
    for (const notice of notices) {
      if (notice.event === 'entered' || notice.event === 'turned-away') this.#waiting.done(notice.to);
      const endpoint = this.#local.get(notice.to);
      if (endpoint === undefined) continue;
      for (const message of roomNoticeMessages(notice, this.#settings.passes)) endpoint.deliver(message);
    }
  }
}
