// @vitest-environment node
/**
 * What lets a call survive the network and the server: a ping the server answers at once
 * (so a client can tell a dead socket from a quiet one), ICE restarts relayed between
 * room-mates only, and a token secret that outlives a restart when nobody set one.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../signaling/config.js';
import { replacedCloseCode } from '../../signaling/local-peers.js';
import { startSignalingServer, type RunningSignalingServer } from '../../signaling/server.js';
import { connectAs, PeerSocket, peerjsSocketUrl, testConfig, testRoom as room, withTimeout, extensionOrigin } from './peer-socket.js';

const servers: RunningSignalingServer[] = [];
const sockets: PeerSocket[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.close();
  for (const server of servers.splice(0)) await withTimeout(server.close(), 'server.close()');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function serve(env: Record<string, string> = {}, useTestSecret = true): Promise<RunningSignalingServer> {
  const server = await startSignalingServer(useTestSecret ? testConfig(env) : parseConfig({ PEERCALL_PORT: '0', ...env }, []));
  servers.push(server);
  return server;
}

async function member(server: RunningSignalingServer, id: string, create = false, tokenRoom = room): Promise<PeerSocket> {
  const socket = connectAs(server.port, id, { room: tokenRoom });
  sockets.push(socket);
  expect(await socket.nextMessage()).toEqual({ type: 'OPEN' });
  socket.send({ type: create ? 'ROOM-CREATE' : 'ROOM-JOIN', payload: { room: tokenRoom } });
  expect((await socket.nextMessage()).type).toBe('ROOM-MEMBERS');
  return socket;
}

describe('telling a dead socket from a quiet one', () => {
  it('a PING is answered with a PONG at once', async () => {
    const server = await serve();
    const ann = connectAs(server.port, 'ann');
    sockets.push(ann);
    expect(await ann.nextMessage()).toEqual({ type: 'OPEN' });
    ann.send({ type: 'PING' });
    expect(await ann.nextMessage()).toEqual({ type: 'PONG' });
  });
});

describe('coming back on a new socket', () => {
  it('a client reconnecting under its ID gets OPEN on the new socket, and the old one is told and closed, keeping its room', async () => {
    const server = await serve();
    const ann = await member(server, 'ann', true);
    const bob = await member(server, 'bob');
    expect(await ann.nextMessage()).toMatchObject({ type: 'ROOM-PEER-JOINED' });
    // Bob's old socket never closed (his network changed under it); he connects again.
    const again = connectAs(server.port, 'bob');
    sockets.push(again);
    expect(await again.nextMessage()).toEqual({ type: 'OPEN' });
    expect(await bob.nextMessage()).toMatchObject({ type: 'REPLACED' });
    expect(await withTimeout(bob.closed, 'the old socket to close')).toBe(replacedCloseCode);
    // Still in the room, and reachable on the new socket, without having to join again.
    ann.send({ type: 'RESTART', dst: 'bob', payload: { connectionId: 'mc_x', description: { type: 'offer', sdp: 'v=0' } } });
    expect(await again.nextMessage()).toMatchObject({ type: 'RESTART', src: 'ann' });
  });
});

describe('ICE restarts', () => {
  it('a RESTART reaches a room-mate, and is refused towards anyone outside the room', async () => {
    const server = await serve();
    const ann = await member(server, 'ann', true);
    const bob = await member(server, 'bob');
    expect(await ann.nextMessage()).toMatchObject({ type: 'ROOM-PEER-JOINED' });
    const payload = { connectionId: 'mc_abc', description: { type: 'offer', sdp: 'v=0' } };
    ann.send({ type: 'RESTART', dst: 'bob', payload });
    expect(await bob.nextMessage()).toEqual({ type: 'RESTART', src: 'ann', dst: 'bob', payload });

    const elsewhere = 'a1b2-c3d4-e5f6-g7h8-j9k0-m1n2-p3q4';
    await member(server, 'eve', true, elsewhere);
    ann.send({ type: 'RESTART', dst: 'eve', payload });
    expect(await ann.nextMessage()).toEqual({ type: 'EXPIRE', src: 'eve', dst: 'ann' });
    ann.send({ type: 'RESTART', dst: 'bob', payload: 'not an object' });
    expect(await ann.nextMessage()).toMatchObject({ type: 'ERROR' });
  });
});

describe('a restart without PEERCALL_TOKEN_SECRET', () => {
  it('keeps the tokens it issued valid: the secret is made once, kept in a file only the server may read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'peercall-secret-'));
    dirs.push(dir);
    const secretFile = join(dir, 'state', 'token-secret');
    const first = await serve({ PEERCALL_SECRET_FILE: secretFile }, false);
    const response = await fetch(`${first.url}/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: extensionOrigin },
      body: JSON.stringify({ room }),
    });
    const session = (await response.json()) as { peerId: string; token: string };
    expect(statSync(secretFile).mode & 0o777).toBe(0o600);
    const secret = readFileSync(secretFile, 'utf8');
    await withTimeout(first.close(), 'first close');
    servers.splice(servers.indexOf(first), 1);

    const second = await serve({ PEERCALL_SECRET_FILE: secretFile, PEERCALL_PORT: String(first.port) }, false);
    expect(readFileSync(secretFile, 'utf8')).toBe(secret);
    // The token from before the restart still buys a connect ticket, as a reconnecting client asks for one.
    const answer = await fetch(`${second.url}/ticket`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: extensionOrigin },
      body: JSON.stringify({ peerId: session.peerId, token: session.token }),
    });
    expect(answer.status).toBe(200);
    const { ticket } = (await answer.json()) as { ticket: string };
    const socket = new PeerSocket(peerjsSocketUrl(second.port, '/peerjs', 'peercall', session.peerId, ticket), extensionOrigin);
    sockets.push(socket);
    expect(await socket.nextMessage()).toEqual({ type: 'OPEN' });
  });

  it('refuses to start on a secret file holding something else, without echoing it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'peercall-secret-'));
    dirs.push(dir);
    const secretFile = join(dir, 'token-secret');
    writeFileSync(secretFile, 'hunter2');
    await expect(serve({ PEERCALL_SECRET_FILE: secretFile }, false)).rejects.toThrow(/does not hold a token secret/);
    await expect(serve({ PEERCALL_SECRET_FILE: secretFile }, false)).rejects.not.toThrow(/hunter2/);
  });
});
