// @vitest-environment node
/**
 * The server under attack: every hostile input gets an answer (an error frame, a
 * refusal, a closed socket), is counted, and a call running beside it keeps working.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { holdMs, PendingMessages } from '../../signaling/pending-messages.js';
import { startSignalingServer, type RunningSignalingServer } from '../../signaling/server.js';
import { connectAs, extensionOrigin, httpFrom, PeerSocket, peerjsSocketUrl, testConfig, testRoom, ticketFor, tokenFor, waitLimitMs, withTimeout } from './peer-socket.js';
import { refusedOnlyTheTicket } from '../../lib/signaling/spare-ticket.js';

const otherRoom = 'q7m2-k9dx-0a4e-zz81-h6pc-3rtw-b5nf';
let server: RunningSignalingServer;
const sockets: PeerSocket[] = [];
/** The honest call that must survive every attack. */
let alice: PeerSocket;
let bob: PeerSocket;

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

async function inRoom(id: string, room: string, verb: 'ROOM-CREATE' | 'ROOM-JOIN'): Promise<PeerSocket> {
  const socket = await joined(id, room);
  socket.send({ type: verb, payload: { room } });
  expect((await socket.nextMessage()).type).toBe('ROOM-MEMBERS');
  return socket;
}

/** The call beside the attack still relays both ways. */
async function callStillWorks(checkHealth = true): Promise<void> {
  alice.send({ type: 'CANDIDATE', dst: 'bob', payload: { candidate: 'still-here' } });
  expect(await bob.nextMessage()).toMatchObject({ type: 'CANDIDATE', src: 'alice', payload: { candidate: 'still-here' } });
  bob.send({ type: 'CANDIDATE', dst: 'alice', payload: { candidate: 'me-too' } });
  expect(await alice.nextMessage()).toMatchObject({ type: 'CANDIDATE', src: 'bob' });
  // From another address: one that hit its cap may not even ask for /health.
  if (checkHealth) expect((await httpFrom('127.0.0.2', server.port, '/health')).status).toBe(200);
}

async function startWithCall(env: Record<string, string> = {}): Promise<void> {
  server = await startSignalingServer(testConfig(env));
  alice = await inRoom('alice', testRoom, 'ROOM-CREATE');
  bob = await inRoom('bob', testRoom, 'ROOM-JOIN');
  expect((await alice.nextMessage()).type).toBe('ROOM-PEER-JOINED');
}

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.close();
  await withTimeout(server.close(), 'server.close()');
});

describe('frames a client sends', () => {
  beforeEach(() => startWithCall({ PEERCALL_MAX_FRAME_BYTES: '4096' }));

  it.each([
    ['not JSON', 'not json', 'malformed'],
    ['an empty frame', '', 'malformed'],
    ['JSON null', 'null', 'malformed'],
    ['a JSON string', '"text"', 'malformed'],
    ['a JSON array', '[1,2]', 'malformed'],
    ['a number for a type', '{"type":42}', 'unknown-type'],
    ['an unknown type', '{"type":"LIST-EVERYONE"}', 'unknown-type'],
    ['PeerServer-only types', '{"type":"EXPIRE","dst":"bob"}', 'unknown-type'],
    ['an OFFER without dst', '{"type":"OFFER","payload":{}}', 'malformed'],
    ['a dst that is an object', '{"type":"OFFER","dst":{"x":1},"payload":{}}', 'malformed'],
    ['a dst with odd characters', '{"type":"OFFER","dst":"../bob","payload":{}}', 'malformed'],
    ['a dst of 65 characters', `{"type":"OFFER","dst":"${'b'.repeat(65)}","payload":{}}`, 'malformed'],
    ['an OFFER whose payload is a string', '{"type":"OFFER","dst":"bob","payload":"sdp"}', 'malformed'],
    ['a __proto__ payload', '{"type":"OFFER","dst":"bob","__proto__":{"payload":{}}}', 'malformed'],
  ])('answers %s with an error, counts it, and the call goes on', async (_name, frame, reason) => {
    const mallory = await joined('mallory');
    mallory.send(frame);
    expect(await mallory.nextMessage()).toEqual({ type: 'ERROR', payload: { msg: expect.stringContaining(`${reason}:`) } });
    expect(server.metrics.droppedCount(reason as never)).toBe(1);
    await callStillWorks();
  });

  it('answers binary frames with an error', async () => {
    const mallory = await joined('mallory');
    mallory.ws.send(Buffer.from([0xff, 0x00, 0x13]));
    expect(await mallory.nextMessage()).toEqual({ type: 'ERROR', payload: { msg: expect.stringContaining('binary:') } });
    await callStillWorks();
  });

  it('answers a frame over the size limit with an error, and cuts off a giant one', async () => {
    const mallory = await joined('mallory');
    mallory.send({ type: 'CANDIDATE', dst: 'bob', payload: { candidate: 'x'.repeat(5_000) } });
    expect(await mallory.nextMessage()).toEqual({ type: 'ERROR', payload: { msg: expect.stringContaining('frame-too-large: Frames are limited to 4096 bytes') } });
    expect(server.metrics.droppedCount('frame-too-large')).toBe(1);
    mallory.send({ type: 'CANDIDATE', dst: 'bob', payload: 'x'.repeat(100 * 1024) });
    expect(await withTimeout(mallory.closed, 'the giant frame to be cut off')).toBe(1009);
    await callStillWorks();
  });

  it('refuses a flood past the message rate with one error, then closes the flooder', async () => {
    const mallory = await joined('mallory');
    for (let i = 0; i < 1_200; i++) mallory.send({ type: 'HEARTBEAT' });
    expect(await mallory.nextMessage()).toEqual({ type: 'ERROR', payload: { msg: expect.stringContaining('rate-limited:') } });
    expect(await withTimeout(mallory.closed, 'the flooder to be closed')).toBe(1008);
    expect(server.metrics.droppedCount('rate-limited')).toBeGreaterThanOrEqual(500);
    await callStillWorks();
  });
});

describe('reaching other peers', () => {
  beforeEach(() => startWithCall());

  it('an OFFER to a peer in another room is dropped, counted and answered as unavailable', async () => {
    const eve = await inRoom('eve', otherRoom, 'ROOM-CREATE');
    eve.send({ type: 'OFFER', dst: 'alice', payload: { sdp: 'v=0', connectionId: 'mc_x' } });
    expect(await eve.nextMessage()).toEqual({ type: 'EXPIRE', src: 'alice', dst: 'eve' });
    for (const type of ['ANSWER', 'CANDIDATE', 'LEAVE']) eve.send({ type, dst: 'bob', payload: {} });
    await callStillWorks();
    expect(server.metrics.droppedCount('not-in-room')).toBe(4);
  });

  it('a peer in no room reaches nobody, even knowing their ID', async () => {
    const eve = await joined('eve');
    eve.send({ type: 'OFFER', dst: 'bob', payload: { sdp: 'v=0' } });
    expect(await eve.nextMessage()).toEqual({ type: 'EXPIRE', src: 'bob', dst: 'eve' });
    await callStillWorks();
  });
});

describe('tokens', () => {
  beforeEach(() => startWithCall());

  it.each([
    ['no ticket', '', false],
    ['a random ticket', 'let-me-in', false],
    ["another ID's ticket", ticketFor('alice'), false],
    ['a ticket signed with another secret', 't1.9999999999.AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', false],
    ['an expired ticket', ticketFor('mallory', testRoom, Date.now() - 60_000), true],
    ['a peer token in place of a ticket', tokenFor('mallory'), false],
  ])('refuses %s with an error and closes', async (_name, token, aFreshTicketWouldDo) => {
    const mallory = connect('mallory', { token });
    const answer = (await mallory.nextMessage()) as { type: string; payload?: { msg?: string } };
    expect(answer.type).toBe('ERROR');
    // Only a refusal of the ticket itself lets the client retry with a fresh one.
    expect(refusedOnlyTheTicket(answer.payload?.msg ?? '')).toBe(aFreshTicketWouldDo);
    expect(await withTimeout(mallory.closed, 'the socket to close')).not.toBe(1006);
    expect(server.peerCount()).toBe(2);
    await callStillWorks();
  });

  it("cannot take over a connected peer's ID without a ticket for it", async () => {
    const impostor = connect('bob', { token: ticketFor('mallory') });
    expect((await impostor.nextMessage()).type).toBe('ERROR');
    await callStillWorks();
  });

  it('a peer whose socket drops gets its ID back with a fresh ticket, and the lingering socket is closed as replaced', async () => {
    const carol = connect('carol');
    expect(await carol.nextMessage()).toEqual({ type: 'OPEN' });
    // PeerJS's reconnect() while the server still holds the ID, with the ticket asked for just before.
    const renewed = connect('carol');
    expect(await renewed.nextMessage()).toEqual({ type: 'OPEN' });
    expect(await withTimeout(carol.closed, 'the lingering socket to close')).toBe(4409);
    renewed.send({ type: 'ROOM-JOIN', payload: { room: testRoom } });
    expect(await renewed.nextMessage()).toMatchObject({ type: 'ROOM-MEMBERS' });
  });

  it('refuses an ID of a shape the server never issues, even with a token signed for it', async () => {
    const odd = 'pc:peer:x';
    const mallory = new PeerSocket(peerjsSocketUrl(server.port, '/peerjs', 'peercall', encodeURIComponent(odd), ticketFor(odd)), extensionOrigin);
    sockets.push(mallory);
    expect(await mallory.nextMessage()).toEqual({ type: 'ERROR', payload: { msg: expect.stringContaining('bad-request: bad id') } });
    await callStillWorks();
  });

  it('reconnecting with a fresh ticket gets the same ID back', async () => {
    const carol = connect('carol');
    expect(await carol.nextMessage()).toEqual({ type: 'OPEN' });
    carol.close();
    await withTimeout(carol.closed, 'carol to drop');
    const again = connect('carol');
    expect(await again.nextMessage()).toEqual({ type: 'OPEN' });
  });

  it.each([
    ['../../etc/passwd'],
    ['<script>alert(1)</script>'],
    ['x'.repeat(5_000)],
    ['名前'],
  ])('refuses the odd ID %j and stays up', async (id) => {
    const mallory = new PeerSocket(peerjsSocketUrl(server.port, '/peerjs', 'peercall', encodeURIComponent(id), ticketFor('mallory')), extensionOrigin);
    sockets.push(mallory);
    expect((await mallory.nextMessage()).type).toBe('ERROR');
    await callStillWorks();
  });
});

describe('connections and HTTP', () => {
  beforeEach(() => startWithCall({ PEERCALL_MAX_CONNECTIONS_PER_IP: '4' }));

  it('refuses sockets past the cap per address with 429, and takes them again once one closes', async () => {
    const carol = await joined('carol');
    const dan = await joined('dan');
    const extra = connect('erin');
    await expect(extra.opened()).rejects.toThrow(/429/);
    carol.close();
    await withTimeout(carol.closed, 'carol to drop');
    await new Promise((resolve) => setTimeout(resolve, 50));
    await joined('erin');
    expect(dan.ws.readyState).toBe(WebSocket.OPEN);
    await callStillWorks();
  });

  it.each([
    ['a doubled slash', '/peerjs//peerjs'],
    ['another case', '/PEERJS/peerjs'],
    ['an encoded path', '/peerjs/%2e%2e/peerjs'],
  ])('refuses %s', async (_name, path) => {
    const lost = new PeerSocket(`ws://127.0.0.1:${server.port}${path}?key=peercall&id=x&token=${ticketFor('x')}`, extensionOrigin);
    sockets.push(lost);
    await expect(lost.opened()).rejects.toThrow(/400/);
    await callStillWorks();
  });

  it.each([
    ['a path out of the mount', '/peerjs/peercall/../../../etc/passwd', 404],
    ['a peer listing with a bad key', '/peerjs/nope/peers', 401],
  ])('answers %s with a bare status', async (_name, path, status) => {
    const response = await fetch(`http://127.0.0.1:${server.port}${path}`, { signal: AbortSignal.timeout(waitLimitMs) });
    expect(response.status).toBe(status);
    expect(await response.text()).not.toMatch(/at .*\.js|Error:/);
    await callStillWorks();
  });
});

describe('a full server', () => {
  beforeEach(() => startWithCall({ PEERCALL_MAX_CONNECTIONS: '3' }));

  it('refuses sockets past its total with 503 and counts them, keeping the calls it has', async () => {
    await joined('carol');
    const extra = connect('dan');
    await expect(extra.opened()).rejects.toThrow(/503/);
    // A full node answers no more connections, /metrics and /health included: read the counter in process.
    expect(await server.metrics.render()).toContain('peercall_connections_refused_total{reason="server-full"} 1');
    await callStillWorks(false);
  });
});

describe('messages held for a reconnecting peer', () => {
  it('holds at most the cap for each peer and forgets them after a while', () => {
    const pending = new PendingMessages(2);
    expect([pending.add('bob', { n: 1 }, 10, 0), pending.add('bob', { n: 2 }, 10, 0), pending.add('bob', { n: 3 }, 10, 0)]).toEqual([true, true, false]);
    expect(pending.add('cat', { n: 4 }, 10, 0)).toBe(true);
    expect(pending.size).toBe(3);
    expect(pending.take('bob', 100)).toEqual([{ n: 1 }, { n: 2 }]);
    expect(pending.take('cat', holdMs + 1)).toEqual([]);
    expect(pending.size).toBe(0);
    pending.add('dan', { n: 5 }, 10, 0);
    pending.add('dan', { n: 6 }, 10, 5_000);
    pending.sweep(holdMs + 1);
    expect(pending.size).toBe(1);
    pending.sweep(holdMs + 5_001);
    expect(pending.size).toBe(0);
  });
});
