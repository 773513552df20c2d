// @vitest-environment node
/**
 * What deploy/ ships, checked without starting it (tests/e2e/https.test.ts starts it):
 * systemd accepts the units, the Caddyfile gets every variable it needs from its drop-in,
 * and the server's settings are real ones that refuse to start while a placeholder is left.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../signaling/config';
import { commandWords, environmentFile, repoRoot, serviceSetting, unitEnvironment } from '../support/deploy-host';

const deploy = (name: string) => readFileSync(join(repoRoot, 'deploy', name), 'utf8');
const unitDir = mkdtempSync(join(tmpdir(), 'peercall-units-'));

afterAll(() => rmSync(unitDir, { recursive: true, force: true }));

describe('the systemd units', () => {
  it('pass systemd-analyze verify, with the Caddy drop-in on top of Debian\'s caddy.service', () => {
    cpSync(join(repoRoot, 'deploy', 'peercall.service'), join(unitDir, 'peercall.service'));
    cpSync(join(repoRoot, 'deploy', 'coturn.service'), join(unitDir, 'coturn.service'));
    mkdirSync(join(unitDir, 'caddy.service.d'));
    cpSync(join(repoRoot, 'deploy', 'caddy-peercall.conf'), join(unitDir, 'caddy.service.d', 'peercall.conf'));
    // Our folder first, then the usual ones (the trailing colon), as /etc/systemd/system would be.
    const verify = spawnSync('systemd-analyze', ['verify', 'peercall.service', 'coturn.service', 'caddy.service'], {
      env: { ...process.env, SYSTEMD_UNIT_PATH: `${unitDir}:` },
      encoding: 'utf8',
    });
    expect(verify.error, 'systemd-analyze (Debian: apt-get install systemd)').toBeUndefined();
    // It warns about an unknown key or a bad value on stderr and still exits 0.
    expect({ status: verify.status, complaints: verify.stderr.split('\n').filter((line) => line.includes(unitDir)) }).toEqual({ status: 0, complaints: [] });
  });

  it('run the server the way npm run build:server says to, from the checkout in WorkingDirectory', () => {
    const unit = deploy('peercall.service');
    const workingDirectory = serviceSetting(unit, 'WorkingDirectory');
    expect(commandWords(serviceSetting(unit, 'ExecStart'))).toEqual(['/usr/bin/node', '--enable-source-maps', `${workingDirectory}/.output/server/main.mjs`]);
    expect(serviceSetting(unit, 'DynamicUser')).toBe('yes');
    expect(serviceSetting(unit, 'EnvironmentFile')).toBe('/etc/peercall/peercall.env');
  });

  it('give the Caddyfile every variable it has no default for', () => {
    const directives = deploy('Caddyfile').split('\n').filter((line) => !line.trim().startsWith('#')).join('\n');
    const needed = [...directives.matchAll(/\{\$([A-Z_]+)\}/g)].map((match) => match[1]);
    expect(needed).toEqual(['PEERCALL_DOMAIN']);
    expect(Object.keys(unitEnvironment(deploy('caddy-peercall.conf')))).toEqual(needed);
  });
});

describe('the server\'s settings example', () => {
  const example = environmentFile(deploy('peercall.env.example'));
  const filled = (env: Record<string, string>) =>
    Object.fromEntries(
      Object.entries(env).map(([name, value]) => [
        name,
        value.replace('<your-extension-id>', 'abcdefghijklmnopabcdefghijklmnop').replace('<your-turn-secret>', 'f'.repeat(64)),
      ]),
    );

  it('names only settings the README documents', () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    // The table's first column, where a row may name two: `PEERCALL_TURN_URLS` / `PEERCALL_TURN_SECRET`.
    const firstColumns = [...readme.matchAll(/^\|([^|]+)\|/gm)].map((match) => match[1]!);
    const documented = new Set(firstColumns.flatMap((cell) => [...cell.matchAll(/`([A-Z_]+)`/g)].map((match) => match[1])));
    expect(Object.keys(example).filter((name) => !documented.has(name))).toEqual([]);
  });

  it('is a configuration the server accepts once filled in: behind Caddy, for one extension, with TURN', () => {
    const config = parseConfig(filled(example), []);
    expect(config).toMatchObject({
      host: '127.0.0.1',
      trustedProxies: ['127.0.0.1'],
      allowedOrigins: ['chrome-extension://abcdefghijklmnopabcdefghijklmnop', 'moz-extension://*'],
      secretFile: '/var/lib/peercall/token-secret',
      tokenSecret: null,
      metricsAddress: { host: '127.0.0.1', port: 9100 },
      turnUrls: ['turn:peercall.example.com:3478?transport=udp', 'turn:peercall.example.com:3478?transport=tcp'],
    });
  });

  it.each([
    { left: '<your-turn-secret>', says: 'PEERCALL_TURN_SECRET must be at least 32 characters' },
    { left: '<your-extension-id>', says: 'PEERCALL_ALLOWED_ORIGINS must be a comma-separated list of origins; "chrome-extension://<your-extension-id>"' },
  ])('stops the server with a message naming the setting while $left is left in', ({ left, says }) => {
    const [name, ...others] = Object.keys(example).filter((key) => example[key]!.includes(left));
    expect(others).toEqual([]);
    const env = { ...filled(example), [name!]: example[name!]! };
    expect(() => parseConfig(env, [])).toThrow(ConfigError);
    expect(() => parseConfig(env, [])).toThrow(says);
  });
});
