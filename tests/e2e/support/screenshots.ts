/** The README's pictures: taken from the real extension during the e2e run, into docs/screenshots. */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Locator, Page } from 'playwright-core';

const dir = resolve('docs/screenshots');

export async function saveScreenshot(target: Page | Locator, name: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const path = resolve(dir, `${name}.png`);
  if ('goto' in target) await target.screenshot({ path, animations: 'disabled', fullPage: true });
  else await target.screenshot({ path, animations: 'disabled' });
}
