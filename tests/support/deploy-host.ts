/**
 * One small host set up as the README's "Put PeerCall on the internet" says, inside a
 * temporary folder standing for `/`: its install and fill-in commands run verbatim (sudo
 * dropped, since the tests run as root, and every /etc/ path moved under the folder), and
 * each service started from its systemd unit's own ExecStart line, as systemd would, since
 * systemd itself cannot run on a test machine.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const repoRoot = resolve(import.meta.dirname, '../..');

/** The walkthrough's commands that put deploy/ in place and fill in the placeholders, as the README has them. */
export const walkthroughCommands = [
  'sudo install -d /etc/peercall /etc/caddy /etc/systemd/system/caddy.service.d',
  'sudo install -m 600 deploy/peercall.env.example /etc/peercall/peercall.env',
  'sudo install -m 640 -g turnserver deploy/turnserver.conf /etc/peercall/turnserver.conf',
  'sudo install -m 644 deploy/Caddyfile /etc/caddy/Caddyfile',
  'sudo install -m 644 deploy/caddy-peercall.conf /etc/systemd/system/caddy.service.d/peercall.conf',
  'sudo install -m 644 deploy/peercall.service deploy/coturn.service /etc/systemd/system/',
  'turn_secret=$(openssl rand -hex 32)',
  'sudo sed -i -e "s/peercall\\.example\\.com/$domain/g" -e "s/<your-extension-id>/$extension_id/g" -e "s/<your-turn-secret>/$turn_secret/g" /etc/peercall/peercall.env /etc/peercall/turnserver.conf /etc/systemd/system/caddy.service.d/peercall.conf',
];

/** What the person fills in: their domain and their published extension's ID. */
export interface HostChoices {
  readonly domain: string;
  readonly extensionId: string;
}

/** `path` on the host, as found under `root`. */
export function onHost(root: string, path: string): string {
  return join(root, path);
}

/** Runs the walkthrough's commands from the checkout, with the host's `/` at `root`. */
export function runWalkthrough(root: string, choices: HostChoices): void {
  const script = walkthroughCommands.map((line) => line.replace(/^sudo /, '').replaceAll(' /etc/', ` ${root}/etc/`)).join('\n');
  execFileSync('bash', ['-euo', 'pipefail', '-c', script], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH, domain: choices.domain, extension_id: choices.extensionId },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}

/** The `Key=value` settings of a unit or drop-in section, each key with every value it was given. */
export function unitSection(text: string, section: string): Map<string, string[]> {
  const settings = new Map<string, string[]>();
  let inSection = false;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('[')) inSection = line === `[${section}]`;
    else if (inSection && line !== '' && !line.startsWith('#')) {
      const equals = line.indexOf('=');
      const key = line.slice(0, equals);
      settings.set(key, [...(settings.get(key) ?? []), line.slice(equals + 1)]);
    }
  }
  return settings;
}

/** The one setting `key` in a unit's [Service] section. */
export function serviceSetting(unitText: string, key: string): string {
  const values = unitSection(unitText, 'Service').get(key) ?? [];
  if (values.length !== 1) throw new Error(`expected one ${key}= in the unit, found ${values.length}`);
  return values[0]!;
}

/** A command line as systemd splits it; ours use no quotes or specifiers, so words are enough. */
export function commandWords(line: string): string[] {
  if (/["'\\%$]/.test(line)) throw new Error(`keep unit command lines to plain words: ${line}`);
  return line.split(/\s+/).filter((word) => word !== '');
}

/** `NAME=value` lines as systemd's EnvironmentFile= reads them (ours use no quotes). */
export function environmentFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const equals = line.indexOf('=');
    if (equals < 1 || /["'\\\s]/.test(line)) throw new Error(`not a plain NAME=value line: ${line}`);
    env[line.slice(0, equals)] = line.slice(equals + 1);
  }
  return env;
}

/** `Environment=NAME=value` settings of a unit or drop-in. */
export function unitEnvironment(unitText: string): Record<string, string> {
  return environmentFile((unitSection(unitText, 'Service').get('Environment') ?? []).join('\n'));
}

export function readHostFile(root: string, path: string): string {
  return readFileSync(onHost(root, path), 'utf8');
}

export interface Service {
  readonly process: ChildProcess;
  /** Everything it wrote so far, stdout and stderr apart. */
  stdout(): string;
  stderr(): string;
  /** Resolves once its output matches `line`, with the match; rejects if it exits first or takes too long. */
  waitFor(line: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  stop(): Promise<void>;
}

export function startService(argv: readonly string[], env: Record<string, string | undefined>, cwd: string): Service {
  const child = spawn(argv[0]!, argv.slice(1), { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += String(chunk)));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += String(chunk)));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  return {
    process: child,
    stdout: () => stdout,
    stderr: () => stderr,
    waitFor: async (line, timeoutMs = 20_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const match = line.exec(stdout) ?? line.exec(stderr);
        if (match) return match;
        if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${argv[0]} exited (${child.exitCode ?? child.signalCode}): ${stderr.slice(-800)}`);
        if (Date.now() > deadline) throw new Error(`${argv[0]} printed nothing like ${line} in ${timeoutMs} ms: ${(stdout + stderr).slice(-800)}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** A running process's command line, as the kernel holds it. */
export function commandLineOf(pid: number): string[] {
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((word) => word !== '');
}
