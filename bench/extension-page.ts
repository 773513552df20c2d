/** A measurement run inside a profile's extension origin: a fresh options page, closed afterwards. */
import type { Profile } from '../tests/e2e/support/browser';

export async function inExtensionPage<A, R>(profile: Profile, fn: (arg: A) => R | Promise<R>, arg: A): Promise<R> {
  const page = await profile.context.newPage();
  try {
    await page.goto(profile.url('options.html'));
    // Playwright types `arg` as its serialized form; ours are plain JSON values, the same thing.
    return (await page.evaluate(fn as (arg: unknown) => R | Promise<R>, arg)) as R;
  } finally {
    await page.close();
  }
}
