/**
 * The hub shared through Redis, so any number of nodes act as one service: which node
 * holds each peer, who is in each room, and delivery to a peer on another node (each
 * node listens on a channel of its own). A node that stops refreshing its heartbeat
 * for the alive timeout is presumed dead; a surviving node takes its peers out of
 * their rooms, telling the others.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { TicketUse } from './connect-tickets.js';
import type { Hub, LocalEndpoint, RelayOutcome } from './hub.js';
import { logEvent, logProblem } from './log.js';
import { noticeMessage } from './room-messages.js';
import type { JoinOutcome, Notice } from './rooms.js';

const key = {
  peer: (peer: string) => `pc:peer:${peer}`,
  roomOf: (peer: string) => `pc:roomof:${peer}`,
  room: (room: string) => `pc:room:${room}`,
  rooms: 'pc:rooms',
  nodes: 'pc:nodes',
  nodePeers: (node: string) => `pc:node:${node}:peers`,
  reaping: (node: string) => `pc:reap:${node}`,
  ticket: (nonce: string) => `pc:ticket:${nonce}`,
  channel: (node: string) => `pc:deliver:${node}`,
};

// KEYS: room, roomOf(peer), rooms. ARGV: peer, room. 1 created, 0 exists.
const createScript = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('SADD', KEYS[1], ARGV[1])
redis.call('SET', KEYS[2], ARGV[2])
redis.call('SADD', KEYS[3], ARGV[2])
return 1`;

// KEYS: room, roomOf(peer). ARGV: peer, room, capacity. {status, members...}: 1 joined, 2 already in, 0 unknown, -1 full.
const joinScript = `
if redis.call('EXISTS', KEYS[1]) == 0 then return {0} end
local members = redis.call('SMEMBERS', KEYS[1])
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 1 then return {2, unpack(members)} end
if #members >= tonumber(ARGV[3]) then return {-1} end
redis.call('SADD', KEYS[1], ARGV[1])
redis.call('SET', KEYS[2], ARGV[2])
return {1, unpack(members)}`;

// KEYS: roomOf(peer), rooms. ARGV: peer. {room, remaining members...} or {}.
const leaveScript = `
local room = redis.call('GET', KEYS[1])
if not room then return {} end
redis.call('DEL', KEYS[1])
local roomKey = 'pc:room:' .. room
redis.call('SREM', roomKey, ARGV[1])
if redis.call('SCARD', roomKey) == 0 then redis.call('SREM', KEYS[2], room) end
return {room, unpack(redis.call('SMEMBERS', roomKey))}`;

// KEYS: peer(X), nodePeers(this node). ARGV: this node, X, the kick as JSON. This node now
// holds X; a node that held it before is told to close its socket for X as replaced.
const attachScript = `
local before = redis.call('GET', KEYS[1])
redis.call('SET', KEYS[1], ARGV[1])
redis.call('SADD', KEYS[2], ARGV[2])
if before and before ~= ARGV[1] then redis.call('PUBLISH', 'pc:deliver:' .. before, ARGV[3]) end
return 1`;

/** How long a closing node spends tidying its entries before it lets go regardless. */
const closeBudgetMs = 2_000;

// KEYS: roomOf(from), roomOf(to), peer(to). ARGV: this node, {to, message} as JSON.
// One round trip checks the room and hands the message to the node holding `to`:
// 0 not in one room, 1 nowhere, 2 on this node, 3 + how many nodes took the publish.
const relayScript = `
local room = redis.call('GET', KEYS[1])
if not room or room ~= redis.call('GET', KEYS[2]) then return 0 end
local node = redis.call('GET', KEYS[3])
if not node then return 1 end
if node == ARGV[1] then return 2 end
return 3 + redis.call('PUBLISH', 'pc:deliver:' .. node, ARGV[2])`;

export interface RedisHubOptions {
  readonly url: string;
  readonly capacity: number;
  /** A node silent this long is dead, and its peers leave their rooms. */
  readonly aliveTimeoutMs: number;
}

export class RedisHub implements Hub {
  readonly #node = randomBytes(9).toString('base64url');
  readonly #redis: Redis;
  readonly #subscriber: Redis;
  readonly #local = new Map<string, LocalEndpoint>();
  readonly #capacity: number;
  readonly #aliveTimeoutMs: number;
  readonly #timer: NodeJS.Timeout;
  readonly #inFlight = new Set<Promise<unknown>>();
  #roundTripMs: number | null = null;
  #closed = false;

  static async connect(options: RedisHubOptions): Promise<RedisHub> {
    const redis = new Redis(options.url, { enableAutoPipelining: true, maxRetriesPerRequest: 2, lazyConnect: true });
    // EVALSHA after the first call: the script is not resent with every relayed frame.
    redis.defineCommand('pcRelay', { numberOfKeys: 3, lua: relayScript });
    const subscriber = new Redis(options.url, { maxRetriesPerRequest: 2, lazyConnect: true });
    await Promise.all([redis.connect(), subscriber.connect()]);
    const hub = new RedisHub(redis, subscriber, options);
    await subscriber.subscribe(key.channel(hub.#node));
    await hub.#beat();
    return hub;
  }

  private constructor(redis: Redis, subscriber: Redis, options: RedisHubOptions) {
    this.#redis = redis;
    this.#subscriber = subscriber;
    this.#capacity = options.capacity;
    this.#aliveTimeoutMs = options.aliveTimeoutMs;
    for (const connection of [redis, subscriber]) connection.on('error', (error) => logProblem('error', 'redis-error', error));
    subscriber.on('message', (_channel: string, text: string) => this.#onDelivery(text));
    const beatEveryMs = Math.max(250, Math.min(5_000, options.aliveTimeoutMs / 4));
    this.#timer = setInterval(() => void this.#tracked(this.#beat()), beatEveryMs);
    this.#timer.unref();
  }

  async attach(peer: string, endpoint: LocalEndpoint): Promise<void> {
    this.#local.set(peer, endpoint);
    await this.#tracked(this.#redis.eval(attachScript, 2, key.peer(peer), key.nodePeers(this.#node), this.#node, peer, JSON.stringify({ kick: peer })));
  }

  async detach(peer: string): Promise<void> {
    this.#local.delete(peer);
    await this.#tracked(
      (async () => {
        await this.#redis.srem(key.nodePeers(this.#node), peer);
        // Another node may hold the peer by now (it reconnected there); leave its entry and its room alone.
        if ((await this.#redis.get(key.peer(peer))) === this.#node) {
          await this.#redis.del(key.peer(peer));
          await this.leave(peer);
        }
      })(),
    );
  }

  async create(room: string, peer: string): Promise<JoinOutcome> {
    const notices = await this.#leave(peer);
    const created = await this.#redis.eval(createScript, 3, key.room(room), key.roomOf(peer), key.rooms, peer, room);
    await this.#notify(notices);
    return created === 1 ? { ok: true, members: [], notices: [] } : { ok: false, refusal: 'room-exists', notices: [] };
  }

  async join(room: string, peer: string): Promise<JoinOutcome> {
    const current = (await this.#redis.get(key.roomOf(peer))) ?? undefined;
    if (current !== undefined && current !== room) await this.#notify(await this.#leave(peer));
    const [status, ...members] = (await this.#redis.eval(joinScript, 2, key.room(room), key.roomOf(peer), peer, room, this.#capacity)) as [number, ...string[]];
    if (status === 0) return { ok: false, refusal: 'room-unknown', notices: [] };
    if (status === -1) return { ok: false, refusal: 'room-full', notices: [] };
    const others = members.filter((m) => m !== peer);
    if (status === 1) await this.#notify(others.map((to) => ({ to, event: 'peer-joined', room, peer })));
    return { ok: true, members: others, notices: [] };
  }

  async leave(peer: string): Promise<void> {
    await this.#notify(await this.#leave(peer));
  }

  async send(to: string, message: object): Promise<boolean> {
    const local = this.#local.get(to);
    if (local) return local.deliver(message);
    const node = await this.#redis.get(key.peer(to));
    if (node === null || node === this.#node) return false;
    return (await this.#redis.publish(key.channel(node), JSON.stringify({ to, message }))) > 0;
  }

  async relay(from: string, to: string, message: object): Promise<RelayOutcome> {
    const relayCommand = (this.#redis as unknown as { pcRelay(...args: string[]): Promise<number> }).pcRelay;
    const outcome = await relayCommand.call(this.#redis, key.roomOf(from), key.roomOf(to), key.peer(to), this.#node, JSON.stringify({ to, message }));
    if (outcome === 0) return 'not-in-room';
    if (outcome === 2) {
      return this.#local.get(to)?.deliver(message) ? 'delivered' : 'unreachable';
    }
    return outcome >= 4 ? 'delivered' : 'unreachable';
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
    return this.#redis.scard(key.rooms);
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

  async #leave(peer: string): Promise<Notice[]> {
    const [room, ...remaining] = (await this.#redis.eval(leaveScript, 2, key.roomOf(peer), key.rooms, peer)) as string[];
    if (room === undefined) return [];
    return remaining.map((to) => ({ to, event: 'peer-left', room, peer }));
  }

  async #notify(notices: readonly Notice[]): Promise<void> {
    await Promise.all(notices.map((notice) => this.send(notice.to, noticeMessage(notice))));
  }

  #onDelivery(text: string): void {
    try {
      const delivery = JSON.parse(text) as { to: string; message: object } | { kick: string };
      if ('kick' in delivery) return void this.#onKick(delivery.kick);
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

  /** Refreshes this node's heartbeat, times the round trip, and reaps nodes that went quiet. */
  async #beat(): Promise<void> {
    if (this.#closed) return;
    const started = performance.now();
    const now = Date.now();
    await this.#redis.hset(key.nodes, this.#node, String(now));
    this.#roundTripMs = Math.round((performance.now() - started) * 100) / 100;
    const nodes = await this.#redis.hgetall(key.nodes);
    for (const [node, last] of Object.entries(nodes)) {
      // Silent for half the alive timeout, found within a quarter more: its peers are gone within the timeout.
      if (node === this.#node || now - Number(last) <= this.#aliveTimeoutMs / 2) continue;
      // One survivor reaps each dead node.
      if ((await this.#redis.set(key.reaping(node), this.#node, 'PX', 30_000, 'NX')) !== 'OK') continue;
      const peers = await this.#redis.smembers(key.nodePeers(node));
      logEvent('warn', 'node-presumed-dead', { peers: peers.length });
      for (const peer of peers) {
        if ((await this.#redis.get(key.peer(peer))) === node) await this.#redis.del(key.peer(peer));
        await this.leave(peer);
      }
      await Promise.all([this.#redis.del(key.nodePeers(node)), this.#redis.hdel(key.nodes, node)]);
    }
  }

  #tracked<T>(work: Promise<T>): Promise<T> {
    this.#inFlight.add(work);
    const done = () => this.#inFlight.delete(work);
    work.then(done, done);
    return work;
  }
}
