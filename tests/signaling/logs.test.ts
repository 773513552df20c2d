// @vitest-environment node
/**
 * What an attack leaves in the log: a line for each class of refusal once per socket,
 * a few a second per class however many sockets refuse, and never a secret (a room's
 * pass included).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChildNode, startChildNode } from '../support/signaling-node.js';
import { connectAs, extensionOrigin, PeerSocket, peerjsSocketUrl, testRoom, testSecret, ticketFor, tokenFor, withTimeout } from './peer-socket.js';

let node: ChildNode;

function refusedLines(reason: string): { reason: string; where: string; suppressedBefore?: number }[] {
  return node
    .stderr()
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { event: string; reason: string; where: string })
    .filter((line) => line.event === 'refused' && line.reason === reason);
}

async function until(check: () => boolean, label: string): Promise<void> {
  await withTimeout(
    (async () => {
      while (!check()) await new Promise((resolve) => setTimeout(resolve, 20));
    })(),
    label,
    5_000,
  );
}

beforeAll(async () => {
  node = await startChildNode({ PEERCALL_TOKEN_SECRET: testSecret });
}, 30_000);

afterAll(async () => {
  await node?.stop();
});

describe('the log under attack', () => {
  it('has one line per class of refusal for a socket that refuses thousands, with no secrets', async () => {
    const ticket = ticketFor('noisy');
    const noisy = new PeerSocket(peerjsSocketUrl(node.port, '/peerjs', 'peercall', 'noisy', ticket), extensionOrigin);
    expect(await noisy.nextMessage()).toEqual({ type: 'OPEN' });
    noisy.send({ type: 'ROOM-CREATE', payload: { room: testRoom } });
    const entered = await noisy.nextMessage();
    expect(entered.type).toBe('ROOM-MEMBERS');
    const { pass } = entered.payload as { pass: string };
    noisy.send({ type: 'ROOM-JOIN', payload: { room: testRoom, pass } });
    expect((await noisy.nextMessage()).type).toBe('ROOM-MEMBERS');
    for (let i = 0; i < 100; i++) noisy.send('not json');
    for (let i = 0; i < 100; i++) noisy.send({ type: 'OFFER', dst: `stranger${i}`, payload: { sdp: 'v=0 secret-sdp' } });
    for (let i = 0; i < 1_000; i++) noisy.send({ type: 'HEARTBEAT' });
    await until(() => refusedLines('rate-limited').length > 0 && refusedLines('not-in-room').length > 0, 'the refusals to be logged');
    await withTimeout(noisy.closed, 'the flooder to be closed');
    expect(refusedLines('malformed')).toHaveLength(1);
    expect(refusedLines('not-in-room')).toHaveLength(1);
    expect(refusedLines('rate-limited')).toHaveLength(1);
    expect(refusedLines('flooding')).toHaveLength(1);

    const forged = connectAs(node.port, 'forger', { token: tokenFor('forger') });
    await withTimeout(forged.closed, 'the forged ticket to be refused');
    expect(refusedLines('ticket-malformed')).toHaveLength(1);
    for (const secret of [ticket, ticket.split('.')[4]!, pass, pass.split('.')[2]!, tokenFor('forger').split('.')[3]!, testRoom, 'secret-sdp', testSecret]) expect(node.stderr()).not.toContain(secret);
  }, 15_000);

  it('writes a few lines a second per class, however many sockets refuse, and counts the rest', async () => {
    const before = refusedLines('binary').length;
    const sockets = Array.from({ length: 40 }, (_, i) => connectAs(node.port, `binary${i}`, { localAddress: `127.0.1.${i + 1}` }));
    try {
      for (const socket of sockets) expect(await socket.nextMessage()).toEqual({ type: 'OPEN' });
      for (const socket of sockets) socket.ws.send(Buffer.from([1, 2, 3]));
      for (const socket of sockets) expect((await socket.nextMessage()).type).toBe('ERROR');
      const lines = refusedLines('binary').slice(before);
      expect(lines.length).toBeGreaterThanOrEqual(1);
      expect(lines.length).toBeLessThanOrEqual(12);
      // After a second, the next line says how many it held back.
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      sockets[0]!.ws.send(Buffer.from([1]));
      const late = connectAs(node.port, 'binary-late', { localAddress: '127.0.2.1' });
      sockets.push(late);
      expect(await late.nextMessage()).toEqual({ type: 'OPEN' });
      late.ws.send(Buffer.from([1]));
      await until(() => refusedLines('binary').slice(before).some((line) => (line.suppressedBefore ?? 0) > 0), 'a line counting what was held back');
    } finally {
      for (const socket of sockets) socket.close();
    }
  }, 15_000);
});
