/**
 * A folder laid out as a production host has it after `npm ci --omit=dev
 * --ignore-scripts`: the checkout's package.json and a node_modules holding only the
 * packages the lockfile does not mark as dev, the ones npm would install there. They
 * are symlinks into the checkout's node_modules, so making one costs no download.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

interface LockEntry {
  readonly dev?: boolean;
  readonly devOptional?: boolean;
}

const repoRoot = resolve(import.meta.dirname, '../..');
/** Only top-level entries: a nested one lives inside its parent's folder, which comes along with the link. */
const topLevelEntry = /^node_modules\/((?:@[^/]+\/)?[^/]+)$/;

/** The top-level packages a production install holds, or fewer: devOptional ones are left out too. */
export function productionPackages(): string[] {
  const lock = JSON.parse(readFileSync(join(repoRoot, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  return Object.entries(lock.packages).flatMap(([path, entry]) => {
    const name = topLevelEntry.exec(path)?.[1];
    return name === undefined || entry.dev || entry.devOptional ? [] : [name];
  });
}

/**
 * Run node here with `--preserve-symlinks`: otherwise Node follows each link back into
 * the checkout and a package's own imports would see every dev dependency there.
 */
export function makeProductionInstall(folder: string): void {
  copyFileSync(join(repoRoot, 'package.json'), join(folder, 'package.json'));
  for (const name of productionPackages()) {
    const installed = join(repoRoot, 'node_modules', name);
    // Optional packages for other platforms are in the lockfile but were never installed.
    if (!existsSync(installed)) continue;
    const link = join(folder, 'node_modules', name);
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(installed, link, 'dir');
  }
}
