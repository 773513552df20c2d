// @vitest-environment node
/**
 * A minute of attack beside a real call, on one node in memory and on two nodes
 * sharing Redis: a reader that stops reading, a flood, connection churn and ghost
 * attempts, all from a process of their own (soak-attackers.ts). The call's relay
 * round trip, the nodes' memory and (with Redis) every key are watched throughout.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { startRedis, type RunningRedis } from '../support/redis-server.js';
import { type ChildNode, startChildNode } from '../support/signaling-node.js';
import { connectAs, PeerSocket, testRoom, testSecret, withTimeout } from './peer-socket.js';

const soakMs = Number(process.env.SOAK_MS ?? 60_000);
/** As PeerJS does, the call's peers send a HEARTBEAT every few seconds, well inside this. */
const aliveTimeoutMs = 10_000;
const heartbeatEveryMs = 2_000;
/** Above a node's memory at rest: what the attacks may add while they last. */
const attackRssAllowanceMb = 60;
/** And what may remain once they stopped and a full garbage collection ran. */
const restRssAllowanceMb = 15;
const roundTripP99LimitMs = 50;

let cleanUp: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const step of cleanUp.reverse()) await step();
  cleanUp = [];
});

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

async function inCall(port: number, id: string, verb: 'ROOM-CREATE' | 'ROOM-JOIN'): Promise<PeerSocket> {
  const socket = connectAs(port, id);
  cleanUp.push(async () => socket.close());
  expect(await socket.nextMessage()).toEqual({ type: 'OPEN' });
  socket.send({ type: verb, payload: { room: testRoom } });
  for (;;) {
    const message = await socket.nextMessage();
    if (message.type === 'ROOM-MEMBERS') return socket;
  }
}

function startAttackers(ports: number[]): { process: ChildProcess; last: () => Record<string, number> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'tests/signaling/soak-attackers.ts', JSON.stringify({ ports })], {
    cwd: resolve(import.meta.dirname, '../..'),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let last: Record<string, number> = {};
  let buffered = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffered += String(chunk);
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) last = JSON.parse(line) as Record<string, number>;
  });
  return { process: child, last: () => last };
}

/** OFFER→ANSWER between the call's two peers, every 50 ms, until `untilMs`; the round trips in ms. */
async function runCall(ann: PeerSocket, bob: PeerSocket, untilMs: number): Promise<number[]> {
  const roundTrips: number[] = [];
  const bobAnswers = (async () => {
    while (Date.now() < untilMs + 2_000) {
      const message = await bob.nextMessage(5_000).catch(() => null);
      if (message === null) return;
      if (message.type === 'OFFER') bob.send({ type: 'ANSWER', dst: 'soak-ann', payload: message.payload });
    }
  })();
  for (let n = 0; Date.now() < untilMs; n++) {
    const sentMs = performance.now();
    ann.send({ type: 'OFFER', dst: 'soak-bob', payload: { sdp: 'v=0 soak', connectionId: `rt${n}` } });
    for (;;) {
      const message = await ann.nextMessage(5_000);
      if (message.type === 'ANSWER' && (message.payload as { connectionId?: string }).connectionId === `rt${n}`) break;
    }
    roundTrips.push(performance.now() - sentMs);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await bobAnswers;
  return roundTrips;
}

interface SoakFigures {
  idleMb: number[];
  peakMb: number[];
  afterMb: number[];
  p50Ms: number;
  p99Ms: number;
  roundTrips: number;
  attacks: Record<string, number>;
}

async function soak(nodes: ChildNode[], onSecond: () => Promise<void> = async () => {}): Promise<SoakFigures> {
  const ann = await inCall(nodes[0]!.port, 'soak-ann', 'ROOM-CREATE');
  const bob = await inCall(nodes[nodes.length - 1]!.port, 'soak-bob', 'ROOM-JOIN');
  const heartbeats = setInterval(() => [ann, bob].forEach((peer) => peer.send({ type: 'HEARTBEAT' })), heartbeatEveryMs);
  cleanUp.push(async () => clearInterval(heartbeats));
  const idleMb = nodes.map((node) => node.rssMb());
  const peakMb = [...idleMb];
  const attackers = startAttackers(nodes.map((node) => node.port));
  cleanUp.push(async () => {
    if (attackers.process.exitCode === null) attackers.process.kill('SIGKILL');
  });
  const untilMs = Date.now() + soakMs;
  const watcher = setInterval(() => nodes.forEach((node, i) => (peakMb[i] = Math.max(peakMb[i]!, node.rssMb()))), 500);
  let checks = Promise.resolve();
  const checker = setInterval(() => (checks = checks.then(onSecond)), 1_000);
  let roundTrips: number[];
  try {
    roundTrips = await runCall(ann, bob, untilMs);
  } finally {
    clearInterval(watcher);
    clearInterval(checker);
  }
  await checks;
  const exited = new Promise((done) => attackers.process.once('exit', done));
  attackers.process.kill('SIGTERM');
  await withTimeout(exited, 'the attackers to stop', 5_000);
  // Memory falls back once the attacks are over: nothing they sent is held. V8 keeps the
  // heap it grew to until its next full collection, which an idle process never runs, so
  // the test asks for one, as an operator's profiler would.
  await new Promise((done) => setTimeout(done, 2_000));
  for (const node of nodes) await node.collectGarbage();
  await new Promise((done) => setTimeout(done, 3_000));
  const afterMb = nodes.map((node) => node.rssMb());
  // The call's room holds the call and nobody else: no ghost stayed.
  const late = connectAs(nodes[0]!.port, 'soak-late');
  cleanUp.push(async () => late.close());
  expect(await late.nextMessage()).toEqual({ type: 'OPEN' });
  late.send({ type: 'ROOM-JOIN', payload: { room: testRoom } });
  const members = await late.nextMessage();
  expect(members).toMatchObject({ type: 'ROOM-MEMBERS' });
  expect([...(members.payload as { members: string[] }).members].sort()).toEqual(['soak-ann', 'soak-bob']);
  const sorted = [...roundTrips].sort((a, b) => a - b);
  const figures = { idleMb, peakMb, afterMb, p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99), roundTrips: sorted.length, attacks: attackers.last() };
  process.stderr.write(`soak: ${JSON.stringify(figures)}\n`);
  return figures;
}

function expectHeld(figures: SoakFigures): void {
  expect(figures.attacks.slowReadersDropped).toBeGreaterThan(5);
  expect(figures.attacks.floodsClosed).toBeGreaterThan(5);
  expect(figures.attacks.churned).toBeGreaterThan(100);
  expect(figures.attacks.ghosts).toBeGreaterThan(50);
  expect(figures.roundTrips).toBeGreaterThan(500);
  expect(figures.p99Ms).toBeLessThanOrEqual(roundTripP99LimitMs);
  figures.peakMb.forEach((peak, i) => expect(peak - figures.idleMb[i]!).toBeLessThan(attackRssAllowanceMb));
  figures.afterMb.forEach((after, i) => expect(after - figures.idleMb[i]!).toBeLessThan(restRssAllowanceMb));
}

describe('a minute under attack beside a call', () => {
  it('on one node in memory: the call stays fast and memory stays bounded, then falls back', async () => {
    const node = await startChildNode({ PEERCALL_TOKEN_SECRET: testSecret, PEERCALL_ALIVE_TIMEOUT_MS: String(aliveTimeoutMs), PEERCALL_MAX_CONNECTIONS_PER_IP: '1000' }, { inspect: true });
    cleanUp.push(() => node.stop());
    expectHeld(await soak([node]));
  }, soakMs + 60_000);

  it('on two nodes on Redis: the same, and no Redis key outlives its owner', async () => {
    const redis: RunningRedis = await startRedis();
    cleanUp.push(() => redis.stop());
    const inspect = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await inspect.connect();
    cleanUp.push(async () => inspect.disconnect());
    const env = { PEERCALL_TOKEN_SECRET: testSecret, PEERCALL_ALIVE_TIMEOUT_MS: String(aliveTimeoutMs), PEERCALL_MAX_CONNECTIONS_PER_IP: '1000', REDIS_URL: redis.url };
    const nodes = await Promise.all([startChildNode(env, { inspect: true }), startChildNode(env, { inspect: true })]);
    for (const node of nodes) cleanUp.push(() => node.stop());
    const withoutExpiry: string[] = [];
    const figures = await soak(nodes, async () => {
      const keys = await inspect.keys('pc:*');
      const ttls = await Promise.all(keys.map((k) => inspect.pttl(k)));
      keys.forEach((k, i) => ttls[i] === -1 && withoutExpiry.push(k));
    });
    expectHeld(figures);
    expect(withoutExpiry).toEqual([]);
    // Every node gone at once: within the alive timeout, only tickets (30 s at most) remain.
    for (const node of nodes) await node.stop();
    const deadline = Date.now() + aliveTimeoutMs + 1_500;
    let left: string[] = [];
    do {
      left = (await inspect.keys('pc:*')).filter((k) => !k.startsWith('pc:ticket:'));
      if (left.length === 0) break;
      await new Promise((done) => setTimeout(done, 100));
    } while (Date.now() < deadline);
    process.stderr.write(`soak: redis keys left after the nodes died: ${left.length} (tickets: ${(await inspect.keys('pc:ticket:*')).length})\n`);
    expect(left).toEqual([]);
  }, soakMs + 90_000);
});
