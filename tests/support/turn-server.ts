/**
 * A real coturn on a free loopback port for one test file, relaying only on loopback,
 * with the TURN REST shared secret (Debian's coturn package, or TURNSERVER_PATH).
 * Ready once it answers a STUN binding request, not after a guessed delay.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './redis-server';

export interface RunningTurn {
  readonly port: number;
  readonly url: string;
  readonly secret: string;
  stop(): Promise<void>;
}

export function turnserverPath(): string {
  const found = process.env.TURNSERVER_PATH ?? ['/usr/bin/turnserver', '/usr/local/bin/turnserver'].find((p) => existsSync(p));
  if (!found) throw new Error('No turnserver found: apt-get install coturn, or set TURNSERVER_PATH');
  return found;
}

/** Whether something answers a STUN binding request on the port. */
export function answersStun(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    const request = Buffer.alloc(20);
    request.writeUInt16BE(0x0001, 0);
    request.writeUInt32BE(0x2112a442, 4);
    randomBytes(12).copy(request, 8);
    const done = (answered: boolean) => {
      clearTimeout(timer);
      socket.close();
      resolve(answered);
    };
    const timer = setTimeout(() => done(false), 200);
    socket.once('message', (reply) => done(reply.readUInt16BE(0) === 0x0101));
    socket.once('error', () => done(false));
    socket.send(request, port, '127.0.0.1');
  });
}

export async function startTurn(): Promise<RunningTurn> {
  const port = await freePort();
  const secret = randomBytes(24).toString('base64url');
  const dir = mkdtempSync(join(tmpdir(), 'peercall-turn-'));
  const relayBase = 40_000 + Math.floor(Math.random() * 20_000);
  const child: ChildProcess = spawn(
    turnserverPath(),
    [
      '-n', '--listening-ip=127.0.0.1', '--relay-ip=127.0.0.1', `--listening-port=${port}`,
      '--use-auth-secret', `--static-auth-secret=${secret}`, '--realm=peercall.test',
      '--no-tls', '--no-dtls', '--allow-loopback-peers', '--no-cli',
      `--min-port=${relayBase}`, `--max-port=${relayBase + 200}`,
      `--userdb=${join(dir, 'turndb')}`, '--log-file=stdout', '--simple-log',
    ],
    { stdio: 'ignore' },
  );
  const deadline = Date.now() + 15_000;
  while (!(await answersStun(port))) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`turnserver did not answer on port ${port}`);
  }
  return {
    port,
    secret,
    url: `turn:127.0.0.1:${port}?transport=udp`,
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
