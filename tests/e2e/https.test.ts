/**
 * PeerCall put on the internet, on loopback names: one host set up by the README's
 * walkthrough (tests/support/deploy-host.ts) from deploy/, its Caddyfile, coturn config,
 * systemd units and settings, at peercall.localhost, where Caddy's local CA stands in for
 * Let's Encrypt. Each browser trusts that CA in its own profile, as a certificate its user
 * imported; nothing skips certificate checks. An extension built with
 * PEERCALL_DEFAULT_SERVER, freshly installed and never configured, starts a call, and a
 * plain Chromium with no extension opens the https invite: both see moving video, over
 * https and wss alone.
 *
 * Ports are all the test changes in what the walkthrough wrote: a test machine's 80, 443,
 * 3478, 9000 and 9100 may be in use, so each service gets free ones.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync, copyFileSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unpackedExtensionId } from '../../scripts/extension-id';
import { commandLineOf, commandWords, environmentFile, onHost, readHostFile, repoRoot, runWalkthrough, type Service, serviceSetting, startService, unitEnvironment, unitSection, walkthroughCommands } from '../support/deploy-host';
import { freePort } from '../support/redis-server';
import { allocateRelay, TurnError } from '../support/turn-client';
import { answersStun, turnserverPath } from '../support/turn-server';
import { launchPlainBrowser, launchProfile, type PlainBrowser, type Profile } from './support/browser';
import { caddyPath } from './support/internet-services';
import { remoteVideoProgress } from './support/media-probes';
import { type CallTab, callTab, openPopup, welcomePage } from './support/pages';
import { homeTrusting, type TrustingHome } from './support/trusted-ca';

const run = promisify(execFile);
const domain = 'peercall.localhost';
const buildLimitMs = 90_000;
/** Debian's own unit for Caddy, which the walkthrough keeps and gives a drop-in. */
const caddyUnitCandidates = ['/lib/systemd/system/caddy.service', '/usr/lib/systemd/system/caddy.service'];

interface Ports {
  readonly https: number;
  readonly http: number;
  readonly caddyAdmin: number;
  readonly signaling: number;
  readonly metrics: number;
  readonly turn: number;
  readonly relayMin: number;
}

let root: string;
let published: string;
let ports: Ports;
let origin: string;
let extensionId: string;
let serverEnv: Record<string, string>;
const running = new Map<'peercall' | 'coturn' | 'caddy', { service: Service; argv: string[]; unitArgv: string[] }>();
const homes: TrustingHome[] = [];
let caddyRoot: Buffer;
let ann: Profile;
let guestBrowser: PlainBrowser;
let annCall: CallTab;
let guest: CallTab;
let invite: string;
const annSockets: string[] = [];
const guestSockets: string[] = [];
const guestRequests: string[] = [];

/** A word of a unit's command line, as it names something on this machine. */
function onThisMachine(word: string): string {
  const programs: Record<string, string> = { '/usr/bin/node': process.execPath, '/usr/bin/turnserver': turnserverPath(), '/usr/bin/caddy': caddyPath() };
  return programs[word] ?? (word.startsWith('/') ? onHost(root, word) : word);
}

/** `text` with one `key=value` line's value replaced; the line must be there. */
function setLine(text: string, key: string, value: string): string {
  const line = new RegExp(`^${key}=.*$`, 'm');
  if (!line.test(text)) throw new Error(`no ${key}= line`);
  return text.replace(line, `${key}=${value}`);
}

function startUnit(name: 'peercall' | 'coturn' | 'caddy', unitText: string, env: Record<string, string>): Service {
  const unitArgv = commandWords(serviceSetting(unitText, 'ExecStart'));
  const argv = unitArgv.map(onThisMachine);
  const workingDirectory = unitSection(unitText, 'Service').get('WorkingDirectory')?.[0] ?? '/';
  const service = startService(argv, { PATH: process.env.PATH, ...env }, onHost(root, workingDirectory));
  running.set(name, { service, argv, unitArgv });
  return service;
}

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** A request to Caddy as a browser at https://peercall.localhost would make it, trusting Caddy's CA alone. */
function viaCaddy(path: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      {
        host: '127.0.0.1',
        port: ports.https,
        servername: domain,
        ca: caddyRoot,
        path,
        method: options.method ?? 'GET',
        headers: { Host: `${domain}:${ports.https}`, ...options.headers },
        timeout: 5_000,
      },
      (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += String(chunk)));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error(`no answer to ${path}`)));
    req.end(options.body);
  });
}

function plainHttp(port: number, path: string, host: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, headers: { Host: host }, timeout: 5_000 }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += String(chunk)));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function session(originHeader: string): Promise<Answer> {
  return viaCaddy('/peerjs/session', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: originHeader },
    body: JSON.stringify({ room: 'q7m2-k9dx-0a4e-zz81-h6pc-3rtw-b5nf' }),
  });
}

async function waitUntil<T>(what: string, probe: () => Promise<T | null>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => null);
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function startCoturn(): Promise<void> {
  // The relay listens and relays on loopback only, and keeps its (unused) user database here.
  const confPath = onHost(root, '/etc/peercall/turnserver.conf');
  let conf = readFileSync(confPath, 'utf8');
  conf = setLine(conf, 'listening-port', String(ports.turn));
  conf = setLine(conf, 'min-port', String(ports.relayMin));
  conf = setLine(conf, 'max-port', String(ports.relayMin + 100));
  mkdirSync(onHost(root, '/var/lib/turn'), { recursive: true });
  writeFileSync(confPath, `${conf}listening-ip=127.0.0.1\nrelay-ip=127.0.0.1\nuserdb=${onHost(root, '/var/lib/turn/turndb')}\n`);
  const coturn = startUnit('coturn', readHostFile(root, '/etc/systemd/system/coturn.service'), {});
  await waitUntil('coturn answering STUN', async () => ((await answersStun(ports.turn)) ? true : null));
  expect(coturn.process.exitCode).toBeNull();
}

async function buildServerIntoCheckout(unitText: string): Promise<void> {
  const main = commandWords(serviceSetting(unitText, 'ExecStart')).at(-1)!;
  const checkout = onHost(root, serviceSetting(unitText, 'WorkingDirectory'));
  await run('npm', ['run', 'build:server', '--', `--outdir=${dirname(onHost(root, main))}`], { cwd: repoRoot, timeout: buildLimitMs });
  // The host ran `npm ci` in its checkout; this checkout's packages stand in for its node_modules.
  copyFileSync(join(repoRoot, 'package.json'), join(checkout, 'package.json'));
  symlinkSync(join(repoRoot, 'node_modules'), join(checkout, 'node_modules'), 'dir');
}

async function startServer(unitText: string): Promise<void> {
  const filled = environmentFile(readFileSync(onHost(root, serviceSetting(unitText, 'EnvironmentFile')), 'utf8'));
  const elsewhere = {
    PEERCALL_PORT: String(ports.signaling),
    PEERCALL_METRICS_ADDRESS: `127.0.0.1:${ports.metrics}`,
    PEERCALL_STUN_URLS: filled.PEERCALL_STUN_URLS!.replaceAll(':3478', `:${ports.turn}`),
    PEERCALL_TURN_URLS: filled.PEERCALL_TURN_URLS!.replaceAll(':3478', `:${ports.turn}`),
    PEERCALL_SECRET_FILE: onHost(root, filled.PEERCALL_SECRET_FILE!),
  };
  for (const name of Object.keys(elsewhere)) expect(filled, `the example sets ${name}`).toHaveProperty(name);
  serverEnv = { ...filled, ...elsewhere };
  // systemd makes StateDirectory= before it starts the service.
  mkdirSync(onHost(root, `/var/lib/${serviceSetting(unitText, 'StateDirectory')}`), { recursive: true, mode: 0o700 });
  const server = startUnit('peercall', unitText, serverEnv);
  await server.waitFor(/PeerCall signaling listening on http:\/\/127\.0\.0\.1:\d+\//);
}

async function startCaddy(): Promise<void> {
  const debianUnit = caddyUnitCandidates.find((path) => existsSync(path));
  if (debianUnit === undefined) throw new Error(`No caddy.service at ${caddyUnitCandidates.join(' or ')}: apt-get install caddy`);
  const home = onHost(root, '/var/lib/caddy');
  mkdirSync(home, { recursive: true });
  const env = {
    // The caddy user's home, where Caddy keeps its certificates and its local CA.
    HOME: home,
    ...unitEnvironment(readHostFile(root, '/etc/systemd/system/caddy.service.d/peercall.conf')),
    PEERCALL_HTTPS_PORT: String(ports.https),
    PEERCALL_HTTP_PORT: String(ports.http),
    PEERCALL_CADDY_ADMIN: `127.0.0.1:${ports.caddyAdmin}`,
    PEERCALL_PORT: String(ports.signaling),
  };
  startUnit('caddy', readFileSync(debianUnit, 'utf8'), env);
  const rootCertificate = join(home, '.local/share/caddy/pki/authorities/local/root.crt');
  caddyRoot = await waitUntil('Caddy making its local CA', async () => (existsSync(rootCertificate) ? readFileSync(rootCertificate) : null));
  await waitUntil('https://peercall.localhost/health through Caddy', async () => ((await viaCaddy('/health')).status === 200 ? true : null));
  homes.push(homeTrusting(rootCertificate, 'caddy-local'), homeTrusting(rootCertificate, 'caddy-local'));
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'peercall-host-'));
  published = mkdtempSync(join(tmpdir(), 'peercall-published-'));
  const free: number[] = [];
  for (let i = 0; i < 6; i++) free.push(await freePort());
  const [https, http, caddyAdmin, signaling, metrics, turn] = free as [number, number, number, number, number, number];
  ports = { https, http, caddyAdmin, signaling, metrics, turn, relayMin: 40_000 + Math.floor(Math.random() * 20_000) };
  origin = `https://${domain}:${ports.https}`;
  // Chromium names an unpacked extension after its folder, so its ID is known before it is built.
  extensionId = unpackedExtensionId(join(realpathSync(published), 'chrome-mv3'));
  runWalkthrough(root, { domain, extensionId });

  const serverUnit = readHostFile(root, '/etc/systemd/system/peercall.service');
  await Promise.all([
    run('npx', ['wxt', 'build'], {
      cwd: repoRoot,
      env: { ...process.env, PEERCALL_OUT_DIR: published, PEERCALL_DEFAULT_SERVER: `${origin}/peerjs` },
      timeout: buildLimitMs,
    }),
    buildServerIntoCheckout(serverUnit),
    startCoturn(),
  ]);
  await startServer(serverUnit);
  await startCaddy();
  [ann, guestBrowser] = await Promise.all([
    launchProfile({ extensionDir: join(published, 'chrome-mv3'), home: homes[0]!.path }),
    launchPlainBrowser({ home: homes[1]!.path }),
  ]);
}, 2 * buildLimitMs);

afterAll(async () => {
  await Promise.all([ann?.close(), guestBrowser?.close()]);
  await Promise.all([...running.values()].map(({ service }) => service.stop()));
  for (const home of homes) home.remove();
  for (const dir of [root, published]) if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

describe('a host set up by the walkthrough', () => {
  it('was set up by the README\'s own commands, and runs each service as its systemd unit says', () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8')
      .split('\n')
      .map((line) => line.trim());
    for (const command of walkthroughCommands) expect(readme, command).toContain(command);
    for (const path of ['/etc/peercall/peercall.env', '/etc/peercall/turnserver.conf', '/etc/systemd/system/caddy.service.d/peercall.conf']) {
      expect(readHostFile(root, path), path).not.toMatch(/peercall\.example\.com|<your-/);
    }
    expect(statSync(onHost(root, '/etc/peercall/peercall.env')).mode & 0o777).toBe(0o600);
    for (const [name, { service, argv, unitArgv }] of running) {
      expect(commandLineOf(service.process.pid!), name).toEqual(argv);
      expect(argv, name).toEqual(unitArgv.map(onThisMachine));
    }
    // It made its own token secret in its state directory, readable by it alone.
    expect(statSync(serverEnv.PEERCALL_SECRET_FILE!).mode & 0o777).toBe(0o600);
  });

  it('answers https with a certificate from Caddy\'s CA, sends plain http to https, and keeps /metrics off the public side', async () => {
    const health = await viaCaddy('/health');
    expect({ status: health.status, body: JSON.parse(health.body) as unknown }).toEqual({ status: 200, body: { status: 'ok', live: true, ready: true, peers: 0 } });
    expect(health.headers['strict-transport-security']).toBe('max-age=31536000');
    const plain = await plainHttp(ports.http, '/join', domain);
    expect({ status: plain.status, location: plain.headers.location }).toEqual({ status: 308, location: `https://${domain}/join` });
    expect((await viaCaddy('/metrics')).status).toBe(404);
    const metrics = await plainHttp(ports.metrics, '/metrics', `127.0.0.1:${ports.metrics}`);
    expect(metrics.status).toBe(200);
    expect(metrics.body).toContain('peercall_');
  });

  it('answers the published extension\'s origin, and no other extension\'s', async () => {
    const ours = await session(`chrome-extension://${extensionId}`);
    expect({ status: ours.status, allowed: ours.headers['access-control-allow-origin'] }).toEqual({ status: 200, allowed: `chrome-extension://${extensionId}` });
    const other = await session(`chrome-extension://${'p'.repeat(32)}`);
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('hands out TURN credentials coturn accepts, and coturn relays to no loopback or private address', async () => {
    const { iceServers } = JSON.parse((await session(`chrome-extension://${extensionId}`)).body) as {
      iceServers: { urls: string[]; username?: string; credential?: string }[];
    };
    expect(iceServers).toEqual([
      { urls: [`stun:${domain}:${ports.turn}`] },
      {
        urls: [`turn:${domain}:${ports.turn}?transport=udp`, `turn:${domain}:${ports.turn}?transport=tcp`],
        username: expect.stringMatching(/^\d+:/),
        credential: expect.any(String),
      },
    ]);
    const turn = iceServers[1]!;
    // A *.localhost name is loopback, as the browsers resolve it.
    const relay = await allocateRelay('127.0.0.1', ports.turn, turn.username!, turn.credential!);
    try {
      const refused = ['127.0.0.1', '10.1.2.3', '172.16.0.9', '192.168.1.1', '100.64.0.1', '169.254.169.254', '0.0.0.1', '224.0.0.251'];
      const answers = await Promise.all(refused.map(async (address) => [address, await relay.permissionTo(address)] as const));
      expect(Object.fromEntries(answers)).toEqual(Object.fromEntries(refused.map((address) => [address, 403])));
      // An address on the internet (TEST-NET-2): a permission only, nothing is sent.
      expect(await relay.permissionTo('198.51.100.7')).toBeNull();
    } finally {
      relay.close();
    }
    await expect(allocateRelay('127.0.0.1', ports.turn, turn.username!, 'not-the-credential')).rejects.toThrow(TurnError);
  });
});

describe('the extension built with PEERCALL_DEFAULT_SERVER', () => {
  it('carries the server in its code, and a fresh install shows it without anyone opening Settings', async () => {
    const chunks = join(published, 'chrome-mv3', 'chunks');
    expect(readdirSync(chunks).some((name) => readFileSync(join(chunks, name), 'utf8').includes(`"${origin}/peerjs"`))).toBe(true);
    expect(ann.extensionId).toBe(extensionId);
    await expect.poll(() => welcomePage(ann.welcome).server(), { timeout: 5_000 }).toBe(`${origin}/peerjs`);
  });

  it('a bad PEERCALL_DEFAULT_SERVER fails the build, saying what is wrong', async () => {
    const failed = await run('npx', ['wxt', 'build'], {
      cwd: repoRoot,
      env: { ...process.env, PEERCALL_OUT_DIR: join(published, 'bad'), PEERCALL_DEFAULT_SERVER: `${domain}/peerjs` },
      timeout: buildLimitMs,
    }).then(
      () => null,
      (error: { stdout: string; stderr: string }) => error.stdout + error.stderr,
    );
    expect(failed).toContain(`PEERCALL_DEFAULT_SERVER must be the signaling server's address, such as https://peercall.example.com/peerjs, got "${domain}/peerjs"`);
    expect(existsSync(join(published, 'bad', 'chrome-mv3'))).toBe(false);
  });
});

describe('a call over https and wss through Caddy', () => {
  it('the extension starts a call and its invite is an https link to the guest page on the server', async () => {
    ann.context.on('page', (page) => page.on('websocket', (socket) => annSockets.push(socket.url())));
    annCall = await (await openPopup(ann, { name: 'Ann' })).start();
    await annCall.waitForState('waiting');
    const copied = await annCall.copyInvite();
    invite = /https:\/\/\S+\/join#[0-9a-z-]+/.exec(copied)?.[0] ?? '';
    expect(invite.startsWith(`${origin}/join#`), copied).toBe(true);
  });

  it('a plain Chromium guest opens it over https, trusting Caddy\'s CA as an imported certificate', async () => {
    const page = await guestBrowser.newPage();
    page.on('websocket', (socket) => guestSockets.push(socket.url()));
    page.on('request', (request) => guestRequests.push(request.url()));
    const response = await page.goto(invite);
    expect(response!.status()).toBe(200);
    expect((await response!.securityDetails())?.issuer).toContain('Caddy Local Authority');
    expect(await page.evaluate(() => ({ protocol: location.protocol, secure: isSecureContext }))).toEqual({ protocol: 'https:', secure: true });
    guest = callTab(page);
    await guest.waitForState('lobby');

    // The same link in a browser that was never told about Caddy's CA is refused: the trust above is real.
    const stranger = await launchPlainBrowser();
    try {
      await expect((await stranger.newPage()).goto(invite)).rejects.toThrow(/ERR_CERT_AUTHORITY_INVALID/);
    } finally {
      await stranger.close();
    }
  });

  it('asks to join (a fresh install asks by default), is admitted, and both see the other\'s moving video', async () => {
    await guest.page.fill('input[name="lobbyName"]', 'Gus');
    await guest.page.click('button[data-action="enter"]');
    await guest.waitForState('asking');
    await annCall.answerJoinRequest('Gus', 'admit');
    await Promise.all([guest.waitForState('in-call'), annCall.waitForState('in-call')]);
    await expect.poll(async () => (await remoteVideoProgress(guest.page, 500)).frames, { timeout: 10_000 }).toBeGreaterThan(3);
    await expect.poll(async () => (await remoteVideoProgress(annCall.page, 500)).frames, { timeout: 10_000 }).toBeGreaterThan(3);
    await expect.poll(() => annCall.tileLabels(), { timeout: 5_000 }).toEqual(['Gus']);
    await expect.poll(() => guest.tileLabels(), { timeout: 5_000 }).toEqual(['Ann']);
  });

  it('went over wss and https alone', () => {
    const socketPrefix = `wss://${domain}:${ports.https}/peerjs/peerjs?`;
    expect(annSockets.length).toBeGreaterThan(0);
    expect(guestSockets.length).toBeGreaterThan(0);
    expect([...annSockets, ...guestSockets].filter((url) => !url.startsWith(socketPrefix))).toEqual([]);
    expect(guestRequests.filter((url) => !url.startsWith(`${origin}/`))).toEqual([]);
  });

  it('Caddy logged each request without its query string', async () => {
    const caddy = running.get('caddy')!.service;
    const accessLog = () =>
      caddy
        .stderr()
        .split('\n')
        .filter((line) => line.includes('"logger":"http.log.access'))
        .map((line) => (JSON.parse(line) as { request: { uri: string } }).request.uri);
    const before = accessLog().length;
    const probe = randomBytes(12).toString('hex');
    expect((await viaCaddy(`/health?ticket=${probe}`)).status).toBe(200);
    const access = await waitUntil('the request in the access log', async () => (accessLog().length > before ? accessLog() : null), 5_000);
    expect(access).toEqual(expect.arrayContaining(['/health', '/peerjs/session', '/join']));
    expect(access.filter((uri) => uri.includes('?'))).toEqual([]);
    expect(caddy.stderr()).not.toContain(probe);
  });
});
