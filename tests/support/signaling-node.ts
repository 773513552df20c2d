/**
 * One signaling node in a process of its own (signaling/main.ts under tsx), so a test
 * can read its memory, its log lines, or kill it like a crashed machine.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
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

const startLimitMs = 20_000;

export async function startChildNode(env: Record<string, string>, options: { inspect?: boolean } = {}): Promise<ChildNode> {
  const inspect = options.inspect ? ['--inspect=127.0.0.1:0'] : [];
  const child = spawn(process.execPath, [...inspect, '--import', 'tsx', 'signaling/main.ts', '--port', '0'], {
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
