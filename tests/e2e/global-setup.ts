import { execFileSync } from 'node:child_process';

/**
 * The suite tests what a user loads: the production builds of the extension in
 * .output/chrome-mv3 and of the guest web page in .output/guest, which the signaling
 * server serves at /join.
 */
export default function buildExtensionAndGuestPage(): void {
  execFileSync('npx', ['wxt', 'build'], { stdio: ['ignore', 'ignore', 'inherit'] });
  execFileSync('npx', ['vite', 'build', '--config', 'guest/vite.config.ts', '--logLevel', 'warn'], { stdio: ['ignore', 'ignore', 'inherit'] });
}
