/**
 * The coordinator's side of the load workers: forks them (processes, not threads, so
 * each has its own open-file limit for its sockets) and asks them all for one phase
 * at a time.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { stop, track } from './child-processes';
import type { WorkerCommand, WorkerReply } from './load-messages';

const workerPath = fileURLToPath(new URL('./load-worker.ts', import.meta.url));

type ReplyOf<T extends WorkerReply['type']> = Extract<WorkerReply, { type: T }>;

export class LoadFleet {
  readonly #workers: readonly ChildProcess[];

  constructor(count: number) {
    this.#workers = Array.from({ length: count }, () =>
      track(fork(workerPath, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })),
    );
  }

  get size(): number {
    return this.#workers.length;
  }

  /** Sends worker i commands[i] and waits for every reply; a worker that dies or hangs breaks the run. */
  ask<T extends WorkerReply['type']>(commands: readonly WorkerCommand[], expected: T, timeoutMs: number): Promise<ReplyOf<T>[]> {
    return Promise.all(this.#workers.map((worker, index) => askOne(worker, commands[index]!, expected, timeoutMs)));
  }

  async stop(): Promise<void> {
    await Promise.all(this.#workers.map(stop));
  }
}

function askOne<T extends WorkerReply['type']>(worker: ChildProcess, command: WorkerCommand, expected: T, timeoutMs: number): Promise<ReplyOf<T>> {
  if (!worker.connected) return Promise.reject(new Error(`load worker is gone before ${command.type}`));
  return new Promise((resolve, reject) => {
    const done = (): void => {
      clearTimeout(timer);
      worker.off('message', onMessage);
      worker.off('exit', onExit);
    };
    const onMessage = (reply: WorkerReply): void => {
      done();
      if (reply.type === expected) resolve(reply as ReplyOf<T>);
      else reject(new Error(`load worker answered ${command.type} with ${reply.type}`));
    };
    const onExit = (code: number | null, signal: string | null): void => {
      done();
      reject(new Error(`load worker exited during ${command.type} (${signal ?? `code ${code}`})`));
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`load worker did not finish ${command.type} within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    worker.on('message', onMessage);
    worker.once('exit', onExit);
    worker.send(command);
  });
}
