/**
 * Every process a load run starts (servers, redis, load workers) is tracked here and
 * killed when the run ends, however it ends: a stray server would hold its sockets
 * and skew whatever runs next on the machine.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';

const children = new Set<ChildProcess>();
/** A process that ignores SIGKILL this long is stuck in the kernel; waiting longer changes nothing. */
const exitWaitMs = 5_000;
/** Lines of a failed start's stderr worth showing. */
const stderrTailLines = 20;

export function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** For the 'exit' event and signals: synchronous, so nothing outlives the run. */
export function killAllNow(): void {
  for (const child of children) child.kill('SIGKILL');
}

/** Kills a process and waits until it is gone, so the next configuration starts on a quiet machine. */
export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, exitWaitMs))]);
}

export interface StartedProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly pid: number;
  /** The match of the readiness pattern in its stdout. */
  readonly ready: RegExpMatchArray;
  /** What it logged on stderr, by level and event for JSON log lines. */
  readonly stderrEvents: Record<string, number>;
}

/** Spawns a process and resolves once a line of its stdout matches `readyPattern`. */
export function startProcess(
  name: string,
  command: string,
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; readyPattern: RegExp; timeoutMs: number },
): Promise<StartedProcess> {
  const child = track(spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] }));
  const stderrEvents: Record<string, number> = {};
  const stderrTail: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (line) => {
    stderrTail.push(line);
    if (stderrTail.length > stderrTailLines) stderrTail.shift();
    const event = logEventOf(line);
    stderrEvents[event] = (stderrEvents[event] ?? 0) + 1;
  });
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (why: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${name} ${why}${stderrTail.length > 0 ? `; its stderr ended with:\n${stderrTail.join('\n')}` : ''}`));
    };
    const timer = setTimeout(() => fail(`was not ready within ${options.timeoutMs / 1000} s`), options.timeoutMs);
    child.once('error', (error) => fail(`could not start: ${error.message}`));
    child.once('exit', (code, signal) => fail(`exited before it was ready (${signal ?? `code ${code}`})`));
    // stdout keeps being read after this, or a chatty child would block on a full pipe.
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const ready = line.match(options.readyPattern);
      if (settled || ready === null || child.pid === undefined) return;
      settled = true;
      clearTimeout(timer);
      resolve({ name, child, pid: child.pid, ready, stderrEvents });
    });
  });
}

/** Our server logs one JSON object per line; anything else is counted under its first words. */
function logEventOf(line: string): string {
  try {
    const { level, event } = JSON.parse(line) as { level?: unknown; event?: unknown };
    if (typeof event === 'string') return `${String(level)} ${event}`;
  } catch {
    // Not a JSON log line.
  }
  return line.slice(0, 60);
}

/** Resident memory of a process in MB, from /proc; null once it has exited. */
export function rssMb(pid: number): number | null {
  try {
    const kb = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? null : Math.round(Number(kb) / 102.4) / 10;
  } catch {
    return null;
  }
}

/** A loopback port free right now, for programs (redis) that cannot be told to pick one. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
