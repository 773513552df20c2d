/**
 * Pictures of the real extension, taken during the e2e run. A test run writes them to a
 * scratch folder, so `npm test` leaves the checkout as it found it; `npm run screenshots`
 * points PEERCALL_SCREENSHOTS_DIR at docs/screenshots to refresh the README's on purpose.
 */
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Locator, Page } from 'playwright-core';

export const screenshotsDir = resolve(process.env.PEERCALL_SCREENSHOTS_DIR ?? join(tmpdir(), 'peercall-screenshots'));

export async function saveScreenshot(target: Page | Locator, name: string): Promise<void> {
  mkdirSync(screenshotsDir, { recursive: true });
  const path = join(screenshotsDir, `${name}.png`);
  if ('goto' in target) await target.screenshot({ path, animations: 'disabled', fullPage: true });
  else await target.screenshot({ path, animations: 'disabled' });
}
