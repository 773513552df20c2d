// @vitest-environment node
/**
 * Two signaling nodes sharing a real redis-server act as one service: rooms, relaying
 * and presence span both, and a node that dies takes its peers out of their rooms.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSignalingServer, type RunningSignalingServer } from '../../signaling/server.js';
import { startRedis, type RunningRedis } from '../support/redis-server.js';
import { membersOf } from './expected-messages.js';
import { connectAs, PeerSocket, testConfig, testRoom, testSecret, ticketFor, waitLimitMs, withTimeout } from './peer-socket.js';

const aliveTimeoutMs = 2_000;
const room2 = 'q7m2-k9dx-0a4e-zz81-h6pc-3rtw-b5nf';
let redis: RunningRedis;
let nodeA: RunningSignalingServer;
const sockets: PeerSocket[] = [];

interface ChildNode {
  readonly port: number;
  readonly process: ChildProcess;
  readonly exited: Promise<number | null>;
  /** Everything it logged. */
  readonly stderr: () => string;
}

/** A node in a process of its own, so it can be killed like a crashed machine. */
async function startChildNode(): Promise<ChildNode> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'signaling/main.ts', '--port', '0'], {
    cwd: resolve(import.meta.dirname, '../..'),
    env: { ...process.env, REDIS_URL: redis.url, PEERCALL_TOKEN_SECRET: testSecret, PEERCALL_ALIVE_TIMEOUT_MS: String(aliveTimeoutMs), PEERCALL_ROOM_CAPACITY: '3' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += String(chunk)));
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
    'the second node to start',
    20_000,
  );
  return { port, process: child, exited, stderr: () => stderr };
}

async function peerOn(port: number, id: string, room = testRoom, token = ticketFor(id, room)): Promise<PeerSocket> {
  const socket = connectAs(port, id, { room, token });
  sockets.push(socket);
  expect(await socket.nextMessage()).toEqual({ type: 'OPEN' });
  return socket;
}

async function enter(socket: PeerSocket, verb: 'ROOM-CREATE' | 'ROOM-JOIN', room = testRoom) {
  socket.send({ type: verb, payload: { room } });
  return socket.nextMessage();
}

beforeAll(async () => {
  redis = await startRedis();
  nodeA = await startSignalingServer(testConfig({ REDIS_URL: redis.url, PEERCALL_ALIVE_TIMEOUT_MS: String(aliveTimeoutMs), PEERCALL_ROOM_CAPACITY: '3' }));
}, 30_000);

afterAll(async () => {
  for (const socket of sockets.splice(0)) socket.close();
  await nodeA?.close();
  await redis?.stop();
});

describe('two nodes on one Redis', () => {
  it('a peer on one node joins a room made on the other, and offers and answers cross between them', async () => {
    const nodeB = await startChildNode();
    try {
      const ann = await peerOn(nodeA.port, 'ann');
      expect(await enter(ann, 'ROOM-CREATE')).toEqual(membersOf(testRoom, []));
      const bob = await peerOn(nodeB.port, 'bob');
      expect(await enter(bob, 'ROOM-JOIN')).toEqual(membersOf(testRoom, ['ann']));
      expect(await ann.nextMessage()).toEqual({ type: 'ROOM-PEER-JOINED', payload: { room: testRoom, peer: 'bob' } });
      ann.send({ type: 'OFFER', dst: 'bob', payload: { sdp: 'v=0', connectionId: 'mc_1' } });
      expect(await bob.nextMessage()).toEqual({ type: 'OFFER', src: 'ann', dst: 'bob', payload: { sdp: 'v=0', connectionId: 'mc_1' } });
      bob.send({ type: 'ANSWER', dst: 'ann', payload: { sdp: 'v=0' } });
      expect(await ann.nextMessage()).toMatchObject({ type: 'ANSWER', src: 'bob' });
      expect(await nodeA.roomCount()).toBe(1);

      // Capacity holds across nodes: the fourth person, wherever they connect, is turned away.
      const cat = await peerOn(nodeB.port, 'cat');
      expect((await enter(cat, 'ROOM-JOIN')).type).toBe('ROOM-MEMBERS');
      const dan = await peerOn(nodeA.port, 'dan');
      expect(await enter(dan, 'ROOM-JOIN')).toEqual({ type: 'ROOM-ERROR', payload: { code: 'room-full' } });

      // Rooms stay sealed across nodes too.
      const eve = await peerOn(nodeB.port, 'eve', room2);
      expect((await enter(eve, 'ROOM-CREATE', room2)).type).toBe('ROOM-MEMBERS');
      eve.send({ type: 'OFFER', dst: 'ann', payload: { sdp: 'v=0' } });
      expect(await eve.nextMessage()).toEqual({ type: 'EXPIRE', src: 'ann', dst: 'eve' });
      for (const socket of [bob, cat, eve, dan]) socket.close();
      await withTimeout(ann.nextMessage(), 'peer-left notices');
    } finally {
      nodeB.process.kill('SIGKILL');
      await nodeB.exited;
    }
  }, 40_000);

  it('reports Redis in /health and its round trip in /metrics', async () => {
    const health = await fetch(`http://127.0.0.1:${nodeA.port}/health`, { signal: AbortSignal.timeout(waitLimitMs) });
    expect(await health.json()).toMatchObject({ status: 'ok', ready: true });
    const metrics = await (await fetch(`http://127.0.0.1:${nodeA.port}/metrics`, { signal: AbortSignal.timeout(waitLimitMs) })).text();
    const roundTrip = Number(/^peercall_redis_round_trip_ms (\S+)$/m.exec(metrics)?.[1]);
    expect(roundTrip).toBeGreaterThanOrEqual(0);
  });

  it('when a node dies, its peers leave their rooms within the alive timeout and the rest carry on', async () => {
    const room = 'h4x2-m8kq-2c7d-p0tz-9wna-e5vr-3jbf';
    const nodeB = await startChildNode();
    const ann = await peerOn(nodeA.port, 'ann-2', room);
    expect((await enter(ann, 'ROOM-CREATE', room)).type).toBe('ROOM-MEMBERS');
    const bob = await peerOn(nodeB.port, 'bob-2', room);
    expect((await enter(bob, 'ROOM-JOIN', room)).type).toBe('ROOM-MEMBERS');
    expect((await ann.nextMessage()).type).toBe('ROOM-PEER-JOINED');

    const killedAt = Date.now();
    nodeB.process.kill('SIGKILL');
    await nodeB.exited;
    expect(await withTimeout(ann.nextMessage(), 'the dead node\'s peer to leave', aliveTimeoutMs * 2)).toEqual({
      type: 'ROOM-PEER-LEFT',
      payload: { room, peer: 'bob-2' },
    });
    expect(Date.now() - killedAt).toBeLessThanOrEqual(aliveTimeoutMs + 500);
    const cat = await peerOn(nodeA.port, 'cat-2', room);
    expect(await enter(cat, 'ROOM-JOIN', room)).toEqual(membersOf(room, ['ann-2']));
  }, 40_000);

  it('when the node of a newcomer waiting at a door dies, the members see its request end', async () => {
    const room = 'r4d8-k2m6-p9q3-t5v7-x2z4-b6c8-e3f5';
    const nodeB = await startChildNode();
    const ann = await peerOn(nodeA.port, 'ann-4', room);
    ann.send({ type: 'ROOM-CREATE', payload: { room, policy: 'ask' } });
    expect((await ann.nextMessage()).type).toBe('ROOM-MEMBERS');
    const eve = await peerOn(nodeB.port, 'eve-4', room);
    eve.send({ type: 'ROOM-JOIN', payload: { room, name: 'Eve' } });
    expect(await eve.nextMessage()).toEqual({ type: 'ROOM-WAITING', payload: { room } });
    const asked = await ann.nextMessage();
    expect(asked).toMatchObject({ type: 'ROOM-JOIN-REQUEST', payload: { name: 'Eve' } });

    nodeB.process.kill('SIGKILL');
    await nodeB.exited;
    const { request } = asked.payload as { request: string };
    expect(await withTimeout(ann.nextMessage(), 'the dead node\'s request to end', aliveTimeoutMs * 2)).toEqual({
      type: 'ROOM-JOIN-REQUEST-ENDED',
      payload: { room, request, why: 'withdrawn' },
    });
  }, 40_000);

  it('a node told to stop (SIGTERM) asks its peers to reconnect, and they get their IDs back on the other node', async () => {
    const room = 'w3n7-b2qa-8kz5-t1ce-4fmx-h9dp-6rgy';
    const nodeB = await startChildNode();
    const ann = await peerOn(nodeA.port, 'ann-3', room);
    expect((await enter(ann, 'ROOM-CREATE', room)).type).toBe('ROOM-MEMBERS');
    const ticket = ticketFor('bob-3', room);
    const bob = await peerOn(nodeB.port, 'bob-3', room, ticket);
    expect((await enter(bob, 'ROOM-JOIN', room)).type).toBe('ROOM-MEMBERS');
    expect((await ann.nextMessage()).type).toBe('ROOM-PEER-JOINED');

    // Something for node B to log about: a frame it refuses.
    bob.send({ type: 'OFFER', dst: 'nobody', payload: { sdp: 'v=0 secret-sdp' } });
    expect((await bob.nextMessage()).type).toBe('EXPIRE');
    nodeB.process.kill('SIGTERM');
    expect(await withTimeout(bob.closed, 'node B to close bob\'s socket')).toBe(1012);
    expect(await withTimeout(nodeB.exited, 'node B to exit', 5_000)).toBe(0);
    // Structured lines, and nothing a peer could be impersonated or eavesdropped with.
    const lines = nodeB.stderr().trim().split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(JSON.parse(line)).toMatchObject({ level: expect.any(String), event: expect.any(String) });
    for (const secret of [ticket, ticket.split('.')[4]!, room, 'secret-sdp', testSecret]) expect(nodeB.stderr()).not.toContain(secret);
    expect((await ann.nextMessage()).type).toBe('ROOM-PEER-LEFT');

    const again = await peerOn(nodeA.port, 'bob-3', room);
    expect(await enter(again, 'ROOM-JOIN', room)).toEqual(membersOf(room, ['ann-3']));
    ann.send({ type: 'CANDIDATE', dst: 'bob-3', payload: { candidate: 'c' } });
    expect(await again.nextMessage()).toMatchObject({ type: 'CANDIDATE', src: 'ann-3' });
  }, 40_000);

  // Last: it takes Redis away from the node for good.
  it('says it is not ready (503) once Redis is gone, while it stays up to say so', async () => {
    await redis.stop();
    const deadline = Date.now() + waitLimitMs;
    let health: Response;
    do health = await fetch(`http://127.0.0.1:${nodeA.port}/health`, { signal: AbortSignal.timeout(waitLimitMs) });
    while (health.status === 200 && Date.now() < deadline);
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ status: 'unavailable', live: true, ready: false });
  });
});
