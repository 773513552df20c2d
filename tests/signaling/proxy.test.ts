// @vitest-environment node
/**
 * Behind a real reverse proxy (Caddy) every socket comes from the proxy. With the
 * proxy trusted, the server counts the clients behind it; without, a client cannot
 * pose as another by sending X-Forwarded-For itself.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSignalingServer, type RunningSignalingServer } from '../../signaling/server.js';
import { type RunningCaddy, startCaddy } from '../support/caddy.js';
import { extensionOrigin, httpFrom, PeerSocket, peerjsSocketUrl, testConfig, testRoom, ticketFor } from './peer-socket.js';

let server: RunningSignalingServer;
let caddy: RunningCaddy;
const sockets: PeerSocket[] = [];

function viaProxy(id: string, from: string, headers: Record<string, string> = {}, port = caddy.port): PeerSocket {
  const socket = new PeerSocket(peerjsSocketUrl(port, '/peerjs', 'peercall', id, ticketFor(id)), extensionOrigin, from, headers);
  sockets.push(socket);
  return socket;
}

beforeAll(async () => {
  server = await startSignalingServer(testConfig({ PEERCALL_TRUSTED_PROXIES: '127.0.0.1', PEERCALL_MAX_CONNECTIONS_PER_IP: '3', PEERCALL_SESSION_BURST: '5' }));
  caddy = await startCaddy(server.port);
}, 30_000);

afterEach(() => {
  for (const socket of sockets.splice(0)) socket.close();
});

afterAll(async () => {
  await caddy?.stop();
  await server?.close();
});

describe('behind a trusted reverse proxy', () => {
  it('the cap per address counts each client behind the proxy, not the proxy', async () => {
    for (let i = 0; i < 3; i++) expect(await viaProxy(`two-${i}`, '127.0.0.2').nextMessage()).toEqual({ type: 'OPEN' });
    await expect(viaProxy('two-3', '127.0.0.2').opened()).rejects.toThrow(/429/);
    // Someone else behind the same proxy still gets in, though the proxy now holds more than 3.
    for (let i = 0; i < 3; i++) expect(await viaProxy(`three-${i}`, '127.0.0.3').nextMessage()).toEqual({ type: 'OPEN' });
  });

  it.each([
    ['through the proxy', () => caddy.port, '127.0.0.4'],
    ['straight to the server, past the proxy', () => server.port, '127.0.0.7'],
  ])('a client cannot pose as others by sending X-Forwarded-For itself, %s', async (_name, port, from) => {
    for (let i = 0; i < 3; i++) {
      const socket = viaProxy(`spoof-${from.replaceAll(".", "_")}-${i}`, from, { 'X-Forwarded-For': `10.9.9.${i}` }, port());
      expect(await socket.nextMessage()).toEqual({ type: 'OPEN' });
    }
    await expect(viaProxy(`spoof-${from.replaceAll(".", "_")}-3`, from, { 'X-Forwarded-For': '10.9.9.3' }, port()).opened()).rejects.toThrow(/429/);
  });

  it('POST /session is limited per client behind the proxy', async () => {
    const ask = (from: string) =>
      httpFrom(from, caddy.port, '/peerjs/session', { method: 'POST', headers: { 'Content-Type': 'application/json', Origin: extensionOrigin }, body: JSON.stringify({ room: testRoom }) });
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await ask('127.0.0.5')).status);
    expect(statuses.filter((s) => s === 200).length).toBe(5);
    expect((await ask('127.0.0.6')).status).toBe(200);
  });
});
