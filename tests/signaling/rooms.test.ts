// @vitest-environment node
/** Rooms through the real server and real WebSockets, as PeerJS clients would use them. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSignalingServer, type RunningSignalingServer } from '../../signaling/server.js';
import { membersOf } from './expected-messages.js';
import { connectAs, PeerSocket, testConfig, testRoom as room, withTimeout } from './peer-socket.js';

let server: RunningSignalingServer;
const sockets: PeerSocket[] = [];

async function peer(id: string, tokenRoom = room): Promise<PeerSocket> {
  const socket = connectAs(server.port, id, { room: tokenRoom });
  sockets.push(socket);
  expect(await socket.nextMessage()).toEqual({ type: 'OPEN' });
  return socket;
}

beforeEach(async () => {
  server = await startSignalingServer(testConfig({ PEERCALL_ROOM_CAPACITY: '3' }));
});

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.close();
  await withTimeout(server.close(), 'server.close()');
});

describe('rooms on the signaling server', () => {
  it('a joiner gets the members and the members hear of the joiner', async () => {
    const ann = await peer('ann');
    ann.send({ type: 'ROOM-CREATE', payload: { room } });
    expect(await ann.nextMessage()).toEqual(membersOf(room, []));
    const bob = await peer('bob');
    bob.send({ type: 'ROOM-JOIN', payload: { room } });
    expect(await bob.nextMessage()).toEqual(membersOf(room, ['ann']));
    expect(await ann.nextMessage()).toEqual({ type: 'ROOM-PEER-JOINED', payload: { room, peer: 'bob' } });
    expect(await server.roomCount()).toBe(1);
  });

  it('refuses the joiner past capacity with room-full, and an unknown room with room-unknown', async () => {
    const members = await Promise.all(['ann', 'bob', 'cat'].map((id) => peer(id)));
    members[0]!.send({ type: 'ROOM-CREATE', payload: { room } });
    await members[0]!.nextMessage();
    for (const member of members.slice(1)) {
      member.send({ type: 'ROOM-JOIN', payload: { room } });
      expect((await member.nextMessage()).type).toBe('ROOM-MEMBERS');
    }
    const dan = await peer('dan');
    dan.send({ type: 'ROOM-JOIN', payload: { room } });
    expect(await dan.nextMessage()).toEqual({ type: 'ROOM-ERROR', payload: { code: 'room-full' } });
    const elsewhere = 'a1b2-c3d4-e5f6-g7h8-j9k0-m1n2-p3q4';
    const eve = await peer('eve', elsewhere);
    eve.send({ type: 'ROOM-JOIN', payload: { room: elsewhere } });
    expect(await eve.nextMessage()).toEqual({ type: 'ROOM-ERROR', payload: { code: 'room-unknown' } });
  });

  it('a token issued for one room does not open or enter another', async () => {
    const ann = await peer('ann');
    ann.send({ type: 'ROOM-CREATE', payload: { room } });
    await ann.nextMessage();
    const eve = await peer('eve', 'a1b2-c3d4-e5f6-g7h8-j9k0-m1n2-p3q4');
    eve.send({ type: 'ROOM-JOIN', payload: { room } });
    expect(await eve.nextMessage()).toEqual({ type: 'ROOM-ERROR', payload: { code: 'not-allowed' } });
    eve.send({ type: 'ROOM-CREATE', payload: { room: 'q7m2-k9dx-0a4e-zz81-h6pc-3rtw-b5nf' } });
    expect(await eve.nextMessage()).toEqual({ type: 'ROOM-ERROR', payload: { code: 'not-allowed' } });
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
    expect(await cat.nextMessage()).toEqual(membersOf(room, ['bob']));
  });

  it('answers malformed room requests with bad-request and keeps serving the room', async () => {
    const ann = await peer('ann');
    for (const junk of [{ type: 'ROOM-JOIN' }, { type: 'ROOM-JOIN', payload: { room: '../x' } }, { type: 'ROOM-LIST' }]) {
      ann.send(junk);
      expect(await ann.nextMessage()).toEqual({ type: 'ROOM-ERROR', payload: { code: 'bad-request' } });
    }
    ann.send({ type: 'ROOM-CREATE', payload: { room } });
    expect(await ann.nextMessage()).toEqual(membersOf(room, []));
  });
});
