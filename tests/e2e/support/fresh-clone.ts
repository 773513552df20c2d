/**
 * A fresh clone of this checkout, as a newcomer has after `git clone`: the files git knows
 * (and new ones not yet committed), owned by whoever will run it. The packages are the
 * checkout's own, linked rather than installed again: `npm install` is not what is tested.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const checkout = fileURLToPath(new URL('../../..', import.meta.url));

export interface FreshClone {
  readonly dir: string;
  /** A home folder of its own, for npm's cache and logs. */
  readonly home: string;
  remove(): void;
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
  return { dir, home, remove: () => rmSync(root, { recursive: true, force: true }) };
}
