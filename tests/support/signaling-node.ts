/**
 * One signaling node in a process of its own (signaling/main.ts under tsx), so a test
 * can read its memory, its log lines, or kill it like a crashed machine.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export interface ChildNode {
  readonly port: number;
  readonly process: ChildProcess;
  readonly exited: Promise<number | null>;
  /** Everything it logged on stderr so far. */
  stderr(): string;
  /** Its resident memory now, in MB (VmRSS). */
  rssMb(): number;
  stop(): Promise<void>;
}

const startLimitMs = 20_000;

export async function startChildNode(env: Record<string, string>): Promise<ChildNode> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'signaling/main.ts', '--port', '0'], {
    cwd: resolve(import.meta.dirname, '../..'),
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += String(chunk)));
  const port = await new Promise<number>((done, fail) => {
    const timer = setTimeout(() => fail(new Error('the node did not start in time')), startLimitMs);
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += String(chunk);
      const match = /listening on http:\/\/[^:]+:(\d+)\//.exec(out);
      if (match) {
        clearTimeout(timer);
        done(Number(match[1]));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`the node exited with ${code}: ${stderr.slice(0, 500)}`));
    });
  });
  return {
    port,
    process: child,
    exited,
    stderr: () => stderr,
    rssMb: () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1]) / 1024,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
