import { execFileSync } from 'node:child_process';
import { buildGuestPage } from '../../scripts/guest-build';

/**
 * The suite tests what a user loads: the production builds of the extension in
 * .output/chrome-mv3 and of the guest web page in .output/guest, which the signaling
 * server serves at /join.
 */
export default async function buildExtensionAndGuestPage(): Promise<void> {
  execFileSync('npx', ['wxt', 'build'], { stdio: ['ignore', 'ignore', 'inherit'] });
  await buildGuestPage();
}
