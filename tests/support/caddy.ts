/**
 * A real Caddy reverse proxy on a free loopback port, in front of one upstream, as a
 * deployment would put it (Debian's caddy package, or CADDY_PATH). Admin API and HTTPS
 * are off; ready once it accepts connections.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './redis-server';

export interface RunningCaddy {
  readonly port: number;
  stop(): Promise<void>;
}

function caddyPath(): string {
  const found = process.env.CADDY_PATH ?? ['/usr/bin/caddy', '/usr/local/bin/caddy'].find((p) => existsSync(p));
  if (!found) throw new Error('No caddy found: apt-get install caddy, or set CADDY_PATH');
  return found;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.end();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export async function startCaddy(upstreamPort: number): Promise<RunningCaddy> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'peercall-caddy-'));
  const config = join(dir, 'Caddyfile');
  writeFileSync(config, `{\n\tadmin off\n\tauto_https off\n}\nhttp://127.0.0.1:${port} {\n\treverse_proxy 127.0.0.1:${upstreamPort}\n}\n`);
  const child: ChildProcess = spawn(caddyPath(), ['run', '--config', config, '--adapter', 'caddyfile'], {
    env: { ...process.env, HOME: dir, XDG_CONFIG_HOME: dir, XDG_DATA_HOME: dir },
    stdio: 'ignore',
  });
  const deadline = Date.now() + 15_000;
  while (!(await accepts(port))) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`caddy did not start on port ${port}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    port,
    stop: () =>
      new Promise((resolve) => {
        const cleanUp = () => {
          rmSync(dir, { recursive: true, force: true });
          resolve();
        };
        if (child.exitCode !== null || child.signalCode !== null) return cleanUp();
        child.once('exit', cleanUp);
        child.kill('SIGKILL');
      }),
  };
}
