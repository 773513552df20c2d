// @vitest-environment node
/**
 * Property-based fuzzing, bounded in runs and time: the frame parser, the upgrade
 * query gate and the room messages never throw and always reach a verdict; through a
 * real server, every frame gets an answer (or is one the protocol leaves silent), and
 * nothing a fuzzed client did is left behind once it is gone.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPeerId, parseClientFrame } from '../../signaling/client-frames.js';
import { canonicalUrl, parseConnectQuery } from '../../signaling/connect-query.js';
import { parseRoomRequest } from '../../signaling/room-messages.js';
import { startSignalingServer, type RunningSignalingServer } from '../../signaling/server.js';
import { connectAs, extensionOrigin, PeerSocket, type ServerMessage, testConfig, testRoom, ticketFor } from './peer-socket.js';

const otherRoom = 'q7m2-k9dx-0a4e-zz81-h6pc-3rtw-b5nf';
const dropReasons = ['malformed', 'frame-too-large', 'unknown-type', 'binary'];
const maxFrameBytes = 4_096;

/** Frames a hostile client might send: junk, near-misses of every real shape, and real ones. */
const anyFrame: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.json({ maxDepth: 3 }),
  fc
    .record(
      {
        type: fc.oneof(
          fc.constantFrom('OFFER', 'ANSWER', 'CANDIDATE', 'LEAVE', 'HEARTBEAT', 'ROOM-CREATE', 'ROOM-JOIN', 'ROOM-LEAVE', 'ROOM-LIST', 'EXPIRE', 'OPEN', '__proto__'),
          fc.string({ maxLength: 12 }),
          fc.integer(),
        ),
        dst: fc.oneof(fc.constantFrom('alice', 'mallory', 'nobody', '', '__proto__', 'x'.repeat(65)), fc.string({ maxLength: 70 }), fc.integer()),
        payload: fc.oneof(
          fc.constantFrom({ room: testRoom }, { room: otherRoom }, { sdp: 'v=0' }, { candidate: 'c' }, null, 'text', []),
          fc.object({ maxDepth: 2 }),
          fc.string({ maxLength: 5_000 }),
        ),
      },
      { requiredKeys: ['type'] },
    )
    .map((message) => JSON.stringify(message)),
);

/** Near-misses of the door's requests: policies, handles and names of every kind. */
const doorFrame: fc.Arbitrary<unknown> = fc.record(
  {
    type: fc.constantFrom('ROOM-POLICY', 'ROOM-ADMIT', 'ROOM-DENY', 'ROOM-JOIN', 'ROOM-CREATE'),
    payload: fc.record(
      {
        room: fc.constantFrom(testRoom, otherRoom, 'x'),
        policy: fc.oneof(fc.constantFrom('open', 'ask', 'locked', 'OPEN', ''), fc.anything()),
        request: fc.oneof(fc.constantFrom('AAAAAAAAAAAAAAAA', 'short', '<script>abcdefgh'), fc.string({ minLength: 16, maxLength: 16 }), fc.anything()),
        name: fc.oneof(fc.string({ maxLength: 80 }), fc.constantFrom('Ann', ' Ann  Lee ', 'a\u202eb', 'a\u0000b', '\ud800'), fc.anything()),
      },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: ['type'] },
);

function parsedOrNull(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

describe('the parsers, fed anything', () => {
  it('parseClientFrame never throws and always reaches a verdict within its limits', () => {
    fc.assert(
      fc.property(fc.oneof(anyFrame, fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes).toString('latin1'))), fc.boolean(), (text, isBinary) => {
        const frame = parseClientFrame(Buffer.from(text), isBinary, maxFrameBytes);
        expect(['heartbeat', 'room', 'relay', 'refused']).toContain(frame.kind);
        if (frame.kind === 'refused') expect(dropReasons).toContain(frame.reason);
        if (frame.kind === 'relay') expect(isPeerId(frame.dst)).toBe(true);
        if (isBinary) expect(frame).toMatchObject({ kind: 'refused', reason: 'binary' });
      }),
      { numRuns: 3_000 },
    );
  });

  it('parseRoomRequest never throws, and admits only the room shapes', () => {
    fc.assert(
      fc.property(fc.oneof(fc.anything(), anyFrame.map(parsedOrNull), doorFrame), (message) => {
        const request = parseRoomRequest(message);
        if (request === null || request.type === 'invalid' || request.type === 'ROOM-LEAVE') return;
        if (request.type === 'ROOM-POLICY') {
          expect(['open', 'ask', 'locked']).toContain(request.policy);
          return;
        }
        if (!('room' in request)) {
          expect(request.request).toMatch(/^[A-Za-z0-9_-]{16}$/);
          return;
        }
        expect(request.room).toMatch(/^[0-9a-z]{4}(-[0-9a-z]{4}){6}$/);
        if (request.type === 'ROOM-JOIN' && request.name !== undefined) {
          expect([...request.name].length).toBeLessThanOrEqual(64);
          expect(request.name).not.toMatch(/[\p{Cc}\p{Cf}\p{Cs}]|^\s|\s$/u);
        }
      }),
      { numRuns: 3_000 },
    );
  });

  it('the upgrade query gate hands PeerServer exactly the checked ID and key, and nothing else', () => {
    const name = fc.oneof(fc.constantFrom('key', 'id', 'token', 'version'), fc.string({ maxLength: 8 }));
    const value = fc.oneof(fc.constantFrom('peercall', 'alice', 'pc:peer:x', '\u0000', '__proto__', 'x'.repeat(3_000), 't1.1.a.b.c'), fc.string({ maxLength: 80 }));
    fc.assert(
      fc.property(fc.array(fc.tuple(name, value), { maxLength: 8 }), (pairs) => {
        const search = new URLSearchParams(pairs).toString();
        const check = parseConnectQuery(search);
        if (!check.ok) return;
        const names = pairs.map(([n]) => n);
        expect(new Set(names).size).toBe(names.length);
        expect(isPeerId(check.query.id)).toBe(true);
        // Read back exactly as PeerServer 1.0.2 reads its upgrade URL.
        const url = canonicalUrl('/peerjs/peerjs', check.query, 'owner-key');
        const seen = Object.fromEntries(new URL(url, 'https://peerjs').searchParams.entries());
        expect(seen).toEqual({ key: check.query.key, id: check.query.id, token: 'owner-key' });
      }),
      { numRuns: 3_000 },
    );
  });
});

describe('a real server, fed fuzzed frames', () => {
  let server: RunningSignalingServer;
  let alice: PeerSocket;

  beforeAll(async () => {
    server = await startSignalingServer(testConfig({ PEERCALL_MAX_FRAME_BYTES: String(maxFrameBytes), PEERCALL_MESSAGES_PER_SECOND: '100000', PEERCALL_MESSAGE_BURST: '100000' }));
    alice = connectAs(server.port, 'alice');
    expect(await alice.nextMessage()).toEqual({ type: 'OPEN' });
    alice.send({ type: 'ROOM-CREATE', payload: { room: testRoom } });
    expect((await alice.nextMessage()).type).toBe('ROOM-MEMBERS');
  });

  afterAll(async () => {
    alice.close();
    await server.close();
  });

  const roomError = (message: ServerMessage | undefined, code: string) => message?.type === 'ROOM-ERROR' && (message.payload as { code?: string }).code === code;

  /**
   * Everything `socket` receives until the answers to two probes sent through its own
   * lane, which come after all it was owed: not-allowed, then bad-request. One fuzzed
   * frame gets at most one room answer, so that pair can only be the probes'.
   */
  async function drain(socket: PeerSocket): Promise<ServerMessage[]> {
    socket.send({ type: 'ROOM-JOIN', payload: { room: otherRoom } });
    socket.send({ type: 'ROOM-PROBE' });
    const seen: ServerMessage[] = [];
    for (;;) {
      seen.push(await socket.nextMessage());
      if (roomError(seen.at(-2), 'not-allowed') && roomError(seen.at(-1), 'bad-request')) return seen.slice(0, -2);
    }
  }

  it('answers every frame or delivers it, except those the protocol leaves silent, and leaves nothing behind', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(anyFrame, fc.constant('binary')), { minLength: 1, maxLength: 10 }), async (frames) => {
        const id = `mallory${run++}`;
        const mallory = new PeerSocket(`ws://127.0.0.1:${server.port}/peerjs/peerjs?key=peercall&id=${id}&token=${ticketFor(id)}`, extensionOrigin);
        try {
          expect(await mallory.nextMessage()).toEqual({ type: 'OPEN' });
          for (const text of frames) {
            const isBinary = text === 'binary';
            if (isBinary) mallory.ws.send(Buffer.from([0xff, 0]));
            else mallory.send(text);
            const verdict = parseClientFrame(Buffer.from(isBinary ? [0xff, 0] : Buffer.from(text)), isBinary, maxFrameBytes);
            const silent =
              verdict.kind === 'heartbeat' ||
              (verdict.kind === 'room' && verdict.request.type === 'ROOM-LEAVE') ||
              (verdict.kind === 'relay' && verdict.type === 'LEAVE');
            const answers = [...(await drain(mallory)), ...(await drain(alice)).filter((m) => m.src === id || m.type.startsWith('ROOM-PEER'))];
            if (!silent) expect(answers.length, `no answer to ${text.slice(0, 120)}`).toBeGreaterThan(0);
          }
        } finally {
          mallory.close();
        }
        await expect.poll(() => server.peerCount(), { timeout: 3_000 }).toBe(1);
        expect(await server.roomCount()).toBe(1);
        const metrics = await server.metrics.render();
        expect(metrics).toContain('peercall_messages_queued 0');
        expect(metrics).toContain('peercall_frame_bytes_waiting 0');
        // Alice heard mallory leave if it had joined her; nothing else is waiting for her.
        for (const message of await drain(alice)) expect(message).toMatchObject({ type: 'ROOM-PEER-LEFT', payload: { peer: id } });
      }),
      { numRuns: 40, interruptAfterTimeLimit: 30_000 },
    );
  }, 45_000);
});

describe('a real server, fed fuzzed upgrade queries', () => {
  let server: RunningSignalingServer;

  beforeAll(async () => {
    server = await startSignalingServer(testConfig({ PEERCALL_MAX_CONNECTIONS_PER_IP: '1000' }));
  });

  afterAll(async () => {
    await server.close();
  });

  it('registers a socket only under the ID its ticket names, answers every other query, and keeps none of them', async () => {
    let run = 0;
    const extra = fc.array(fc.tuple(fc.oneof(fc.constantFrom('id', 'key', 'token', 'version'), fc.string({ maxLength: 6 })), fc.string({ maxLength: 40 })), { maxLength: 3 });
    await fc.assert(
      fc.asyncProperty(extra, fc.boolean(), async (additions, withTicket) => {
        const id = `guest${run++}`;
        const params = new URLSearchParams({ key: 'peercall', id, ...(withTicket ? { token: ticketFor(id) } : {}) });
        for (const [name, value] of additions) params.append(name, value);
        const socket = new PeerSocket(`ws://127.0.0.1:${server.port}/peerjs/peerjs?${params}`, extensionOrigin);
        try {
          const first = await socket.nextMessage();
          const admitted = withTicket && additions.every(([name, value]) => name === 'version' && /^[0-9A-Za-z.+-]{1,32}$/.test(value)) && additions.length <= 1;
          expect(first.type).toBe(admitted ? 'OPEN' : 'ERROR');
          if (admitted) expect(server.peerCount()).toBe(1);
        } finally {
          socket.close();
        }
        await expect.poll(() => server.peerCount(), { timeout: 3_000 }).toBe(0);
      }),
      { numRuns: 40, interruptAfterTimeLimit: 20_000 },
    );
  }, 30_000);
});
