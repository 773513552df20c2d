// @vitest-environment node
/**
 * What one hostile client can make the server hold or do: floods that dodge the old
 * rule, readers that stop reading. Each test keeps an honest call running beside it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startSignalingServer, type RunningSignalingServer } from '../../signaling/server.js';
import { connectAs, PeerSocket, testConfig, testRoom, withTimeout } from './peer-socket.js';

let server: RunningSignalingServer;
const sockets: PeerSocket[] = [];
let alice: PeerSocket;
let bob: PeerSocket;

async function inRoom(id: string, verb: 'ROOM-CREATE' | 'ROOM-JOIN'): Promise<PeerSocket> {
  const socket = connectAs(server.port, id);
  sockets.push(socket);
  expect(await socket.nextMessage()).toEqual({ type: 'OPEN' });
  socket.send({ type: verb, payload: { room: testRoom } });
  expect((await socket.nextMessage()).type).toBe('ROOM-MEMBERS');
  return socket;
}

async function startWithCall(env: Record<string, string>): Promise<void> {
  server = await startSignalingServer(testConfig(env));
  alice = await inRoom('alice', 'ROOM-CREATE');
  bob = await inRoom('bob', 'ROOM-JOIN');
  expect((await alice.nextMessage()).type).toBe('ROOM-PEER-JOINED');
}

async function callStillWorks(): Promise<void> {
  alice.send({ type: 'CANDIDATE', dst: 'bob', payload: { candidate: 'still-here' } });
  expect(await bob.nextMessage()).toMatchObject({ type: 'CANDIDATE', src: 'alice' });
}

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.close();
  await withTimeout(server.close(), 'server.close()');
});

describe('a steady flood', () => {
  it('at seven times the rate, letting a frame through now and then, is still disconnected', async () => {
    await startWithCall({ PEERCALL_MESSAGES_PER_SECOND: '20', PEERCALL_MESSAGE_BURST: '20' });
    const mallory = connectAs(server.port, 'mallory');
    sockets.push(mallory);
    expect(await mallory.nextMessage()).toEqual({ type: 'OPEN' });
    // 140 frames a second, 7 every 50 ms, for at most 10 s.
    const pump = setInterval(() => {
      for (let i = 0; i < 7; i++) if (mallory.ws.readyState === mallory.ws.OPEN) mallory.send({ type: 'HEARTBEAT' });
    }, 50);
    try {
      expect(await withTimeout(mallory.closed, 'the steady flooder to be closed', 10_000)).toBe(1008);
    } finally {
      clearInterval(pump);
    }
    await callStillWorks();
  }, 15_000);
});
