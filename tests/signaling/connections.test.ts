// @vitest-environment node
/**
 * Plain TCP against the server: connections that never become requests, requests
 * that never finish. Each is capped or cut off, logged, and other clients are served.
 */
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChildNode, startChildNode } from '../support/signaling-node.js';
import { connectAs, httpFrom, PeerSocket, testSecret, withTimeout } from './peer-socket.js';

let node: ChildNode;
const open: Socket[] = [];

function tcp(localAddress = '127.0.0.1'): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port: node.port, host: '127.0.0.1', localAddress }, () => resolve(socket));
    socket.on('error', reject);
    open.push(socket);
  });
}

/** What the server writes before it closes the socket, or the reason it never does within `ms`. */
function untilClosed(socket: Socket, ms: number): Promise<string> {
  return withTimeout(
    new Promise((resolve) => {
      let text = '';
      socket.on('data', (chunk: Buffer) => (text += String(chunk)));
      socket.once('close', () => resolve(text));
    }),
    'the server to close the connection',
    ms,
  );
}

beforeAll(async () => {
  node = await startChildNode({
    PEERCALL_TOKEN_SECRET: testSecret,
    PEERCALL_MAX_CONNECTIONS_PER_IP: '5',
    PEERCALL_HEADERS_TIMEOUT_MS: '1000',
    PEERCALL_REQUEST_TIMEOUT_MS: '2000',
  });
}, 30_000);

afterAll(async () => {
  for (const socket of open) socket.destroy();
  await node?.stop();
});

describe('plain TCP connections', () => {
  it('from one address stop at its cap, with an answer and a log line, while another address is served', async () => {
    const idle = await Promise.all(Array.from({ length: 5 }, () => tcp()));
    const extra = await tcp();
    expect(await untilClosed(extra, 3_000)).toMatch(/^HTTP\/1\.1 429/);
    expect((await httpFrom('127.0.0.2', node.port, '/health')).status).toBe(200);
    const other = connectAs(node.port, 'from-elsewhere', { localAddress: '127.0.0.2' });
    expect(await other.nextMessage()).toEqual({ type: 'OPEN' });
    other.close();
    expect(node.stderr()).toMatch(/"event":"refused","reason":"per-ip-limit","where":"tcp"/);
    for (const socket of idle) socket.destroy();
  });

  it('that never send a request are closed after the header timeout', async () => {
    const silent = await tcp('127.0.0.3');
    const startedMs = Date.now();
    await untilClosed(silent, 5_000);
    expect(Date.now() - startedMs).toBeLessThan(4_000);
  }, 10_000);

  it('that send a body slowly are cut off after the request timeout, not held for minutes', async () => {
    const slow = await tcp('127.0.0.4');
    slow.write('POST /peerjs/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"ro');
    const startedMs = Date.now();
    const answer = await untilClosed(slow, 6_000);
    expect(Date.now() - startedMs).toBeLessThan(5_000);
    expect(answer === '' || answer.startsWith('HTTP/1.1 408')).toBe(true);
  }, 10_000);
});

describe('a socket from a capped address', () => {
  // Held before this issue too; kept so the TCP cap does not undo it.
  it('does not stop the calls of others', async () => {
    const sockets: PeerSocket[] = [];
    try {
      for (let i = 0; i < 5; i++) sockets.push(connectAs(node.port, `crowd-${i}`, { localAddress: '127.0.0.5' }));
      for (const socket of sockets) expect(await socket.nextMessage()).toEqual({ type: 'OPEN' });
      const sixth = connectAs(node.port, 'crowd-6', { localAddress: '127.0.0.5' });
      sockets.push(sixth);
      await expect(sixth.opened()).rejects.toThrow(/429/);
      const elsewhere = connectAs(node.port, 'not-the-crowd', { localAddress: '127.0.0.6' });
      sockets.push(elsewhere);
      expect(await elsewhere.nextMessage()).toEqual({ type: 'OPEN' });
    } finally {
      for (const socket of sockets) socket.close();
    }
  });
});
