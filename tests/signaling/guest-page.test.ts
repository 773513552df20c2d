/**
 * The server serves the built guest page at /join, with its policy, and takes WebSockets
 * from that page (its own origin) as it does from the extension; with no page built it
 * serves the instructions page, and its own origin gets no socket.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSignalingServer, startSignalingServer } from '../../signaling/server.js';
import { connectAs, type PeerSocket, testConfig } from './peer-socket.js';

const built = mkdtempSync(join(tmpdir(), 'peercall-guest-built-'));
const sockets: PeerSocket[] = [];
let server: RunningSignalingServer;

beforeAll(() => {
  mkdirSync(join(built, 'assets'));
  writeFileSync(join(built, 'index.html'), '<head><meta name="peercall-path" content="" />\n<meta name="peercall-key" content="" /></head><body>guest page</body>');
  writeFileSync(join(built, 'assets', 'index-abc.js'), 'console.log(1)');
});
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.ws.close();
  await server?.close();
});
afterAll(() => rmSync(built, { recursive: true, force: true }));

const track = (socket: PeerSocket) => (sockets.push(socket), socket);

describe('with the guest page built', () => {
  it('answers /join with the page, its path and key, and a strict policy', async () => {
    server = await startSignalingServer(testConfig({ PEERCALL_GUEST_DIR: built, PEERCALL_PATH: '/calls' }));
    const response = await fetch(`http://127.0.0.1:${server.port}/join`);
    expect(response.status).toBe(200);
    const body = await response.text();
    expect(body).toContain('guest page');
    expect(body).toContain('<meta name="peercall-path" content="/calls" />');
    expect(response.headers.get('content-security-policy')).toContain("connect-src 'self' ws://127.0.0.1:");
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('cache-control')).toBe('no-cache');
  });

  it('serves its assets for a year, nothing outside them, and no folder listing', async () => {
    server = await startSignalingServer(testConfig({ PEERCALL_GUEST_DIR: built }));
    const asset = await fetch(`http://127.0.0.1:${server.port}/join/assets/index-abc.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect(asset.headers.get('x-content-type-options')).toBe('nosniff');
    for (const path of ['/join/assets/', '/join/assets/../index.html', '/join/assets/%2e%2e/index.html', '/join/assets/missing.js']) {
      expect((await fetch(`http://127.0.0.1:${server.port}${path}`)).status).toBeGreaterThanOrEqual(400);
    }
  });

  it('takes a socket from its own origin, and still refuses other web pages', async () => {
    server = await startSignalingServer(testConfig({ PEERCALL_GUEST_DIR: built }));
    await track(connectAs(server.port, 'guest', { origin: `http://127.0.0.1:${server.port}` })).opened();
    await expect(track(connectAs(server.port, 'mallory', { origin: 'https://evil.example' })).opened()).rejects.toThrow(/403/);
    await expect(track(connectAs(server.port, 'mallory2', { origin: `http://127.0.0.1:${server.port + 1}` })).opened()).rejects.toThrow(/403/);
  });
});

describe('with no guest page built', () => {
  it('answers /join with the instructions page, and its own origin gets no socket', async () => {
    server = await startSignalingServer(testConfig({ PEERCALL_GUEST_DIR: join(built, 'nowhere') }));
    const response = await fetch(`http://127.0.0.1:${server.port}/join`);
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    const body = await response.text();
    expect(body).toContain('You have been invited to a PeerCall');
    expect(body).toContain('Join a call');
    expect(body).not.toContain('<script');
    await expect(track(connectAs(server.port, 'guest', { origin: `http://127.0.0.1:${server.port}` })).opened()).rejects.toThrow(/403/);
  });
});
