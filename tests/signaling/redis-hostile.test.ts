// @vitest-environment node
/**
 * Two nodes on a real redis-server under attack: what a hostile client leaves behind
 * in Redis, what it costs Redis, and what it can do to someone else's room.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSignalingServer, type RunningSignalingServer } from '../../signaling/server.js';
import { startRedis, type RunningRedis } from '../support/redis-server.js';
import { membersOf } from './expected-messages.js';
import { connectAs, PeerSocket, testConfig, testSecret, withTimeout } from './peer-socket.js';

const aliveTimeoutMs = 2_000;
let redis: RunningRedis;
let inspect: Redis;
let nodeA: RunningSignalingServer;
let nodeB: RunningSignalingServer;
const sockets: PeerSocket[] = [];

function nodeConfig(env: Record<string, string> = {}) {
  return testConfig({ REDIS_URL: redis.url, PEERCALL_ALIVE_TIMEOUT_MS: String(aliveTimeoutMs), PEERCALL_ROOM_CAPACITY: '3', ...env });
}

async function peerOn(node: RunningSignalingServer, id: string, room: string): Promise<PeerSocket> {
  const socket = connectAs(node.port, id, { room });
  sockets.push(socket);
  expect(await socket.nextMessage()).toEqual({ type: 'OPEN' });
  return socket;
}

/** The answer to a room request, past notices of other members coming and going. */
async function enter(socket: PeerSocket, verb: 'ROOM-CREATE' | 'ROOM-JOIN', room: string) {
  socket.send({ type: verb, payload: { room } });
  for (;;) {
    const message = await socket.nextMessage();
    if (message.type !== 'ROOM-PEER-JOINED' && message.type !== 'ROOM-PEER-LEFT') return message;
  }
}

/** Waits, bounded, until `check` holds; returns whether it did. */
async function within(ms: number, check: () => Promise<boolean>): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

beforeAll(async () => {
  redis = await startRedis();
  inspect = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await inspect.connect();
  [nodeA, nodeB] = await Promise.all([startSignalingServer(nodeConfig()), startSignalingServer(nodeConfig())]);
}, 30_000);

afterEach(() => {
  for (const socket of sockets.splice(0)) socket.close();
});

afterAll(async () => {
  await Promise.all([nodeA?.close(), nodeB?.close()]);
  inspect?.disconnect();
  await redis?.stop();
});

describe('ghost members', () => {
  it('room requests still waiting when their socket closes write nothing, so the room stays open to real joiners', async () => {
    const room = 'g7h2-k4m9-p3q8-r5t1-v6w2-x8y3-z9a4';
    const ann = await peerOn(nodeA, 'ghost-ann', room);
    expect((await enter(ann, 'ROOM-CREATE', room)).type).toBe('ROOM-MEMBERS');
    const attackers = ['ghost-1', 'ghost-2'];
    for (const id of attackers) {
      const ghost = await peerOn(nodeB, id, room);
      expect((await enter(ghost, 'ROOM-JOIN', room)).type).toBe('ROOM-MEMBERS');
      // Ask to join again and again, and vanish with the requests still waiting.
      for (let i = 0; i < 200; i++) ghost.send({ type: 'ROOM-JOIN', payload: { room } });
      ghost.close();
    }
    // Well within the keys' lifetime: this is about what is written, not what expires.
    const clean = await within(aliveTimeoutMs / 2, async () => {
      const members = await inspect.smembers(`pc:room:${room}`);
      const leftovers = await Promise.all(attackers.map((id) => inspect.exists(`pc:roomof:${id}`, `pc:peer:${id}`)));
      return members.length === 1 && leftovers.every((n) => n === 0);
    });
    expect(clean).toBe(true);
    const bob = await peerOn(nodeA, 'ghost-bob', room);
    expect(await enter(bob, 'ROOM-JOIN', room)).toEqual(membersOf(room, ['ghost-ann']));
    const cat = await peerOn(nodeB, 'ghost-cat', room);
    expect((await enter(cat, 'ROOM-JOIN', room)).type).toBe('ROOM-MEMBERS');
  }, 20_000);
});

describe('one socket per ID across nodes', () => {
  it('a newer socket on the other node closes the older one as replaced, and takes over its place in the room', async () => {
    const room = 'r2p4-k6m8-n3q5-t7v9-w2x4-y6z8-a3b5';
    const ann = await peerOn(nodeA, 'swap-ann', room);
    expect((await enter(ann, 'ROOM-CREATE', room)).type).toBe('ROOM-MEMBERS');
    const older = await peerOn(nodeA, 'swap-cat', room);
    expect((await enter(older, 'ROOM-JOIN', room)).type).toBe('ROOM-MEMBERS');
    expect((await ann.nextMessage()).type).toBe('ROOM-PEER-JOINED');
    const newer = await peerOn(nodeB, 'swap-cat', room);
    expect(await older.nextMessage()).toEqual({ type: 'REPLACED', payload: { msg: expect.stringContaining('replaced') } });
    expect(await withTimeout(older.closed, 'the older socket to close')).toBe(4409);
    ann.send({ type: 'CANDIDATE', dst: 'swap-cat', payload: { candidate: 'to-node-b' } });
    expect(await newer.nextMessage()).toMatchObject({ type: 'CANDIDATE', src: 'swap-ann', payload: { candidate: 'to-node-b' } });
    newer.send({ type: 'CANDIDATE', dst: 'swap-ann', payload: { candidate: 'back' } });
    expect(await ann.nextMessage()).toMatchObject({ type: 'CANDIDATE', src: 'swap-cat' });
  });
});

describe('creating a room that exists', () => {
  it('is refused with room-exists, and the creator stays in the room it was in', async () => {
    const room = 'c3d5-f7h9-j2k4-m6n8-p3q5-r7t9-v2w4';
    const ann = await peerOn(nodeA, 'exists-ann', room);
    expect((await enter(ann, 'ROOM-CREATE', room)).type).toBe('ROOM-MEMBERS');
    const bob = await peerOn(nodeB, 'exists-bob', room);
    expect((await enter(bob, 'ROOM-JOIN', room)).type).toBe('ROOM-MEMBERS');
    expect((await ann.nextMessage()).type).toBe('ROOM-PEER-JOINED');
    expect(await enter(bob, 'ROOM-CREATE', room)).toEqual({ type: 'ROOM-ERROR', payload: { code: 'room-exists' } });
    // Bob is still Ann's room-mate: no one told Ann he left, and they still reach each other.
    bob.send({ type: 'CANDIDATE', dst: 'exists-ann', payload: { candidate: 'still-here' } });
    expect(await ann.nextMessage()).toMatchObject({ type: 'CANDIDATE', src: 'exists-bob' });
    expect(await inspect.smembers(`pc:room:${room}`)).toEqual(expect.arrayContaining(['exists-ann', 'exists-bob']));
  });
});

interface ChildNode {
  readonly port: number;
  readonly process: ChildProcess;
  readonly exited: Promise<number | null>;
}

/** A node in a process of its own, so it can be killed like a crashed machine. */
async function startChildNode(nodeAliveTimeoutMs = aliveTimeoutMs, redisUrl = redis.url): Promise<ChildNode> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'signaling/main.ts', '--port', '0'], {
    cwd: resolve(import.meta.dirname, '../..'),
    env: { ...process.env, REDIS_URL: redisUrl, PEERCALL_TOKEN_SECRET: testSecret, PEERCALL_ALIVE_TIMEOUT_MS: String(nodeAliveTimeoutMs), PEERCALL_ROOM_CAPACITY: '3' },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const port = await withTimeout(
    new Promise<number>((done, fail) => {
      let out = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        out += String(chunk);
        const match = /listening on http:\/\/127\.0\.0\.1:(\d+)\//.exec(out);
        if (match) done(Number(match[1]));
      });
      child.once('exit', (code) => fail(new Error(`node exited with ${code}`)));
    }),
    'a child node to start',
    20_000,
  );
  return { port, process: child, exited };
}

async function keysWithoutExpiry(): Promise<string[]> {
  const keys = await inspect.keys('pc:*');
  const ttls = await Promise.all(keys.map((k) => inspect.pttl(k)));
  return keys.filter((_k, i) => ttls[i] === -1);
}

describe('keys and their owners', () => {
  it('every key carries an expiry, and none outlives the nodes that wrote it', async () => {
    const crashed = await Promise.all([startChildNode(), startChildNode()]);
    const room = 'k2m4-n6p8-q3r5-t7v9-w2x4-y6z8-b3c5';
    const [one, two] = crashed as [ChildNode, ChildNode];
    const ann = connectAs(one.port, 'owner-ann', { room });
    const bob = connectAs(two.port, 'owner-bob', { room });
    sockets.push(ann, bob);
    expect(await ann.nextMessage()).toEqual({ type: 'OPEN' });
    expect(await bob.nextMessage()).toEqual({ type: 'OPEN' });
    // A room that asks, so it has a door, and a newcomer still waiting at it.
    ann.send({ type: 'ROOM-CREATE', payload: { room, policy: 'ask' } });
    expect((await ann.nextMessage()).type).toBe('ROOM-MEMBERS');
    bob.send({ type: 'ROOM-JOIN', payload: { room, name: 'Bob' } });
    expect((await bob.nextMessage()).type).toBe('ROOM-WAITING');
    ann.send({ type: 'ROOM-ADMIT', payload: { request: ((await ann.nextMessage()).payload as { request: string }).request } });
    expect((await bob.nextMessage()).type).toBe('ROOM-MEMBERS');
    const cat = connectAs(two.port, 'owner-cat', { room });
    sockets.push(cat);
    expect(await cat.nextMessage()).toEqual({ type: 'OPEN' });
    cat.send({ type: 'ROOM-JOIN', payload: { room, name: 'Cat' } });
    expect((await cat.nextMessage()).type).toBe('ROOM-WAITING');
    expect(await inspect.exists(`pc:room:${room}`, 'pc:peer:owner-ann', 'pc:roomof:owner-bob', `pc:door:${room}`, 'pc:waitof:owner-cat')).toBe(5);
    expect(await keysWithoutExpiry()).toEqual([]);

    // Every node that knew them dies at once, as in a restart of the whole service.
    await Promise.all([nodeA.close(), nodeB.close()]);
    for (const node of crashed) node.process.kill('SIGKILL');
    await Promise.all(crashed.map((node) => node.exited));
    const gone = await within(aliveTimeoutMs + 1_000, async () => (await inspect.keys('pc:*')).every((k) => k.startsWith('pc:ticket:')));
    expect(await inspect.keys('pc:*').then((keys) => keys.filter((k) => !k.startsWith('pc:ticket:')))).toEqual([]);
    expect(gone).toBe(true);
    [nodeA, nodeB] = await Promise.all([startSignalingServer(nodeConfig()), startSignalingServer(nodeConfig())]);
  }, 40_000);
});

async function redisBytesIn(): Promise<number> {
  const info = await inspect.info('stats');
  return Number(/total_net_input_bytes:(\d+)/.exec(info)?.[1]);
}

describe('floods through Redis', () => {
  it('frames addressed outside the room never ship their payload to Redis', async () => {
    const victimRoom = 'f2g4-h6j8-k3m5-n7p9-q2r4-s6t8-v3w5';
    const victim = await peerOn(nodeB, 'flood-victim', victimRoom);
    expect((await enter(victim, 'ROOM-CREATE', victimRoom)).type).toBe('ROOM-MEMBERS');
    const attackers = await Promise.all(
      Array.from({ length: 10 }, async (_, i) => {
        const room = `f2g4-h6j8-k3m5-n7p9-q2r4-s6t8-x${i}y${i}`;
        const attacker = await peerOn(nodeA, `flooder-${i}`, room);
        expect((await enter(attacker, 'ROOM-CREATE', room)).type).toBe('ROOM-MEMBERS');
        return attacker;
      }),
    );
    const before = await redisBytesIn();
    const sdp = 'x'.repeat(16 * 1024);
    let sent = 0;
    for (const attacker of attackers) {
      for (let i = 0; i < 100; i++, sent++) attacker.send({ type: 'OFFER', dst: i % 2 === 0 ? 'flood-victim' : `nobody-${i}`, payload: { sdp } });
    }
    // Every frame is answered: EXPIRE (not yours to reach), or busy past what may wait on Redis.
    await Promise.all(attackers.map(async (attacker) => {
      for (let i = 0; i < 100; i++) {
        // The test process is both the ten attackers and the two nodes: give the flood time to drain.
        const answer = await attacker.nextMessage(20_000);
        expect(answer.type === 'EXPIRE' || String((answer.payload as { msg?: string }).msg).startsWith('busy:')).toBe(true);
      }
    }));
    const shipped = (await redisBytesIn()) - before;
    // What was refused cost Redis at most a check of two IDs each, not 16 KiB each.
    expect(shipped).toBeLessThan(sent * 512);
    victim.send({ type: 'CANDIDATE', dst: 'flooder-0', payload: {} });
    expect((await victim.nextMessage()).type).toBe('EXPIRE');
  }, 30_000);

  it('while Redis stalls, what one socket has waiting is bounded: the excess is answered busy, and it recovers', async () => {
    const room = 's3t5-v7w9-x2y4-z6a8-b3c5-d7f9-g2h4';
    const ann = await peerOn(nodeB, 'stall-ann', room);
    expect((await enter(ann, 'ROOM-CREATE', room)).type).toBe('ROOM-MEMBERS');
    const flooder = await peerOn(nodeA, 'stall-flooder', room);
    expect((await enter(flooder, 'ROOM-JOIN', room)).type).toBe('ROOM-MEMBERS');
    expect((await ann.nextMessage()).type).toBe('ROOM-PEER-JOINED');
    const sdp = 'x'.repeat(8 * 1024);
    redis.pause();
    let answers: string[];
    try {
      for (let i = 0; i < 250; i++) flooder.send({ type: 'OFFER', dst: 'stall-ann', payload: { sdp, connectionId: `c${i}` } });
      answers = [];
      for (let i = 0; i < 200; i++) {
        const message = await flooder.nextMessage().catch(() => ({ type: 'none', payload: { msg: `none after ${i}` } }));
        answers.push(String((message.payload as { msg?: string } | undefined)?.msg ?? message.type));
        if (message.type === 'none') break;
      }
    } finally {
      redis.resume();
    }
    expect(answers.every((msg) => msg.startsWith('busy:'))).toBe(true);
    // What was taken before the bound still arrives, in order, once Redis is back.
    const first = await withTimeout(ann.nextMessage(), 'the first held offer', 5_000);
    expect(first).toMatchObject({ type: 'OFFER', src: 'stall-flooder', payload: { connectionId: 'c0' } });
  }, 20_000);
});

async function queuedOn(node: RunningSignalingServer): Promise<number> {
  return Number(/^peercall_messages_queued (\d+)$/m.exec(await node.metrics.render())?.[1]);
}

describe('messages held for a peer that does not come back', () => {
  it('are released within the 10 s the README promises, with no further traffic', async () => {
    const room = 'h2j4-k6m8-n3p5-q7r9-s2t4-v6w8-x3y5';
    // Nodes of their own, slow to presume a node dead, so a busy machine cannot take Bob out of the room first.
    const ownRedis = await startRedis();
    const patient = await startSignalingServer(nodeConfig({ REDIS_URL: ownRedis.url, PEERCALL_ALIVE_TIMEOUT_MS: '20000' }));
    const gone = await startChildNode(20_000, ownRedis.url);
    const ann = await peerOn(patient, 'held-ann', room);
    expect((await enter(ann, 'ROOM-CREATE', room)).type).toBe('ROOM-MEMBERS');
    const bob = connectAs(gone.port, 'held-bob', { room });
    sockets.push(bob);
    expect(await bob.nextMessage()).toEqual({ type: 'OPEN' });
    expect((await enter(bob, 'ROOM-JOIN', room)).type).toBe('ROOM-MEMBERS');
    expect((await ann.nextMessage()).type).toBe('ROOM-PEER-JOINED');
    gone.process.kill('SIGKILL');
    await gone.exited;
    for (let i = 0; i < 20; i++) ann.send({ type: 'CANDIDATE', dst: 'held-bob', payload: { candidate: `c${i}` } });
    try {
      expect(await within(2_000, async () => (await queuedOn(patient)) === 20)).toBe(true);
      const heldAtMs = Date.now();
      expect(await within(12_000, async () => (await queuedOn(patient)) === 0)).toBe(true);
      expect(Date.now() - heldAtMs).toBeLessThan(11_500);
    } finally {
      await patient.close();
      await ownRedis.stop();
    }
  }, 30_000);
});
