// @vitest-environment node
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SignalingConfig } from '../../signaling/config.js';
import { startSignalingServer, type RunningSignalingServer } from '../../signaling/server.js';
import { PeerSocket, peerjsSocketUrl, waitLimitMs, withTimeout } from './peer-socket.js';

const extensionOrigin = 'chrome-extension://abc';
const evilOrigin = 'https://evil.example';
const baseConfig: SignalingConfig = {
  host: '127.0.0.1',
  port: 0,
  path: '/peerjs',
  key: 'peercall',
  allowedOrigins: ['chrome-extension://*', 'moz-extension://*'],
  aliveTimeoutMs: 60_000,
  roomCapacity: 6,
};

let server: RunningSignalingServer;
const sockets: PeerSocket[] = [];

function connect(id: string, options: { origin?: string; key?: string; path?: string } = {}): PeerSocket {
  const url = peerjsSocketUrl(server.port, options.path ?? baseConfig.path, options.key ?? baseConfig.key, id);
  const socket = new PeerSocket(url, 'origin' in options ? options.origin : extensionOrigin);
  sockets.push(socket);
  return socket;
}

async function joined(id: string): Promise<PeerSocket> {
  const socket = connect(id);
  expect(await socket.nextMessage()).toEqual({ type: 'OPEN' });
  return socket;
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
  server = await startSignalingServer(baseConfig);
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

  it('serves the page invite links open, without script and without learning the call ID', async () => {
    const response = await fetch(`http://127.0.0.1:${server.port}/join`, { signal: AbortSignal.timeout(waitLimitMs) });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await response.text();
    expect(html).toContain('Join a call');
    expect(html).not.toContain('<script');
  });

  it('answers /health with the number of connected peers', async () => {
    const response = await health();
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', peers: 0 });
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

  it('welcomes a peer from an allowed origin with OPEN and counts it until it leaves', async () => {
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
    const response = await health();
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', peers: 0 });
    await joined('alice');
  });

  it('refuses upgrades on paths that are not PeerServer', async () => {
    const lost = new PeerSocket(`ws://127.0.0.1:${server.port}/elsewhere/peerjs?key=peercall&id=a&token=t`, extensionOrigin);
    sockets.push(lost);
    await expect(lost.opened()).rejects.toThrow(/400/);
  });

  it('relays an OFFER from one peer to the other', async () => {
    const alice = await joined('alice');
    const bob = await joined('bob');
    alice.send({ type: 'OFFER', dst: 'bob', payload: { sdp: 'v=0', connectionId: 'mc_1' } });
    expect(await bob.nextMessage()).toEqual({
      type: 'OFFER',
      src: 'alice',
      dst: 'bob',
      payload: { sdp: 'v=0', connectionId: 'mc_1' },
    });
  });

  it('tells a client with the wrong key so, and does not count it', async () => {
    const stranger = connect('stranger', { key: 'wrong' });
    expect(await stranger.nextMessage()).toEqual({ type: 'ERROR', payload: { msg: 'Invalid key provided' } });
    await withTimeout(stranger.closed, 'the server to close the socket');
    expect(server.peerCount()).toBe(0);
  });

  it('survives garbage frames and keeps relaying for the sender', async () => {
    const alice = await joined('alice');
    const bob = await joined('bob');
    for (const garbage of ['not json', '', 'null', '"text"', '[1,2]', '{"type":42}', '{"type":"OFFER","dst":{"x":1}}']) {
      alice.send(garbage);
    }
    alice.ws.send(Buffer.from([0xff, 0x00, 0x13]));
    alice.send({ type: 'CANDIDATE', dst: 'bob', payload: { candidate: 'c' } });
    expect(await bob.nextMessage()).toMatchObject({ type: 'CANDIDATE', src: 'alice' });
    expect((await health()).status).toBe(200);
  });

  it('cuts off a peer that sends an oversized frame, and only that peer', async () => {
    const flooder = await joined('flooder');
    const bob = await joined('bob');
    flooder.send({ type: 'OFFER', dst: 'bob', payload: 'x'.repeat(200 * 1024) });
    expect(await withTimeout(flooder.closed, 'the flooder to be cut off')).toBe(1009);
    await eventually(() => server.peerCount() === 1, 'only bob remain');
    expect(bob.ws.readyState).toBe(bob.ws.OPEN);
  });

  it('answers a malformed request with a bare status, not a stack trace', async () => {
    const response = await fetch(`http://127.0.0.1:${server.port}/peerjs/%zz/id`, {
      signal: AbortSignal.timeout(waitLimitMs),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ status: 'error' });
  });

  it('closes promptly while peers are still connected', async () => {
    const alice = await joined('alice');
    const started = Date.now();
    await withTimeout(server.close(), 'server.close()');
    expect(Date.now() - started).toBeLessThan(1_000);
    await withTimeout(alice.closed, 'the client to see the close');
    await expect(health()).rejects.toThrow();
  });
});

describe.each(['/', '/signal/v1'])('a server mounted at %s', (path) => {
  let mounted: RunningSignalingServer;

  beforeEach(async () => {
    mounted = await startSignalingServer({ ...baseConfig, path });
  });

  afterEach(async () => {
    await withTimeout(mounted.close(), 'server.close()');
  });

  it('accepts PeerJS clients configured with that same path', async () => {
    const socket = new PeerSocket(peerjsSocketUrl(mounted.port, path, baseConfig.key, 'carol'), extensionOrigin);
    sockets.push(socket);
    expect(await socket.nextMessage()).toEqual({ type: 'OPEN' });
    expect(mounted.url).toBe(`http://127.0.0.1:${mounted.port}${path}`);
  });
});
