/**
 * Builds the guest web page (guest/) with Vite's API and the config as a module, so the
 * build writes nothing but its output: loaded from a file, Vite would first bundle the
 * config into node_modules/.vite-temp, which someone running PeerCall from a shared
 * checkout may not be allowed to write.
 */
import { build } from 'vite';
import { guestViteConfig } from '../guest/vite.config';

export async function buildGuestPage(outDir?: string): Promise<void> {
  await build({ ...guestViteConfig(outDir), configFile: false, logLevel: 'warn' });
}
