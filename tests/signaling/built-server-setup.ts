import { execFileSync } from 'node:child_process';

/**
 * The "built-server" project runs the signaling tests that start their own server process
 * against what `npm run build:server` makes, under plain node: the output production runs.
 * It goes to a folder of its own under .output (ignored by git), so a developer's own build
 * in .output/server is left alone.
 */
export const builtServerDir = '.output/server-under-test';

export default function buildServer(): void {
  execFileSync('npx', ['tsx', 'scripts/build-server.ts', `--outdir=${builtServerDir}`], { stdio: ['ignore', 'ignore', 'inherit'] });
}
