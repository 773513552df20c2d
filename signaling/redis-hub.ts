/**
 * The hub shared through Redis, so any number of nodes act as one service: which node
 * holds each peer, who is in each room, and delivery to a peer on another node (each
 * node listens on a channel of its own). Every key expires unless its owner's
 * heartbeat refreshes it (redis-scripts.ts), so nothing outlives the nodes that wrote
 * it. A node silent for half the alive timeout is presumed dead; a survivor takes its
 * peers out of their rooms, telling the others. Each node keeps a view of its own
 * peers' rooms (room-view.ts), so a frame to a stranger is refused before it costs
 * Redis anything but, at most, a check without its payload.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { TicketUse } from './connect-tickets.js';
import type { Hub, LocalEndpoint, RelayOutcome } from './hub.js';
import { logEvent, logProblem } from './log.js';
import { noticeMessage } from './room-messages.js';
import { RoomView } from './room-view.js';
import type { JoinOutcome, Notice } from './rooms.js';
import { attachScript, beatScript, createScript, detachScript, joinScript, key, leaveScript, refreshScript, relayScript, whereScript } from './redis-scripts.js';

/** How long a closing node spends tidying its entries before it lets go regardless. */
const closeBudgetMs = 2_000;
/** Peers refreshed per script call, so no one call holds Redis for long. */
const refreshBatch = 500;

export interface RedisHubOptions {
  readonly url: string;
  readonly capacity: number;
  /** A node silent this long is dead, and its peers leave their rooms; also how long any key lives unrefreshed. */
  readonly aliveTimeoutMs: number;
}

type Delivery = { to: string; message: object } | { to: string; notice: Notice } | { kick: string };

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
    await this.#tracked(
      (async () => {
        // Another node may hold the peer by now (it reconnected there); leave its entry and its room alone.
        const held = await this.#redis.eval(detachScript, 2, key.peer(peer), key.nodePeers(this.#node), this.#node, peer);
        if (held === 1) await this.#notify(await this.#leave(peer));
      })(),
    );
  }

  async create(room: string, peer: string): Promise<JoinOutcome> {
    const [status, oldRoom = '', ...remaining] = (await this.#redis.eval(createScript, 2, key.room(room), key.roomOf(peer), peer, room, this.#ttlMs, Date.now())) as [number, string?, ...string[]];
    if (status === 0) return { ok: false, refusal: 'room-exists', notices: [] };
    this.#view.enter(peer, room, []);
    await this.#notify(leftNotices(oldRoom, remaining, peer));
    return { ok: true, members: [], notices: [] };
  }

  async join(room: string, peer: string): Promise<JoinOutcome> {
    const answer = (await this.#redis.eval(joinScript, 2, key.room(room), key.roomOf(peer), peer, room, this.#capacity, this.#ttlMs, Date.now())) as (number | string)[];
    const [status, oldRoom = '', leftCount = 0] = answer as [number, string?, number?];
    if (status === 0) return { ok: false, refusal: 'room-unknown', notices: [] };
    if (status === -1) return { ok: false, refusal: 'room-full', notices: [] };
    const remaining = answer.slice(3, 3 + Number(leftCount)) as string[];
    const others = (answer.slice(3 + Number(leftCount)) as string[]).filter((m) => m !== peer);
    this.#view.enter(peer, room, others);
    if (status === 1) {
      await this.#notify([...leftNotices(oldRoom, remaining, peer), ...others.map((to): Notice => ({ to, event: 'peer-joined', room, peer }))]);
    }
    return { ok: true, members: others, notices: [] };
  }

  async leave(peer: string): Promise<void> {
    this.#view.leave(peer);
    await this.#notify(await this.#leave(peer));
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

  async #leave(peer: string): Promise<Notice[]> {
    const [room, ...remaining] = (await this.#redis.eval(leaveScript, 1, key.roomOf(peer), peer)) as string[];
    return leftNotices(room ?? '', remaining, peer);
  }

  async #notify(notices: readonly Notice[]): Promise<void> {
    await Promise.all(notices.map((notice) => (this.#local.has(notice.to) ? this.#noticed(notice) : this.#publishTo(notice.to, { to: notice.to, notice }))));
  }

  /** A notice for a local peer: it updates what this node knows of the room, then goes out. */
  #noticed(notice: Notice): void {
    this.#view.noticed(notice.event, notice.room, notice.peer);
    this.#local.get(notice.to)?.deliver(noticeMessage(notice));
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
      if (held === 1) await this.#notify(await this.#leave(peer));
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
