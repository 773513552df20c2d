// @vitest-environment node
/**
 * Two nodes on a real redis-server under attack: what a hostile client leaves behind
 * in Redis, what it costs Redis, and what it can do to someone else's room.
 */
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSignalingServer, type RunningSignalingServer } from '../../signaling/server.js';
import { startRedis, type RunningRedis } from '../support/redis-server.js';
import { connectAs, PeerSocket, testConfig, withTimeout } from './peer-socket.js';

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
    expect(await enter(bob, 'ROOM-JOIN', room)).toEqual({ type: 'ROOM-MEMBERS', payload: { room, members: ['ghost-ann'] } });
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
