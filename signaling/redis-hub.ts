/**
 * The hub shared through Redis, so any number of nodes act as one service: which node
 * holds each peer, who is in each room, and delivery to a peer on another node (each
 * node listens on a channel of its own). Every key expires unless its owner's
 * heartbeat refreshes it (redis-scripts.ts), so nothing outlives the nodes that wrote
 * it. A node silent for half the alive timeout is presumed dead; a survivor takes its
 * peers out of their rooms, telling the others. Each node keeps a view of its own
 * peers' rooms (room-view.ts), so a frame to a stranger is refused before it costs
 * Redis anything but, at most, a check without its payload. A room's door (who may
 * enter, who waits) is one JSON value stepped by room-admission.ts and written back
 * only if nobody changed it meanwhile; the node holding a waiting peer owns its request.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { AdmissionPasses } from './admission-pass.js';
import type { TicketUse } from './connect-tickets.js';
import { type DoorOutcome, type EntryOutcome, type Hub, type HubSettings, joinRequest, knockOutcome, type LocalEndpoint, type RelayOutcome, stepNotices } from './hub.js';
import { logEvent, logProblem } from './log.js';
import { type DoorEvent, type DoorStep, doorView, type JoinPolicy, newDoor, type RoomDoor, step } from './room-admission.js';
import { type RoomNotice, roomNoticeMessages } from './room-messages.js';
import { RoomView } from './room-view.js';
import type { Notice, RoomRefusal } from './rooms.js';
import {
  attachScript,
  beatScript,
  createScript,
  detachScript,
  doorScript,
  joinScript,
  key,
  leaveScript,
  refreshScript,
  relayScript,
  whereScript,
} from './redis-scripts.js';
import { type Waiting, WaitingPeers } from './waiting-peers.js';

/** How long a closing node spends tidying its entries before it lets go regardless. */
const closeBudgetMs = 2_000;
/** Peers refreshed per script call, so no one call holds Redis for long. */
const refreshBatch = 500;
/** Reads of a door that others keep changing before one step goes through; past this the request is answered busy. */
const maxDoorAttempts = 8;

export interface RedisHubOptions extends HubSettings {
  readonly url: string;
  /** A node silent this long is dead, and its peers leave their rooms; also how long any key lives unrefreshed. */
  readonly aliveTimeoutMs: number;
}

type Delivery = { to: string; message: object } | { to: string; notice: RoomNotice } | { kick: string };

/** A door step carried out (with the members it was told to), refused (nothing changed), or to be read again. */
type Carried = { kind: 'done'; members: readonly string[] } | { kind: 'refused'; refusal: RoomRefusal } | { kind: 'conflict' };

interface Scripts {
  pcRelay(...args: string[]): Promise<number>;
  pcWhere(...args: string[]): Promise<number | string>;
}

export class RedisHub implements Hub {
  readonly #node = randomBytes(9).toString('base64url');
  readonly #redis: Redis;
  readonly #scripts: Scripts;
  readonly #subscriber: Redis;
  readonly #local = new Map<string, LocalEndpoint>();
  readonly #view = new RoomView();
  readonly #capacity: number;
  readonly #joinRequestTimeoutMs: number;
  readonly #passes: AdmissionPasses;
  readonly #waiting = new WaitingPeers((peer, waiting) => void this.#tracked(this.#expire(peer, waiting)).catch((error: unknown) => logProblem('error', 'redis-door-failed', error)));
  readonly #aliveTimeoutMs: number;
  readonly #timer: NodeJS.Timeout;
  readonly #inFlight = new Set<Promise<unknown>>();
  #roundTripMs: number | null = null;
  #closed = false;

  static async connect(options: RedisHubOptions): Promise<RedisHub> {
    const redis = new Redis(options.url, { enableAutoPipelining: true, maxRetriesPerRequest: 2, lazyConnect: true });
    // EVALSHA after the first call: the scripts are not resent with every relayed frame.
    redis.defineCommand('pcRelay', { numberOfKeys: 3, lua: relayScript });
    redis.defineCommand('pcWhere', { numberOfKeys: 3, lua: whereScript });
    const subscriber = new Redis(options.url, { maxRetriesPerRequest: 2, lazyConnect: true });
    await Promise.all([redis.connect(), subscriber.connect()]);
    const hub = new RedisHub(redis, subscriber, options);
    await subscriber.subscribe(key.channel(hub.#node));
    await hub.#beat();
    return hub;
  }

  private constructor(redis: Redis, subscriber: Redis, options: RedisHubOptions) {
    this.#redis = redis;
    this.#scripts = redis as unknown as Scripts;
    this.#subscriber = subscriber;
    this.#capacity = options.capacity;
    this.#joinRequestTimeoutMs = options.joinRequestTimeoutMs;
    this.#passes = options.passes;
    this.#aliveTimeoutMs = options.aliveTimeoutMs;
    for (const connection of [redis, subscriber]) connection.on('error', (error) => logProblem('error', 'redis-error', error));
    subscriber.on('message', (_channel: string, text: string) => this.#onDelivery(text));
    const beatEveryMs = Math.max(250, Math.min(5_000, options.aliveTimeoutMs / 4));
    this.#timer = setInterval(() => void this.#tracked(this.#beat()).catch((error: unknown) => logProblem('error', 'redis-beat-failed', error)), beatEveryMs);
    this.#timer.unref();
  }

  get #ttlMs(): string {
    return String(this.#aliveTimeoutMs);
  }

  async attach(peer: string, endpoint: LocalEndpoint): Promise<void> {
    this.#local.set(peer, endpoint);
    const kick = JSON.stringify({ kick: peer } satisfies Delivery);
    const [room, ...members] = (await this.#tracked(
      this.#redis.eval(attachScript, 3, key.peer(peer), key.nodePeers(this.#node), key.roomOf(peer), this.#node, peer, kick, this.#ttlMs),
    )) as string[];
    if (room !== undefined) this.#view.enter(peer, room, members);
  }

  async detach(peer: string): Promise<void> {
    this.#local.delete(peer);
    this.#view.leave(peer);
    const waiting = this.#waiting.done(peer);
    await this.#tracked(
      (async () => {
        // Another node may hold the peer by now (it reconnected there); leave its entry, its room and its request alone.
        const held = await this.#redis.eval(detachScript, 2, key.peer(peer), key.nodePeers(this.#node), this.#node, peer);
        if (held !== 1) return;
        if (waiting !== undefined) await this.#withdraw(peer, waiting);
        await this.#notify(await this.#leave(peer));
      })(),
    );
  }

  async create(room: string, peer: string, policy: JoinPolicy): Promise<EntryOutcome> {
    const door = newDoor(policy, peer);
    const [status, oldRoom = '', ...remaining] = (await this.#redis.eval(
      createScript,
      3,
      key.room(room),
      key.roomOf(peer),
      key.door(room),
      peer,
      room,
      this.#ttlMs,
      Date.now(),
      encodeDoor(door),
    )) as [number, string?, ...string[]];
    if (status === 0) return { ok: false, refusal: 'room-exists' };
    this.#view.enter(peer, room, []);
    await this.#notify(leftNotices(oldRoom, remaining, peer));
    return { ok: true, members: [], door: doorView(door), pass: this.#passes.issue(room, peer) };
  }

  async join(room: string, peer: string, name: string, pass: string | undefined): Promise<EntryOutcome> {
    // A member asking again is answered as before, whatever the door says now.
    if (this.#view.roomOf(peer) === room) {
      const again = await this.#enter(room, peer, '*', '*');
      if (again.kind !== 'done') return { ok: false, refusal: again.kind === 'refused' ? again.refusal : 'room-unknown' };
      const raw = await this.#redis.get(key.door(room));
      return { ok: true, members: again.members, door: doorView(decodeDoor(raw ?? '')), pass: this.#passes.issue(room, peer) };
    }
    const asking = joinRequest(peer, name, this.#joinRequestTimeoutMs);
    const passed = this.#passes.admits(pass, room, peer);
    const outcome = await this.#stepDoor(room, { type: 'knock', asking, nowMs: Date.now(), passed }, peer);
    if (outcome.carried.kind === 'refused') return { ok: false, refusal: outcome.carried.refusal };
    const waits = outcome.step.door?.waiting.find((w) => w.peer === peer);
    if (waits !== undefined && !this.#waiting.has(peer)) {
      this.#waiting.wait(peer, room, waits.request, waits.expiresAtMs);
      await this.#redis.set(key.waitOf(peer), `${room} ${waits.request}`, 'PX', this.#ttlMs);
    }
    // One that asked before it showed its pass waits no longer.
    if (outcome.step.newcomers[0]?.hears === 'enter') this.#stopWaiting(peer);
    return knockOutcome(outcome.step, outcome.carried.kind === 'done' ? outcome.carried.members : [], () => this.#passes.issue(room, peer));
  }

  async leave(peer: string): Promise<void> {
    this.#view.leave(peer);
    const waiting = this.#waiting.done(peer);
    if (waiting !== undefined) await this.#withdraw(peer, waiting);
    await this.#notify(await this.#leave(peer));
  }

  async setPolicy(peer: string, policy: JoinPolicy): Promise<DoorOutcome> {
    const room = this.#view.roomOf(peer);
    if (room === undefined) return { ok: false, code: 'not-member' };
    const members = await this.#redis.smembers(key.room(room));
    const outcome = await this.#stepDoor(room, { type: 'set-policy', policy, members }, null);
    return outcome.carried.kind === 'refused' ? { ok: false, code: outcome.carried.refusal } : { ok: true };
  }

  async answer(peer: string, request: string, verdict: 'admit' | 'deny'): Promise<DoorOutcome> {
    const room = this.#view.roomOf(peer);
    if (room === undefined) return { ok: false, code: 'not-member' };
    const outcome = await this.#stepDoor(room, { type: 'answer', request, verdict }, null);
    if (outcome.step.error !== null) return { ok: false, code: outcome.step.error };
    return outcome.carried.kind === 'refused' ? { ok: false, code: outcome.carried.refusal } : { ok: true };
  }

  async send(to: string, message: object): Promise<boolean> {
    const local = this.#local.get(to);
    if (local) return local.deliver(message);
    return this.#publishTo(to, { to, message });
  }

  relay(from: string, to: string, message: object): RelayOutcome | Promise<RelayOutcome> {
    // The sender is ours, so its room is known here exactly: in none, it reaches nobody.
    if (this.#view.roomOf(from) === undefined) return 'not-in-room';
    const local = this.#local.get(to);
    if (local !== undefined) {
      if (!this.#view.together(from, to)) return 'not-in-room';
      return local.deliver(message) ? 'delivered' : 'unreachable';
    }
    if (this.#view.together(from, to)) return this.#relayKnown(from, to, message);
    return this.#relayUnknown(from, to, message);
  }

  async consumeTicket(nonce: string, expiresAtMs: number): Promise<TicketUse> {
    const ttlMs = Math.max(1, expiresAtMs - Date.now());
    // Shared by every node, and gone once the ticket would be refused as expired anyway.
    return (await this.#redis.set(key.ticket(nonce), '1', 'PX', ttlMs, 'NX')) === 'OK' ? 'fresh' : 'used';
  }

  localPeerCount(): number {
    return this.#local.size;
  }

  async roomCount(): Promise<number> {
    return this.#redis.zcard(key.rooms);
  }

  lastRoundTripMs(): number | null {
    return this.#roundTripMs;
  }

  async ready(): Promise<boolean> {
    if (this.#closed || this.#redis.status !== 'ready') return false;
    try {
      return (await this.#redis.ping()) === 'PONG';
    } catch {
      return false;
    }
  }

  /** Leaves the shared state as if this node's peers had all disconnected, then lets go of Redis. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    // With Redis gone there is nothing to tidy, and waiting on its retries would hold shutdown.
    this.#waiting.clear();
    if (this.#redis.status === 'ready') {
      const tidy = (async () => {
        await Promise.allSettled([...this.#inFlight]);
        await Promise.allSettled([...this.#local.keys()].map((peer) => this.detach(peer)));
        await Promise.allSettled([this.#redis.hdel(key.nodes, this.#node), this.#redis.del(key.nodePeers(this.#node))]);
      })();
      await Promise.race([tidy, new Promise((resolve) => setTimeout(resolve, closeBudgetMs).unref())]);
    }
    this.#subscriber.disconnect();
    this.#redis.disconnect();
  }

  /** Room-mates as this node knows them: one round trip checks again and hands the message on. */
  async #relayKnown(from: string, to: string, message: object): Promise<RelayOutcome> {
    const outcome = await this.#scripts.pcRelay(key.roomOf(from), key.roomOf(to), key.peer(to), this.#node, JSON.stringify({ to, message } satisfies Delivery));
    if (outcome === 0) return 'not-in-room';
    if (outcome === 2) return this.#local.get(to)?.deliver(message) ? 'delivered' : 'unreachable';
    return outcome >= 4 ? 'delivered' : 'unreachable';
  }

  /** A destination this node has not heard of: ask where it is without the payload, ship only if allowed. */
  async #relayUnknown(from: string, to: string, message: object): Promise<RelayOutcome> {
    const where = await this.#scripts.pcWhere(key.roomOf(from), key.roomOf(to), key.peer(to));
    if (where === 0) return 'not-in-room';
    if (where === 1 || where === this.#node) return 'unreachable';
    const taken = await this.#redis.publish(key.channel(String(where)), JSON.stringify({ to, message } satisfies Delivery));
    return taken > 0 ? 'delivered' : 'unreachable';
  }

  async #publishTo(to: string, delivery: Delivery): Promise<boolean> {
    const node = await this.#redis.get(key.peer(to));
    if (node === null || node === this.#node) return false;
    return (await this.#redis.publish(key.channel(node), JSON.stringify(delivery))) > 0;
  }

  /** Out of its room; a room its last member left ends, and whoever still waited at its door is told. */
  async #leave(peer: string): Promise<RoomNotice[]> {
    const [room, door = '', ...remaining] = (await this.#redis.eval(leaveScript, 1, key.roomOf(peer), peer)) as string[];
    if (room === undefined) return [];
    const waiting = decodeDoor(door)?.waiting ?? [];
    return [...leftNotices(room, remaining, peer), ...waiting.map((w): RoomNotice => ({ to: w.peer, event: 'turned-away', room, code: 'room-unknown' }))];
  }

  /**
   * Reads the room's door, steps it and carries the step out, all or nothing; a door
   * someone changed meanwhile is read and stepped again.
   */
  async #stepDoor(room: string, event: DoorEvent, actor: string | null): Promise<{ step: DoorStep; carried: Carried }> {
    for (let attempt = 0; attempt < maxDoorAttempts; attempt++) {
      const before = (await this.#redis.get(key.door(room))) ?? '';
      const done = step(decodeDoor(before), event);
      if (done.error !== null) return { step: done, carried: { kind: 'done', members: [] } };
      const carried = await this.#carryOut(room, before, done, actor);
      if (carried.kind !== 'conflict') return { step: done, carried };
    }
    throw new Error('a room door kept changing under this request');
  }

  async #carryOut(room: string, before: string, done: DoorStep, actor: string | null): Promise<Carried> {
    const after = encodeDoor(done.door);
    const entering = done.newcomers.find((n) => n.hears === 'enter')?.peer;
    let carried: Carried;
    if (entering !== undefined) carried = await this.#enter(room, entering, before, after);
    // Nothing to write and nobody to tell (a refused or repeated knock): no round trip.
    else if (after === before && done.members.length === 0) carried = { kind: 'done', members: [] };
    else {
      const [status, ...members] = (await this.#redis.eval(doorScript, 2, key.door(room), key.room(room), room, before, after, this.#ttlMs)) as [number, ...string[]];
      carried = status === -1 ? { kind: 'refused', refusal: 'room-unknown' } : status === 0 ? { kind: 'conflict' } : { kind: 'done', members };
    }
    if (carried.kind === 'done') await this.#notify(stepNotices(room, done, carried.members, entering, actor));
    return carried;
  }

  /** `peer` joins the room if the door is still `before` (then it becomes `after`); '*' for either: as it is. */
  async #enter(room: string, peer: string, before: string, after: string): Promise<Carried> {
    const answer = (await this.#redis.eval(
      joinScript,
      3,
      key.room(room),
      key.roomOf(peer),
      key.door(room),
      peer,
      room,
      this.#capacity,
      this.#ttlMs,
      Date.now(),
      before,
      after,
    )) as (number | string)[];
    const [status, oldRoom = '', leftCount = 0] = answer as [number, string?, number?];
    if (status === 0) return { kind: 'refused', refusal: 'room-unknown' };
    if (status === -1) return { kind: 'refused', refusal: 'room-full' };
    if (status === -3) return { kind: 'conflict' };
    const remaining = answer.slice(3, 3 + Number(leftCount)) as string[];
    const others = (answer.slice(3 + Number(leftCount)) as string[]).filter((m) => m !== peer);
    // A peer let in from another node learns its room with the notice that lets it in.
    if (this.#local.has(peer)) this.#view.enter(peer, room, others);
    if (status === 1) {
      await this.#notify([...leftNotices(oldRoom, remaining, peer), ...others.map((to): Notice => ({ to, event: 'peer-joined', room, peer }))]);
    }
    return { kind: 'done', members: others };
  }

  /** A waiting peer gave up (it left, or its socket or its node is gone). */
  async #withdraw(peer: string, waiting: Waiting): Promise<void> {
    await this.#redis.del(key.waitOf(peer));
    await this.#stepDoor(waiting.room, { type: 'withdraw', request: waiting.request, why: 'withdrawn' }, peer);
  }

  /** Nobody answered in time: the request ends, and the peer is told (room-unknown if the room ended meanwhile). */
  async #expire(peer: string, waiting: Waiting): Promise<void> {
    await this.#redis.del(key.waitOf(peer));
    const outcome = await this.#stepDoor(waiting.room, { type: 'withdraw', request: waiting.request, why: 'expired' }, null);
    if (outcome.carried.kind === 'refused') await this.#notify([{ to: peer, event: 'turned-away', room: waiting.room, code: 'room-unknown' }]);
  }

  async #notify(notices: readonly RoomNotice[]): Promise<void> {
    await Promise.all(notices.map((notice) => (this.#local.has(notice.to) ? this.#noticed(notice) : this.#publishTo(notice.to, { to: notice.to, notice }))));
  }

  /** A notice for a local peer: it updates what this node knows of the room and of who waits, then goes out. */
  #noticed(notice: RoomNotice): void {
    switch (notice.event) {
      case 'peer-joined':
      case 'peer-left':
        this.#view.noticed(notice.event, notice.room, notice.peer);
        break;
      case 'entered':
        this.#view.enter(notice.to, notice.room, notice.members);
        this.#stopWaiting(notice.to);
        break;
      case 'turned-away':
        this.#stopWaiting(notice.to);
        break;
    }
    const local = this.#local.get(notice.to);
    if (local === undefined) return;
    for (const message of roomNoticeMessages(notice, this.#passes)) local.deliver(message);
  }

  #stopWaiting(peer: string): void {
    if (this.#waiting.done(peer) === undefined) return;
    void this.#tracked(this.#redis.del(key.waitOf(peer))).catch((error: unknown) => logProblem('warn', 'redis-door-failed', error));
  }

  #onDelivery(text: string): void {
    try {
      const delivery = JSON.parse(text) as Delivery;
      if ('kick' in delivery) return void this.#onKick(delivery.kick);
      if ('notice' in delivery) return this.#noticed(delivery.notice);
      this.#local.get(delivery.to)?.deliver(delivery.message);
    } catch (error) {
      logProblem('warn', 'redis-bad-delivery', error);
    }
  }

  /** Another node took `peer`; unless this node took it back meanwhile, its socket here is replaced. */
  async #onKick(peer: string): Promise<void> {
    const local = this.#local.get(peer);
    if (local === undefined || (await this.#redis.get(key.peer(peer))) === this.#node) return;
    local.replaced();
  }

  /**
   * Refreshes this node's heartbeat and every key its peers own, times the round trip,
   * and reaps nodes that went quiet.
   */
  async #beat(): Promise<void> {
    if (this.#closed) return;
    const started = performance.now();
    const now = Date.now();
    const nodes = (await this.#redis.eval(beatScript, 3, key.nodes, key.nodePeers(this.#node), key.rooms, this.#node, now, this.#ttlMs)) as string[];
    this.#roundTripMs = Math.round((performance.now() - started) * 100) / 100;
    const peers = [...this.#local.keys()];
    for (let i = 0; i < peers.length; i += refreshBatch) {
      await this.#redis.eval(refreshScript, 0, this.#node, this.#ttlMs, now, ...peers.slice(i, i + refreshBatch));
    }
    for (let i = 0; i + 1 < nodes.length; i += 2) {
      const node = nodes[i]!;
      // Silent for half the alive timeout, found within a quarter more: its peers are gone within the timeout.
      if (node === this.#node || now - Number(nodes[i + 1]) <= this.#aliveTimeoutMs / 2) continue;
      await this.#reap(node);
    }
  }

  async #reap(node: string): Promise<void> {
    // One survivor reaps each dead node.
    if ((await this.#redis.set(key.reaping(node), this.#node, 'PX', this.#ttlMs, 'NX')) !== 'OK') return;
    const peers = await this.#redis.smembers(key.nodePeers(node));
    logEvent('warn', 'node-presumed-dead', { peers: peers.length });
    for (const peer of peers) {
      // A peer that reconnected elsewhere keeps its room.
      const held = await this.#redis.eval(detachScript, 2, key.peer(peer), key.nodePeers(node), node, peer);
      if (held !== 1) continue;
      const waitingAt = await this.#redis.getdel(key.waitOf(peer));
      const [room, request] = waitingAt?.split(' ') ?? [];
      if (room !== undefined && request !== undefined) await this.#withdraw(peer, { room, request });
      await this.#notify(await this.#leave(peer));
    }
    await Promise.all([this.#redis.del(key.nodePeers(node)), this.#redis.hdel(key.nodes, node)]);
  }

  #tracked<T>(work: Promise<T>): Promise<T> {
    this.#inFlight.add(work);
    const done = () => this.#inFlight.delete(work);
    work.then(done, done);
    return work;
  }
}

function leftNotices(room: string, remaining: readonly string[], peer: string): Notice[] {
  return room === '' ? [] : remaining.map((to) => ({ to, event: 'peer-left', room, peer }));
}

/** A door as stored: its JSON, or '' for none. The text read is what a write compares against, so it is never rebuilt. */
function encodeDoor(door: RoomDoor | null): string {
  return door === null ? '' : JSON.stringify(door);
}

function decodeDoor(text: string): RoomDoor | null {
  return text === '' ? null : (JSON.parse(text) as RoomDoor);
}
