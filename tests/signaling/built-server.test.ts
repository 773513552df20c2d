// @vitest-environment node
/**
 * `npm run build:server` makes a server that runs with plain node where only the
 * production dependencies are installed, and it behaves as the sources do: sessions,
 * tickets, rooms, relaying, the Origin gate, Redis across two nodes, and its exit codes.
 *
 * What proves "no dev dependencies": the build goes to a temporary folder laid out as
 * `npm ci --omit=dev --ignore-scripts` leaves a host (tests/support/production-install.ts),
 * and node runs it there with --preserve-symlinks, so neither the bundle nor any package
 * it loads can reach tsx, vite or anything else only the checkout has (a probe checks). The bundle's metafile
 * also shows every package it imports, which must be listed in `dependencies`.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type RunningRedis } from '../support/redis-server.js';
import { makeProductionInstall } from '../support/production-install.js';
import { type ChildNode, startChildNode } from '../support/signaling-node.js';
import { membersOf } from './expected-messages.js';
import { connectAs, extensionOrigin, PeerSocket, peerjsSocketUrl, testRoom, testSecret, ticketFor, waitLimitMs, withTimeout } from './peer-socket.js';

interface Metafile {
  readonly inputs: Record<string, unknown>;
  readonly outputs: Record<string, { readonly imports: readonly { readonly path: string; readonly external?: boolean }[] }>;
}

const repoRoot = resolve(import.meta.dirname, '../..');
const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
const otherRoom = 'q7m2-k9dx-0a4e-zz81-h6pc-3rtw-b5nf';
const buildLimitMs = 30_000;

let host: string;
let build: string;
let redis: RunningRedis;
let node: ChildNode;
const nodes: ChildNode[] = [];
const sockets: PeerSocket[] = [];

/** Nothing from the checkout leaks in: no tsx loader in NODE_OPTIONS, no NODE_PATH. */
const productionEnv = { NODE_OPTIONS: '--preserve-symlinks', NODE_PATH: '', PEERCALL_TOKEN_SECRET: testSecret };

async function startBuilt(env: Record<string, string> = {}): Promise<ChildNode> {
  const started = await startChildNode({ ...productionEnv, ...env }, { build });
  nodes.push(started);
  return started;
}

async function peerOn(port: number, id: string, room = testRoom): Promise<PeerSocket> {
  const socket = connectAs(port, id, { room });
  sockets.push(socket);
  expect(await socket.nextMessage()).toEqual({ type: 'OPEN' });
  return socket;
}

async function enter(socket: PeerSocket, verb: 'ROOM-CREATE' | 'ROOM-JOIN', room = testRoom) {
  socket.send({ type: verb, payload: { room } });
  return socket.nextMessage();
}

/** The child's stderr arrives a little after its answers do. */
async function logged(child: ChildNode, line: RegExp): Promise<void> {
  const deadlineMs = Date.now() + waitLimitMs;
  while (!line.test(child.stderr())) {
    if (Date.now() > deadlineMs) throw new Error(`no log line like ${line} in: ${child.stderr().slice(-500)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

beforeAll(async () => {
  host = mkdtempSync(join(tmpdir(), 'peercall-built-server-'));
  build = join(host, 'server', 'main.mjs');
  // The script itself, only sent elsewhere: esbuild takes the last --outdir given.
  await promisify(execFile)('npm', ['run', 'build:server', '--', `--outdir=${join(host, 'server')}`, `--metafile=${join(host, 'meta.json')}`], {
    cwd: repoRoot,
    timeout: buildLimitMs,
  });
  makeProductionInstall(host);
  redis = await startRedis();
  node = await startBuilt();
}, buildLimitMs + 30_000);

afterAll(async () => {
  for (const socket of sockets.splice(0)) socket.close();
  await Promise.all(nodes.map((each) => each.stop()));
  await redis?.stop();
  if (host !== undefined) rmSync(host, { recursive: true, force: true });
});

describe('the built server', () => {
  it('bundles signaling/ alone and imports only packages listed in dependencies', () => {
    const meta = JSON.parse(readFileSync(join(host, 'meta.json'), 'utf8')) as Metafile;
    const outside = Object.keys(meta.inputs).filter((input) => !input.startsWith('signaling/'));
    expect(outside).toEqual([]);
    const imported = new Set(
      Object.values(meta.outputs)
        .flatMap((output) => output.imports)
        .filter((each) => each.external === true && !each.path.startsWith('node:') && !builtinModules.includes(each.path))
        .map((each) => packageOf(each.path)),
    );
    // Redis is loaded only when configured, so ioredis shows the lazy chunk was looked at too.
    expect([...imported]).toEqual(expect.arrayContaining(['peer', 'ioredis']));
    for (const name of imported) expect(Object.keys(manifest.dependencies), name).toContain(name);
  });

  it('is run where no dev dependency can be found', async () => {
    // Asked from beside main.mjs, by a node run as the server is, so it resolves as the bundle does.
    const probe = join(host, 'server', 'resolve-probe.mjs');
    writeFileSync(
      probe,
      'const found = {};\n' +
        'for (const name of process.argv.slice(2)) {\n' +
        '  try { found[name] = import.meta.resolve(name); } catch (error) { found[name] = error.code; }\n' +
        '}\n' +
        'process.stdout.write(JSON.stringify(found));\n',
    );
    const devOnly = ['tsx', 'typescript', 'vite', 'esbuild', 'vitest'];
    const { stdout } = await promisify(execFile)(process.execPath, [probe, ...devOnly, 'express'], { cwd: host, env: { ...process.env, ...productionEnv } });
    const found = JSON.parse(stdout) as Record<string, string>;
    for (const name of devOnly) expect(found[name], name).toBe('ERR_MODULE_NOT_FOUND');
    expect(found.express?.startsWith(`${pathToFileURL(host).href}/node_modules/express/`), found.express).toBe(true);
  });

  it('hands out a session whose ticket opens a socket, and answers /health', async () => {
    const health = await fetch(`http://127.0.0.1:${node.port}/health`, { signal: AbortSignal.timeout(waitLimitMs) });
    expect(await health.json()).toEqual({ status: 'ok', live: true, ready: true, peers: 0 });
    const answer = await fetch(`http://127.0.0.1:${node.port}/peerjs/session`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: extensionOrigin },
      body: JSON.stringify({ room: testRoom }),
      signal: AbortSignal.timeout(waitLimitMs),
    });
    expect(answer.status).toBe(200);
    const { peerId, ticket } = (await answer.json()) as { peerId: string; ticket: string };
    const socket = new PeerSocket(peerjsSocketUrl(node.port, '/peerjs', 'peercall', peerId, ticket), extensionOrigin);
    sockets.push(socket);
    expect(await socket.nextMessage()).toEqual({ type: 'OPEN' });
  });

  it('relays an OFFER and an ANSWER between two peers in a room, and keeps others out', async () => {
    const ann = await peerOn(node.port, 'ann');
    expect(await enter(ann, 'ROOM-CREATE')).toEqual(membersOf(testRoom, []));
    const bob = await peerOn(node.port, 'bob');
    expect(await enter(bob, 'ROOM-JOIN')).toEqual(membersOf(testRoom, ['ann']));
    expect(await ann.nextMessage()).toEqual({ type: 'ROOM-PEER-JOINED', payload: { room: testRoom, peer: 'bob' } });
    ann.send({ type: 'OFFER', dst: 'bob', payload: { sdp: 'v=0', connectionId: 'mc_1' } });
    expect(await bob.nextMessage()).toEqual({ type: 'OFFER', src: 'ann', dst: 'bob', payload: { sdp: 'v=0', connectionId: 'mc_1' } });
    bob.send({ type: 'ANSWER', dst: 'ann', payload: { sdp: 'v=0' } });
    expect(await ann.nextMessage()).toMatchObject({ type: 'ANSWER', src: 'bob', dst: 'ann' });

    const eve = await peerOn(node.port, 'eve', otherRoom);
    expect((await enter(eve, 'ROOM-CREATE', otherRoom)).type).toBe('ROOM-MEMBERS');
    eve.send({ type: 'OFFER', dst: 'ann', payload: { sdp: 'v=0' } });
    expect(await eve.nextMessage()).toEqual({ type: 'EXPIRE', src: 'ann', dst: 'eve' });
    eve.send('not json');
    expect(await eve.nextMessage()).toEqual({ type: 'ERROR', payload: { msg: expect.stringContaining('malformed:') } });
  });

  it('serves the guest web page built into it at /join, and its scripts', async () => {
    const page = await fetch(`http://127.0.0.1:${node.port}/join`, { signal: AbortSignal.timeout(waitLimitMs) });
    const html = await page.text();
    expect(html).toContain('<meta name="peercall-path" content="/peerjs" />');
    const script = /src="(\/join\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`http://127.0.0.1:${node.port}${script}`, { signal: AbortSignal.timeout(waitLimitMs) });
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toContain('javascript');
  });

  it('refuses a socket from an origin it does not allow, and logs it', async () => {
    const stranger = connectAs(node.port, 'stranger', { origin: 'https://evil.example' });
    sockets.push(stranger);
    await expect(stranger.opened()).rejects.toThrow(/403/);
    await logged(node, /"event":"refused","reason":"origin","where":"upgrade"/);
  });

  it('relays between two built nodes sharing Redis', async () => {
    const env = { REDIS_URL: redis.url };
    const [nodeA, nodeB] = await Promise.all([startBuilt(env), startBuilt(env)]);
    const cat = await peerOn(nodeA!.port, 'cat', otherRoom);
    expect((await enter(cat, 'ROOM-CREATE', otherRoom)).type).toBe('ROOM-MEMBERS');
    const dan = await peerOn(nodeB!.port, 'dan', otherRoom);
    expect(await enter(dan, 'ROOM-JOIN', otherRoom)).toEqual(membersOf(otherRoom, ['cat']));
    cat.send({ type: 'OFFER', dst: 'dan', payload: { sdp: 'v=0' } });
    expect(await withTimeout(dan.nextMessage(), 'the OFFER from the other node')).toMatchObject({ type: 'OFFER', src: 'cat' });
  }, 30_000);

  it('exits with 2 on a bad setting and with 0 after SIGTERM', async () => {
    const bad = spawn(process.execPath, [build, '--port', 'nope'], { cwd: host, env: { ...process.env, ...productionEnv }, stdio: ['ignore', 'ignore', 'pipe'] });
    let said = '';
    bad.stderr.on('data', (chunk: Buffer) => (said += String(chunk)));
    const badExit = await withTimeout(new Promise<number | null>((done) => bad.once('exit', done)), 'the bad start to exit', 10_000);
    expect({ code: badExit, said }).toEqual({ code: 2, said: expect.stringContaining('--port must be an integer 0-65535, got "nope"') });

    node.process.kill('SIGTERM');
    expect(await withTimeout(node.exited, 'a clean shutdown', 10_000)).toBe(0);
  }, 20_000);
});
