import { execFileSync } from 'node:child_process';

/** The suite tests what a user loads: the production build in .output/chrome-mv3. */
export default function buildExtension(): void {
  execFileSync('npx', ['wxt', 'build'], { stdio: ['ignore', 'ignore', 'inherit'] });
}
