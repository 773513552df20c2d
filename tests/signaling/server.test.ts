// @vitest-environment node
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSignalingServer, type RunningSignalingServer } from '../../signaling/server.js';
import { connectAs, extensionOrigin, PeerSocket, testConfig, testRoom, ticketFor, waitLimitMs, withTimeout } from './peer-socket.js';

const evilOrigin = 'https://evil.example';

let server: RunningSignalingServer;
const sockets: PeerSocket[] = [];

function connect(id: string, options: Parameters<typeof connectAs>[2] = {}): PeerSocket {
  const socket = connectAs(server.port, id, options);
  sockets.push(socket);
  return socket;
}

async function joined(id: string, room = testRoom): Promise<PeerSocket> {
  const socket = connect(id, { room });
  expect(await socket.nextMessage()).toEqual({ type: 'OPEN' });
  return socket;
}

/** Two peers in one room, each having seen the other arrive. */
async function pairInRoom(a: string, b: string, room = testRoom): Promise<[PeerSocket, PeerSocket]> {
  const first = await joined(a, room);
  first.send({ type: 'ROOM-CREATE', payload: { room } });
  expect((await first.nextMessage()).type).toBe('ROOM-MEMBERS');
  const second = await joined(b, room);
  second.send({ type: 'ROOM-JOIN', payload: { room } });
  expect((await second.nextMessage()).type).toBe('ROOM-MEMBERS');
  expect((await first.nextMessage()).type).toBe('ROOM-PEER-JOINED');
  return [first, second];
}

function health(origin?: string): Promise<Response> {
  const headers: Record<string, string> = origin === undefined ? {} : { Origin: origin };
  return fetch(`http://127.0.0.1:${server.port}/health`, { headers, signal: AbortSignal.timeout(waitLimitMs) });
}

async function healthPeers(): Promise<unknown> {
  return ((await (await health()).json()) as { peers: unknown }).peers;
}

async function eventually(check: () => Promise<boolean> | boolean, label: string): Promise<void> {
  const deadline = Date.now() + waitLimitMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`never saw ${label}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

beforeEach(async () => {
  server = await startSignalingServer(testConfig());
});

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.close();
  await withTimeout(server.close(), 'server.close()');
});

describe('signaling server', () => {
  it('reports the address a client puts in its settings', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/peerjs`);
    expect(server.port).toBeGreaterThan(0);
  });

  it('refuses to list connected peers, even to an allowed origin with peers online', async () => {
    await joined('listed-if-discovery-were-on');
    const response = await fetch(`http://127.0.0.1:${server.port}/peerjs/peercall/peers`, {
      headers: { Origin: extensionOrigin },
      signal: AbortSignal.timeout(waitLimitMs),
    });
    expect(response.status).toBe(401);
    expect(await response.text()).not.toContain('listed-if-discovery-were-on');
  });

  it('answers /health as live and ready with the number of connected peers', async () => {
    const response = await health();
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', live: true, ready: true, peers: 0 });
  });

  it.each([
    ['/health', '/health'],
    ["PeerJS's ID route", '/peerjs/peercall/id'],
  ])('grants CORS on %s to an allowed extension origin only', async (_name, route) => {
    const get = (origin: string) =>
      fetch(`http://127.0.0.1:${server.port}${route}`, {
        headers: { Origin: origin },
        signal: AbortSignal.timeout(waitLimitMs),
      });
    const allowed = await get(extensionOrigin);
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(extensionOrigin);
    const evil = await get(evilOrigin);
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('welcomes a peer with a valid token with OPEN and counts it until it leaves', async () => {
    const alice = await joined('alice');
    expect(await healthPeers()).toBe(1);
    expect(server.peerCount()).toBe(1);
    alice.close();
    await eventually(async () => (await healthPeers()) === 0, 'the peer count drop to 0');
  });

  it.each([
    ['a foreign web page', evilOrigin],
    ['a sandboxed page', 'null'],
    ['a client without Origin', undefined],
  ])('refuses the WebSocket of %s with 403 and keeps serving', async (_name, origin) => {
    const intruder = connect('mallory', { origin });
    await expect(intruder.opened()).rejects.toThrow(/403/);
    expect(server.peerCount()).toBe(0);
    expect((await health()).status).toBe(200);
    await joined('alice');
  });

  it('refuses upgrades on paths that are not PeerServer', async () => {
    const lost = new PeerSocket(`ws://127.0.0.1:${server.port}/elsewhere/peerjs?key=peercall&id=a&token=${ticketFor('a')}`, extensionOrigin);
    sockets.push(lost);
    await expect(lost.opened()).rejects.toThrow(/400/);
  });

  it('relays an OFFER from one peer to the other in its room', async () => {
    const [alice, bob] = await pairInRoom('alice', 'bob');
    alice.send({ type: 'OFFER', dst: 'bob', payload: { sdp: 'v=0', connectionId: 'mc_1' } });
    expect(await bob.nextMessage()).toEqual({ type: 'OFFER', src: 'alice', dst: 'bob', payload: { sdp: 'v=0', connectionId: 'mc_1' } });
    bob.send({ type: 'ANSWER', dst: 'alice', payload: { sdp: 'v=0' } });
    expect(await alice.nextMessage()).toMatchObject({ type: 'ANSWER', src: 'bob' });
    expect(server.metrics.droppedCount()).toBe(0);
  });

  it('tells a client with the wrong key so, and does not count it', async () => {
    const stranger = connect('stranger', { key: 'wrong' });
    expect(await stranger.nextMessage()).toEqual({ type: 'ERROR', payload: { msg: 'Invalid key provided' } });
    await withTimeout(stranger.closed, 'the server to close the socket');
    expect(server.peerCount()).toBe(0);
  });

  it('answers a malformed request with a bare status, not a stack trace', async () => {
    const response = await fetch(`http://127.0.0.1:${server.port}/peerjs/%zz/id`, { signal: AbortSignal.timeout(waitLimitMs) });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ status: 'error' });
  });

  it('serves Prometheus metrics: peers, rooms, relayed and dropped by reason, queued, Redis round trip', async () => {
    const [alice] = await pairInRoom('alice', 'bob');
    alice.send({ type: 'CANDIDATE', dst: 'bob', payload: { candidate: 'c' } });
    alice.send('not json');
    await alice.nextMessage();
    const text = await (await fetch(`http://127.0.0.1:${server.port}/metrics`, { signal: AbortSignal.timeout(waitLimitMs) })).text();
    expect(text).toContain('# TYPE peercall_peers_connected gauge\npeercall_peers_connected 2');
    expect(text).toContain('peercall_rooms 1');
    expect(text).toContain('peercall_messages_relayed_total 1');
    expect(text).toContain('peercall_messages_dropped_total{reason="malformed"} 1');
    expect(text).toContain('peercall_messages_queued 0');
    expect(text).toContain('peercall_redis_round_trip_ms -1');
  });

  it('on close stops taking sockets, asks peers to reconnect elsewhere (1012) and finishes promptly', async () => {
    const alice = await joined('alice');
    const started = Date.now();
    await withTimeout(server.close(), 'server.close()');
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(await withTimeout(alice.closed, 'the client to see the close')).toBe(1012);
    await expect(health()).rejects.toThrow();
  });
});

describe.each(['/', '/signal/v1'])('a server mounted at %s', (path) => {
  let mounted: RunningSignalingServer;

  beforeEach(async () => {
    mounted = await startSignalingServer(testConfig({ PEERCALL_PATH: path }));
  });

  afterEach(async () => {
    await withTimeout(mounted.close(), 'server.close()');
  });

  it('accepts PeerJS clients configured with that same path', async () => {
    const socket = connectAs(mounted.port, 'carol', { path });
    sockets.push(socket);
    expect(await socket.nextMessage()).toEqual({ type: 'OPEN' });
    expect(mounted.url).toBe(`http://127.0.0.1:${mounted.port}${path}`);
  });
});
