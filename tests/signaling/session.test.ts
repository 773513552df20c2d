// @vitest-environment node
/** POST /session: where a client gets its peer ID, token and ICE servers before a call. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSignalingServer, type RunningSignalingServer } from '../../signaling/server.js';
import { turnCredential } from '../../signaling/turn-credentials.js';
import { extensionOrigin, httpFrom, PeerSocket, peerjsSocketUrl, testConfig, testRoom, waitLimitMs, withTimeout } from './peer-socket.js';

const turnSecret = 'turn-secret-0123456789abcdef-0123456789';
let server: RunningSignalingServer;
const sockets: PeerSocket[] = [];

interface Session {
  peerId: string;
  token: string;
  ticket: string;
  expiresAtMs: number;
  iceServers: { urls: string[]; username?: string; credential?: string }[];
}

function postSession(body: unknown): Promise<Response> {
  return fetch(`http://127.0.0.1:${server.port}/peerjs/session`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: extensionOrigin },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    signal: AbortSignal.timeout(waitLimitMs),
  });
}

async function session(body: unknown = { room: testRoom }): Promise<Session> {
  const response = await postSession(body);
  expect(response.status).toBe(200);
  return (await response.json()) as Session;
}

function post(path: string, body: unknown): Promise<Response> {
  return fetch(`http://127.0.0.1:${server.port}/peerjs/${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: extensionOrigin },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(waitLimitMs),
  });
}

async function register(s: { peerId: string; ticket: string }): Promise<PeerSocket> {
  const socket = new PeerSocket(peerjsSocketUrl(server.port, '/peerjs', 'peercall', s.peerId, s.ticket), extensionOrigin);
  sockets.push(socket);
  expect(await socket.nextMessage()).toEqual({ type: 'OPEN' });
  return socket;
}

beforeEach(async () => {
  server = await startSignalingServer(
    testConfig({ PEERCALL_TURN_URLS: 'turn:127.0.0.1:3478?transport=udp', PEERCALL_TURN_SECRET: turnSecret, PEERCALL_STUN_URLS: 'stun:127.0.0.1:3478' }),
  );
});

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.close();
  await withTimeout(server.close(), 'server.close()');
});

describe('POST /ticket', () => {
  it('trades a live token for a fresh ticket, each good for one connection', async () => {
    const s = await session();
    const first = await register(s);
    first.close();
    await withTimeout(first.closed, 'the first socket to close');
    const response = await post('ticket', { peerId: s.peerId, token: s.token });
    expect(response.status).toBe(200);
    const { ticket, expiresAtMs } = (await response.json()) as { ticket: string; expiresAtMs: number };
    expect(ticket).not.toBe(s.ticket);
    expect(expiresAtMs - Date.now()).toBeLessThanOrEqual(60_000);
    await register({ peerId: s.peerId, ticket });
  });

  it.each([
    ['a token for another ID', (s: Session) => ({ peerId: 'someone-else', token: s.token })],
    ['a forged token', (s: Session) => ({ peerId: s.peerId, token: `${s.token.slice(0, -2)}AA` })],
    ['a ticket in place of the token', (s: Session) => ({ peerId: s.peerId, token: s.ticket })],
    ['no token', (s: Session) => ({ peerId: s.peerId })],
  ])('refuses %s with 403', async (_name, body) => {
    const response = await post('ticket', body(await session()));
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ code: 'ticket-refused' });
  });
});

describe('a spare ticket over the socket', () => {
  it('a registered peer trades its token for a ticket that registers it next time, with no HTTP request', async () => {
    const s = await session();
    const first = await register(s);
    first.send({ type: 'TICKET', payload: { token: s.token } });
    const answer = (await first.nextMessage()) as { type: string; payload: { ticket: string; expiresAtMs: number } };
    expect(answer.type).toBe('TICKET');
    expect(answer.payload.ticket).not.toBe(s.ticket);
    expect(answer.payload.expiresAtMs - Date.now()).toBeGreaterThan(50_000);
    expect(answer.payload.expiresAtMs - Date.now()).toBeLessThanOrEqual(60_000);
    first.close();
    await withTimeout(first.closed, 'the first socket to close');
    await register({ peerId: s.peerId, ticket: answer.payload.ticket });
  });

  it.each([
    ['a token of another ID', async () => (await session()).token],
    ['a ticket in place of the token', async () => (await session()).ticket],
    ['no token', async () => undefined],
  ])('is refused for %s, and the socket stays up', async (_name, token) => {
    const s = await session();
    const socket = await register(s);
    socket.send({ type: 'TICKET', payload: { token: await token() } });
    expect(await socket.nextMessage()).toMatchObject({ type: 'ERROR' });
    socket.send({ type: 'PING' });
    expect(await socket.nextMessage()).toEqual({ type: 'PONG' });
  });
});

describe('POST /session', () => {
  it('hands out a random peer ID, its token, a ticket that registers it, and ICE servers with fresh TURN credentials', async () => {
    const before = Date.now();
    const s = await session();
    expect(s.peerId).toMatch(/^[0-9a-f]{32}$/);
    expect(s.expiresAtMs).toBeGreaterThan(before);
    expect(s.token).not.toContain(testRoom);
    expect(s.ticket).not.toContain(testRoom);
    expect(s.ticket).not.toContain(s.token);
    const [stun, turn] = s.iceServers;
    expect(stun).toEqual({ urls: ['stun:127.0.0.1:3478'] });
    expect(turn!.urls).toEqual(['turn:127.0.0.1:3478?transport=udp']);
    const expiry = Number(turn!.username!.split(':')[0]) * 1000;
    expect(turn!.username).toBe(`${expiry / 1000}:${s.peerId}`);
    expect(expiry - before).toBeGreaterThan(3_500_000);
    expect(turn!.credential).toBe(turnCredential(turnSecret, s.peerId, expiry - 3_600_000, 3_600_000).credential);
    await register(s);
    expect((await session()).peerId).not.toBe(s.peerId);
  });

  it('renews a live token for the same ID, and the renewed session\'s ticket registers it', async () => {
    const first = await session();
    const renewed = await session({ room: testRoom, renew: { peerId: first.peerId, token: first.token } });
    expect(renewed.peerId).toBe(first.peerId);
    await register(renewed);
  });

  it.each([
    ['a token for another ID', (s: Session) => ({ room: testRoom, renew: { peerId: 'someone-else', token: s.token } })],
    ['a token for another room', (s: Session) => ({ room: 'q7m2-k9dx-0a4e-zz81-h6pc-3rtw-b5nf', renew: { peerId: s.peerId, token: s.token } })],
    ['a forged token', (s: Session) => ({ room: testRoom, renew: { peerId: s.peerId, token: `${s.token.slice(0, -2)}AA` } })],
    ['a renewal without fields', () => ({ room: testRoom, renew: 'please' })],
  ])('refuses to renew %s with 403', async (_name, body) => {
    const response = await postSession(body(await session()));
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ code: 'renew-refused' });
  });

  it.each([
    ['no room', {}],
    ['a malformed room', { room: '../../etc' }],
    ['a room that is a number', { room: 42 }],
    ['not JSON', '{room:'],
    ['a JSON array', '[]'],
  ])('answers %s with 400 and no stack trace', async (_name, body) => {
    const response = await postSession(body);
    expect(response.status).toBe(400);
    expect(await response.text()).not.toMatch(/at .*\.js/);
  });

  it('refuses an oversized body with 413', async () => {
    const response = await postSession({ room: testRoom, pad: 'x'.repeat(10_000) });
    expect(response.status).toBe(413);
  });

  it('lets an allowed extension origin POST across origins, and no other', async () => {
    const preflight = (origin: string) =>
      fetch(`http://127.0.0.1:${server.port}/peerjs/session`, {
        method: 'OPTIONS',
        headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' },
        signal: AbortSignal.timeout(waitLimitMs),
      });
    const allowed = await preflight(extensionOrigin);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(extensionOrigin);
    expect(allowed.headers.get('access-control-allow-methods')).toContain('POST');
    expect(allowed.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('content-type');
    expect((await preflight('https://evil.example')).headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('asking for sessions too fast', () => {
  it('from one address is answered 429 with Retry-After past a burst, while another address is served', async () => {
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 200; i++) {
      const response = await postSession({ room: testRoom });
      statuses.push(response.status);
      if (response.status === 429) retryAfter = response.headers.get('retry-after');
      await response.arrayBuffer();
    }
    const served = statuses.filter((status) => status === 200).length;
    expect(served).toBeGreaterThanOrEqual(20);
    expect(served).toBeLessThanOrEqual(25);
    expect(statuses.filter((status) => status === 429).length).toBe(200 - served);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    // Tickets share the bucket: a flood of them costs the same.
    const ticket = await post('ticket', { peerId: 'x', token: 'y' });
    expect(ticket.status).toBe(429);
    const elsewhere = await httpFrom('127.0.0.2', server.port, '/peerjs/session', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: extensionOrigin },
      body: JSON.stringify({ room: testRoom }),
    });
    expect(elsewhere.status).toBe(200);
  });
});
