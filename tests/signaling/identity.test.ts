// @vitest-environment node
/**
 * Who a socket is: the server registers exactly the ID it checked, and one ID has one
 * socket. Attacks from outside with nothing but the public URL and the socket.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSignalingServer, type RunningSignalingServer } from '../../signaling/server.js';
import { connectAs, extensionOrigin, PeerSocket, peerjsSocketUrl, testConfig, testRoom, ticketFor, waitLimitMs, withTimeout } from './peer-socket.js';
import { refusedOnlyTheTicket } from '../../lib/signaling/spare-ticket.js';

let server: RunningSignalingServer;
const sockets: PeerSocket[] = [];
let alice: PeerSocket;
let bob: PeerSocket;

function track(socket: PeerSocket): PeerSocket {
  sockets.push(socket);
  return socket;
}

function rawUrl(query: string): string {
  return `ws://127.0.0.1:${server.port}/peerjs/peerjs?${query}`;
}

async function inRoom(id: string, verb: 'ROOM-CREATE' | 'ROOM-JOIN'): Promise<PeerSocket> {
  const socket = track(connectAs(server.port, id));
  expect(await socket.nextMessage()).toEqual({ type: 'OPEN' });
  socket.send({ type: verb, payload: { room: testRoom } });
  expect((await socket.nextMessage()).type).toBe('ROOM-MEMBERS');
  return socket;
}

async function callStillWorks(): Promise<void> {
  alice.send({ type: 'CANDIDATE', dst: 'bob', payload: { candidate: 'still-here' } });
  expect(await bob.nextMessage()).toMatchObject({ type: 'CANDIDATE', src: 'alice', payload: { candidate: 'still-here' } });
  bob.send({ type: 'CANDIDATE', dst: 'alice', payload: { candidate: 'me-too' } });
  expect(await alice.nextMessage()).toMatchObject({ type: 'CANDIDATE', src: 'bob' });
}

beforeEach(async () => {
  server = await startSignalingServer(testConfig());
  alice = await inRoom('alice', 'ROOM-CREATE');
  bob = await inRoom('bob', 'ROOM-JOIN');
  expect((await alice.nextMessage()).type).toBe('ROOM-PEER-JOINED');
});

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.close();
  await withTimeout(server.close(), 'server.close()');
});

describe('the upgrade query', () => {
  it('a second id parameter does not register the ID the token does not name, and the victim still gets in', async () => {
    const mallory = track(new PeerSocket(rawUrl(`key=peercall&id=mallory&token=${ticketFor('mallory')}&id=carol&version=1.5.5`), extensionOrigin));
    expect(await mallory.nextMessage()).toEqual({ type: 'ERROR', payload: { msg: expect.stringContaining('bad-request') } });
    expect(await withTimeout(mallory.closed, 'the socket to close')).toBe(1008);
    expect(server.peerCount()).toBe(2);
    const carol = track(connectAs(server.port, 'carol'));
    expect(await carol.nextMessage()).toEqual({ type: 'OPEN' });
    await callStillWorks();
  });

  it('a second id cannot take a connected peer out of its call', async () => {
    const mallory = track(new PeerSocket(rawUrl(`key=peercall&id=mallory&token=${ticketFor('mallory')}&id=bob`), extensionOrigin));
    expect((await mallory.nextMessage()).type).toBe('ERROR');
    await withTimeout(mallory.closed, 'the socket to close');
    await callStillWorks();
  });

  it.each([
    ['a Redis key', 'pc:peer:x'],
    ['3,000 characters', 'x'.repeat(3_000)],
    ['a NUL', '\u0000'],
    ['__proto__', '__proto__'],
  ])('an ID of another shape (%s) is never registered through a second id', async (_name, odd) => {
    const mallory = track(new PeerSocket(rawUrl(`key=peercall&id=mallory&token=${ticketFor('mallory')}&id=${encodeURIComponent(odd)}`), extensionOrigin));
    expect((await mallory.nextMessage()).type).toBe('ERROR');
    await withTimeout(mallory.closed, 'the socket to close');
    expect(server.peerCount()).toBe(2);
    await callStillWorks();
  });

  it.each([
    ['a repeated token', (t: string) => `key=peercall&id=mallory&token=${t}&token=${t}`],
    ['a repeated key', (t: string) => `key=peercall&key=other&id=mallory&token=${t}`],
    ['an unknown parameter', (t: string) => `key=peercall&id=mallory&token=${t}&role=admin`],
  ])('refuses %s', async (_name, query) => {
    const mallory = track(new PeerSocket(rawUrl(query(ticketFor('mallory'))), extensionOrigin));
    expect(await mallory.nextMessage()).toEqual({ type: 'ERROR', payload: { msg: expect.stringContaining('bad-request') } });
    expect(server.peerCount()).toBe(2);
    await callStillWorks();
  });
});

describe('one socket per ID', () => {
  it('a second socket for a connected ID closes the first as replaced (4409), and only the newer one hears the call', async () => {
    const first = track(connectAs(server.port, 'carol'));
    expect(await first.nextMessage()).toEqual({ type: 'OPEN' });
    first.send({ type: 'ROOM-JOIN', payload: { room: testRoom } });
    expect((await first.nextMessage()).type).toBe('ROOM-MEMBERS');
    await alice.nextMessage();
    await bob.nextMessage();
    const second = track(connectAs(server.port, 'carol'));
    expect(await second.nextMessage()).toEqual({ type: 'OPEN' });
    expect(await first.nextMessage()).toEqual({ type: 'REPLACED', payload: { msg: expect.stringContaining('replaced') } });
    expect(await withTimeout(first.closed, 'the older socket to close')).toBe(4409);
    // The newer socket holds the ID and its place in the room.
    alice.send({ type: 'CANDIDATE', dst: 'carol', payload: { candidate: 'to-the-new-socket' } });
    expect(await second.nextMessage()).toMatchObject({ type: 'CANDIDATE', src: 'alice' });
    expect(server.peerCount()).toBe(3);
    await callStillWorks();
  });
});

describe('a copy of a connect URL', () => {
  it('replayed, as from a proxy access log, neither connects nor takes the ID, and the owner keeps hearing its call', async () => {
    const response = await fetch(`http://127.0.0.1:${server.port}/peerjs/session`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: extensionOrigin },
      body: JSON.stringify({ room: testRoom }),
      signal: AbortSignal.timeout(waitLimitMs),
    });
    const session = (await response.json()) as { peerId: string; ticket: string };
    const url = peerjsSocketUrl(server.port, '/peerjs', 'peercall', session.peerId, session.ticket);
    const owner = track(new PeerSocket(url, extensionOrigin));
    expect(await owner.nextMessage()).toEqual({ type: 'OPEN' });
    owner.send({ type: 'ROOM-JOIN', payload: { room: testRoom } });
    expect((await owner.nextMessage()).type).toBe('ROOM-MEMBERS');
    expect((await alice.nextMessage()).type).toBe('ROOM-PEER-JOINED');
    expect((await bob.nextMessage()).type).toBe('ROOM-PEER-JOINED');

    const replay = track(new PeerSocket(url, extensionOrigin));
    const refusal = (await replay.nextMessage()) as { type: string; payload: { msg: string } };
    expect(refusal).toEqual({ type: 'ERROR', payload: { msg: expect.stringContaining('ticket-used') } });
    // The client reads this refusal as "buy a fresh ticket", not as the end of its session.
    expect(refusedOnlyTheTicket(refusal.payload.msg)).toBe(true);
    expect(await withTimeout(replay.closed, 'the replayed socket to close')).toBe(1008);
    alice.send({ type: 'CANDIDATE', dst: session.peerId, payload: { candidate: 'for-the-owner' } });
    expect(await owner.nextMessage()).toMatchObject({ type: 'CANDIDATE', src: 'alice', payload: { candidate: 'for-the-owner' } });
    await callStillWorks();
  });
});
