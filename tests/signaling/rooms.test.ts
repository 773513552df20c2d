// @vitest-environment node
/** Rooms through the real server and real WebSockets, as PeerJS clients would use them. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../signaling/config.js';
import { startSignalingServer, type RunningSignalingServer } from '../../signaling/server.js';
import { PeerSocket, peerjsSocketUrl, withTimeout } from './peer-socket.js';

const room = 'k3f9-x2ab-7mqz-0h1c-wv8e-5rt4-nd6p';
let server: RunningSignalingServer;
const sockets: PeerSocket[] = [];

async function peer(id: string): Promise<PeerSocket> {
  const socket = new PeerSocket(peerjsSocketUrl(server.port, '/peerjs', 'peercall', id), 'chrome-extension://abc');
  sockets.push(socket);
  expect(await socket.nextMessage()).toEqual({ type: 'OPEN' });
  return socket;
}

beforeEach(async () => {
  server = await startSignalingServer(parseConfig({ PEERCALL_PORT: '0', PEERCALL_ROOM_CAPACITY: '3' }, []));
});

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.close();
  await withTimeout(server.close(), 'server.close()');
});

describe('rooms on the signaling server', () => {
  it('a joiner gets the members and the members hear of the joiner', async () => {
    const ann = await peer('ann');
    ann.send({ type: 'ROOM-CREATE', payload: { room } });
    expect(await ann.nextMessage()).toEqual({ type: 'ROOM-MEMBERS', payload: { room, members: [] } });
    const bob = await peer('bob');
    bob.send({ type: 'ROOM-JOIN', payload: { room } });
    expect(await bob.nextMessage()).toEqual({ type: 'ROOM-MEMBERS', payload: { room, members: ['ann'] } });
    expect(await ann.nextMessage()).toEqual({ type: 'ROOM-PEER-JOINED', payload: { room, peer: 'bob' } });
    expect(server.roomCount()).toBe(1);
  });

  it('refuses the joiner past capacity with room-full, and an unknown room with room-unknown', async () => {
    const members = await Promise.all(['ann', 'bob', 'cat'].map(peer));
    members[0]!.send({ type: 'ROOM-CREATE', payload: { room } });
    await members[0]!.nextMessage();
    for (const member of members.slice(1)) {
      member.send({ type: 'ROOM-JOIN', payload: { room } });
      expect((await member.nextMessage()).type).toBe('ROOM-MEMBERS');
    }
    const dan = await peer('dan');
    dan.send({ type: 'ROOM-JOIN', payload: { room } });
    expect(await dan.nextMessage()).toEqual({ type: 'ROOM-ERROR', payload: { code: 'room-full' } });
    dan.send({ type: 'ROOM-JOIN', payload: { room: 'a1b2-c3d4-e5f6-g7h8-j9k0-m1n2-p3q4' } });
    expect(await dan.nextMessage()).toEqual({ type: 'ROOM-ERROR', payload: { code: 'room-unknown' } });
  });

  it('a member whose socket closes leaves the room, which survives its creator', async () => {
    const ann = await peer('ann');
    ann.send({ type: 'ROOM-CREATE', payload: { room } });
    await ann.nextMessage();
    const bob = await peer('bob');
    bob.send({ type: 'ROOM-JOIN', payload: { room } });
    await bob.nextMessage();
    await ann.nextMessage();
    ann.close();
    expect(await bob.nextMessage()).toEqual({ type: 'ROOM-PEER-LEFT', payload: { room, peer: 'ann' } });
    const cat = await peer('cat');
    cat.send({ type: 'ROOM-JOIN', payload: { room } });
    expect(await cat.nextMessage()).toEqual({ type: 'ROOM-MEMBERS', payload: { room, members: ['bob'] } });
  });

  it('answers malformed room requests with bad-request and keeps serving the room', async () => {
    const ann = await peer('ann');
    for (const junk of [{ type: 'ROOM-JOIN' }, { type: 'ROOM-JOIN', payload: { room: '../x' } }, { type: 'ROOM-LIST' }]) {
      ann.send(junk);
      expect(await ann.nextMessage()).toEqual({ type: 'ROOM-ERROR', payload: { code: 'bad-request' } });
    }
    ann.send({ type: 'ROOM-CREATE', payload: { room } });
    expect(await ann.nextMessage()).toEqual({ type: 'ROOM-MEMBERS', payload: { room, members: [] } });
  });
});
