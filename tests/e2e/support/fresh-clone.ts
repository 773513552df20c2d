/**
 * A fresh clone of this checkout, as a newcomer has after `git clone`: the files git knows
 * (and new ones not yet committed), owned by whoever will run it. The packages are the
 * checkout's own, linked rather than installed again: `npm install` is not what is tested.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const checkout = fileURLToPath(new URL('../../..', import.meta.url));

export interface FreshClone {
  readonly dir: string;
  /** A home folder of its own, for npm's cache and logs. */
  readonly home: string;
  /**
   * Ends every process still running from the clone (a browser's crash handler or helpers
   * outlive its main process for a moment, and keep writing into the profile), waits for
   * them to be gone, and then deletes the folder.
   */
  remove(): Promise<void>;
}

/** What `read` returns, or '' when the process ended while we looked or is not ours to read. */
function readOr(read: () => string): string {
  try {
    return read();
  } catch {
    return '';
  }
}

/** Processes whose command line or working folder lies inside `root`. */
function processesIn(root: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const cmdline = readOr(() => readFileSync(`/proc/${entry}/cmdline`, 'utf8'));
    const cwd = readOr(() => readlinkSync(`/proc/${entry}/cwd`));
    if (cmdline.includes(root) || cwd === root || cwd.startsWith(`${root}/`)) found.push(Number(entry));
  }
  return found;
}

async function endProcessesIn(root: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = processesIn(root);
    if (left.length === 0) return;
    if (Date.now() > deadline) throw new Error(`processes ${left.join(', ')} still run from ${root}`);
    for (const pid of left) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export function freshClone(owner: { uid: number; gid: number } | null): FreshClone {
  const root = mkdtempSync(join(tmpdir(), 'peercall-clone-'));
  const dir = join(root, 'peercall');
  const home = join(root, 'home');
  mkdirSync(home);
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: checkout, encoding: 'utf8' })
    .split('\0')
    // A file deleted but not yet committed is listed too: a clone would not have it.
    .filter((file) => file !== '' && existsSync(join(checkout, file)));
  for (const file of files) {
    mkdirSync(join(dir, dirname(file)), { recursive: true });
    cpSync(join(checkout, file), join(dir, file), { dereference: false });
  }
  symlinkSync(join(checkout, 'node_modules'), join(dir, 'node_modules'));
  if (owner) execFileSync('chown', ['-R', '--no-dereference', `${owner.uid}:${owner.gid}`, root]);
  return {
    dir,
    home,
    remove: async () => {
      await endProcessesIn(root);
      rmSync(root, { recursive: true, force: true });
    },
  };
}
