/**
 * One signaling node in a process of its own, so a test can read its memory, its log
 * lines, or kill it like a crashed machine. It runs signaling/main.ts under tsx, or the
 * built server (`npm run build:server`) under plain node when given one, either by
 * `build` or by PEERCALL_SERVER_BUILD for a whole run, e.g.
 * `PEERCALL_SERVER_BUILD=.output/server/main.mjs npx vitest run tests/signaling/connections.test.ts`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import WebSocket from 'ws';

export interface ChildNode {
  readonly port: number;
  readonly process: ChildProcess;
  readonly exited: Promise<number | null>;
  /** Everything it logged on stderr so far. */
  stderr(): string;
  /** Its resident memory now, in MB (VmRSS). */
  rssMb(): number;
  /**
   * A full garbage collection, asked for through the inspector as a profiler would
   * (only with `inspect`): an idle process collects nothing by itself, so what it
   * holds after this is what it really keeps.
   */
  collectGarbage(): Promise<void>;
  stop(): Promise<void>;
}

export interface ChildNodeOptions {
  readonly inspect?: boolean;
  /** The built server's main.mjs; without it (and without PEERCALL_SERVER_BUILD), the sources under tsx. */
  readonly build?: string;
}

const startLimitMs = 20_000;
const repoRoot = resolve(import.meta.dirname, '../..');

export async function startChildNode(env: Record<string, string>, options: ChildNodeOptions = {}): Promise<ChildNode> {
  const inspect = options.inspect ? ['--inspect=127.0.0.1:0'] : [];
  const build = options.build ?? (process.env.PEERCALL_SERVER_BUILD || undefined);
  const entry = build === undefined ? ['--import', 'tsx', 'signaling/main.ts'] : [resolve(repoRoot, build)];
  const child = spawn(process.execPath, [...inspect, ...entry, '--port', '0'], {
    // A build runs where it was put, as in production: what it writes (a secret file) stays beside it.
    cwd: build === undefined ? repoRoot : dirname(resolve(repoRoot, build)),
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
    collectGarbage: async () => {
      const url = /Debugger listening on (ws:\/\/\S+)/.exec(stderr)?.[1];
      if (url === undefined) throw new Error('the node was not started with inspect');
      const inspector = new WebSocket(url);
      await new Promise((done, fail) => inspector.once('open', done).once('error', fail));
      await new Promise((done) => {
        inspector.on('message', (data) => (JSON.parse(String(data)) as { id?: number }).id === 1 && done(undefined));
        inspector.send(JSON.stringify({ id: 1, method: 'HeapProfiler.collectGarbage' }));
      });
      inspector.close();
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
