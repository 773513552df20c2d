// @vitest-environment node
/**
 * What one hostile client can make the server hold or do: floods that dodge the old
 * rule, readers that stop reading. Each test keeps an honest call running beside it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startSignalingServer, type RunningSignalingServer } from '../../signaling/server.js';
import { startChildNode } from '../support/signaling-node.js';
import { connectAs, extensionOrigin, PeerSocket, testConfig, testRoom, testSecret, ticketFor, waitLimitMs, withTimeout } from './peer-socket.js';
import { rawPeer } from './raw-peer.js';

let server: RunningSignalingServer | undefined;
const sockets: PeerSocket[] = [];
let alice: PeerSocket;
let bob: PeerSocket;

async function inRoom(id: string, verb: 'ROOM-CREATE' | 'ROOM-JOIN', port = server!.port): Promise<PeerSocket> {
  const socket = connectAs(port, id);
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
  if (server) await withTimeout(server.close(), 'server.close()');
  server = undefined;
});

describe('a steady flood', () => {
  it('at seven times the rate, letting a frame through now and then, is still disconnected', async () => {
    await startWithCall({ PEERCALL_MESSAGES_PER_SECOND: '20', PEERCALL_MESSAGE_BURST: '20' });
    const mallory = connectAs(server!.port, 'mallory');
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

describe('a reader that stops reading', () => {
  it('is dropped and counted once its socket holds too much, and the server\'s memory stays bounded', async () => {
    const node = await startChildNode({
      PEERCALL_TOKEN_SECRET: testSecret,
      PEERCALL_MESSAGES_PER_SECOND: '100000',
      PEERCALL_MESSAGE_BURST: '100000',
    });
    try {
      alice = await inRoom('alice', 'ROOM-CREATE', node.port);
      bob = await inRoom('bob', 'ROOM-JOIN', node.port);
      expect((await alice.nextMessage()).type).toBe('ROOM-PEER-JOINED');
      const idleMb = node.rssMb();
      const reader = await rawPeer(node.port, `/peerjs/peerjs?key=peercall&id=sloth&token=${ticketFor('sloth')}&version=1.5.5`, extensionOrigin);
      reader.send({ type: 'ROOM-JOIN', payload: { room: testRoom } });
      expect(await alice.nextMessage()).toMatchObject({ type: 'ROOM-PEER-JOINED', payload: { peer: 'sloth' } });
      expect((await bob.nextMessage()).type).toBe('ROOM-PEER-JOINED');
      reader.stopReading();

      // 200 MB for the reader, from both room-mates, as fast as the server takes it.
      const candidate = 'c'.repeat(60 * 1024);
      let peakMb = idleMb;
      let left: unknown = null;
      const sawLeave = (async () => {
        for (;;) {
          const message = await alice.nextMessage(20_000);
          if (message.type === 'ROOM-PEER-LEFT') return (left = message);
        }
      })();
      for (let round = 0; round < 1_700 && left === null; round++) {
        for (const sender of [alice, bob]) sender.send({ type: 'CANDIDATE', dst: 'sloth', payload: { candidate } });
        if (round % 50 === 0) {
          peakMb = Math.max(peakMb, node.rssMb());
          // Let the server read: the senders' own buffers are not what is measured.
          await new Promise((resolve) => setImmediate(resolve));
          while (alice.ws.bufferedAmount + bob.ws.bufferedAmount > 4 * 1024 * 1024) await new Promise((resolve) => setTimeout(resolve, 5));
        }
      }
      expect(await withTimeout(sawLeave, 'the slow reader to be dropped', 20_000)).toMatchObject({ type: 'ROOM-PEER-LEFT', payload: { peer: 'sloth' } });
      peakMb = Math.max(peakMb, node.rssMb());
      expect(peakMb - idleMb).toBeLessThan(60);
      const metrics = await (await fetch(`http://127.0.0.1:${node.port}/metrics`, { signal: AbortSignal.timeout(waitLimitMs) })).text();
      expect(metrics).toContain('peercall_slow_readers_dropped_total 1');
      reader.socket.destroy();
      // Past the EXPIREs for what was sent to the reader after it went, the call still relays.
      alice.send({ type: 'CANDIDATE', dst: 'bob', payload: { candidate: 'after-the-sloth' } });
      for (;;) {
        const message = await bob.nextMessage(10_000);
        if (message.type === 'CANDIDATE') return expect(message).toMatchObject({ src: 'alice', payload: { candidate: 'after-the-sloth' } });
        expect(message.type === 'EXPIRE' ? message.src : (message.payload as { peer?: string }).peer).toBe('sloth');
      }
    } finally {
      await node.stop();
    }
  }, 60_000);
});
