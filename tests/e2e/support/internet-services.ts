/**
 * What runs on the simulated internet's public side: the real signaling server (as a
 * child process, so it can be killed and started again like a redeploy), a real coturn,
 * and a real redis-server for two-node runs; and the people, each a Chromium profile
 * inside a home.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { redisServerPath } from '../../support/redis-server';
import { type SimulatedInternet, signalingAddress, turnAddress } from '../../support/simulated-internet';
import { turnserverPath } from '../../support/turn-server';
import { chromiumPath, launchProfile, type Profile } from './browser';
import { configure } from './pages';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
export const turnPort = 3478;
export const redisPort = 6390;
const startTimeoutMs = 20_000;

export interface SignalingNode {
  readonly url: string;
  readonly port: number;
  readonly child: ChildProcess;
  /** Resolves once the node has exited, however it was stopped. */
  readonly exited: Promise<void>;
  /** Everything it wrote to stderr (its JSON log lines), for a failing test to show. */
  log(): string;
}

export interface NodeOptions {
  readonly host?: string;
  readonly port?: number;
  readonly env?: Record<string, string>;
}

/** Starts a signaling node in the wan and waits until it listens. */
export async function startSignalingNode(internet: SimulatedInternet, options: NodeOptions = {}): Promise<SignalingNode> {
  const port = options.port ?? 9000;
  const host = options.host ?? signalingAddress;
  const child = internet.spawn(internet.wan, process.execPath, ['--import', 'tsx', 'signaling/main.ts', '--host', host, '--port', String(port)], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      PEERCALL_STUN_URLS: `stun:${turnAddress}:${turnPort}`,
      PEERCALL_TURN_URLS: `turn:${turnAddress}:${turnPort}?transport=udp`,
      ...options.env,
    },
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  await new Promise<void>((ready, fail) => {
    const timer = setTimeout(() => fail(new Error(`the signaling node did not listen within ${startTimeoutMs} ms: ${stderr}`)), startTimeoutMs);
    let stdout = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('listening on')) {
        clearTimeout(timer);
        ready();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`the signaling node exited with ${code}: ${stderr}`));
    });
  });
  return { url: `http://${host}:${port}/peerjs`, port, child, exited, log: () => stderr };
}

export function caddyPath(): string {
  const found = process.env.CADDY_PATH ?? ['/usr/bin/caddy', '/usr/local/bin/caddy'].find((p) => existsSync(p));
  if (!found) throw new Error('No caddy found: apt-get install caddy, or set CADDY_PATH');
  return found;
}

/**
 * Caddy in the wan at `address:port`, in front of several signaling nodes as one address,
 * the way a deployment puts nodes behind a load balancer: new connections go to the first
 * node that answers its health check, and to the next when it dies.
 */
export async function startProxyIn(internet: SimulatedInternet, address: string, port: number, upstreams: readonly string[]): Promise<{ url: string; stop(): void }> {
  const dir = mkdtempSync(join(tmpdir(), 'peercall-sim-caddy-'));
  const caddyfile = join(dir, 'Caddyfile');
  writeFileSync(
    caddyfile,
    [
      '{',
      '\tadmin off',
      '\tauto_https off',
      '}',
      `http://${address}:${port} {`,
      `\tbind ${address}`,
      `\treverse_proxy ${upstreams.join(' ')} {`,
      '\t\tlb_policy first',
      '\t\tlb_try_duration 5s',
      '\t\tlb_try_interval 250ms',
      '\t\tfail_duration 30s',
      '\t\thealth_uri /health',
      '\t\thealth_interval 500ms',
      '\t\thealth_timeout 500ms',
      '\t}',
      '}',
      '',
    ].join('\n'),
  );
  internet.spawn(internet.wan, caddyPath(), ['run', '--config', caddyfile, '--adapter', 'caddyfile'], {
    env: { ...process.env, HOME: dir, XDG_DATA_HOME: dir, XDG_CONFIG_HOME: dir },
  });
  const deadline = Date.now() + startTimeoutMs;
  while (!internet.exec(internet.wan, 'ss', ['-Htln', `sport = :${port}`]).includes(String(port))) {
    if (Date.now() > deadline) throw new Error('caddy did not listen in the wan');
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url: `http://${address}:${port}/peerjs`, stop: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A real coturn on the wan, relaying from its public address, with the TURN REST secret. */
export async function startTurnIn(internet: SimulatedInternet, secret: string): Promise<{ dir: string; stop(): void }> {
  const dir = mkdtempSync(join(tmpdir(), 'peercall-sim-turn-'));
  internet.spawn(internet.wan, turnserverPath(), [
    '-n', `--listening-ip=${turnAddress}`, `--relay-ip=${turnAddress}`, `--listening-port=${turnPort}`,
    '--use-auth-secret', `--static-auth-secret=${secret}`, '--realm=peercall.test',
    '--no-tls', '--no-dtls', '--no-cli', '--min-port=49152', '--max-port=49652',
    `--userdb=${join(dir, 'turndb')}`, '--log-file=stdout', '--simple-log',
  ]);
  const deadline = Date.now() + startTimeoutMs;
  while (!internet.exec(internet.wan, 'ss', ['-Huln', `sport = :${turnPort}`]).includes(String(turnPort))) {
    if (Date.now() > deadline) throw new Error('coturn did not listen in the wan');
    await new Promise((r) => setTimeout(r, 100));
  }
  return { dir, stop: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A redis-server in the wan, for nodes that share presence and rooms. */
export async function startRedisIn(internet: SimulatedInternet): Promise<string> {
  // Protected mode refuses clients on a non-loopback address without a password; this wan is the test's own.
  internet.spawn(internet.wan, redisServerPath(), ['--bind', signalingAddress, '--port', String(redisPort), '--save', '', '--appendonly', 'no', '--protected-mode', 'no']);
  const deadline = Date.now() + startTimeoutMs;
  while (!internet.exec(internet.wan, 'ss', ['-Htln', `sport = :${redisPort}`]).includes(String(redisPort))) {
    if (Date.now() > deadline) throw new Error('redis-server did not listen in the wan');
    await new Promise((r) => setTimeout(r, 100));
  }
  return `redis://${signalingAddress}:${redisPort}`;
}

export function newTurnSecret(): string {
  return randomBytes(24).toString('base64url');
}

/**
 * A person at `home`: Chromium started inside that home's namespace, PeerCall pointed at the
 * wan's server. Ask to join is off unless `settings` turns it on, as configure() has it.
 */
export async function personAt(
  internet: SimulatedInternet,
  home: string,
  signalingUrl: string,
  settings: { reconnectGraceSeconds?: number; askToJoin?: boolean } = {},
): Promise<Profile> {
  const profile = await launchProfile({ executablePath: internet.browserIn(home, chromiumPath()) });
  await configure(profile, { signalingUrl, ...settings });
  return profile;
}
