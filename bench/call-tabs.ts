/** What every measured call does in the popup and the call tab, and how it tidies up after itself. */
import type { Profile } from '../tests/e2e/support/browser';
import { type CallTab, callTab, openPopup } from '../tests/e2e/support/pages';

export const stepTimeoutMs = 15_000;
/** Leaving is tidying up, not a measurement: a tab that cannot leave in this time is closed anyway. */
const leaveTimeoutMs = 5_000;

/**
 * Pastes the invite in a fresh popup and clicks Join there, which opens the lobby; once
 * the lobby is ready as a person would find it (preview showing, server connected), clicks
 * Join the call, stamping that click with the call tab's clock: the join the person waits on.
 */
export async function joinAt(profile: Profile, callId: string, name?: string): Promise<{ clickAt: number; call: CallTab }> {
  const popup = await openPopup(profile, name === undefined ? {} : { name });
  await popup.page.fill('input[name="invite"]', callId);
  const newTab = profile.context.waitForEvent('page', { timeout: stepTimeoutMs });
  await popup.page.click('button[data-action="join"]');
  const call = callTab(await newTab);
  await call.page.waitForURL('**/call.html', { waitUntil: 'commit', timeout: stepTimeoutMs });
  await call.page.locator('[data-testid="signaling-status"][data-status="online"]').waitFor({ timeout: stepTimeoutMs });
  await call.page.waitForFunction(() => (document.querySelector<HTMLVideoElement>('video[data-testid="lobby-video"]')?.videoWidth ?? 0) > 0, null, {
    timeout: stepTimeoutMs,
  });
  const clickAt = await call.page.evaluate(() => {
    const enter = document.querySelector<HTMLButtonElement>('button[data-action="enter"]')!;
    const at = Date.now();
    enter.click();
    return at;
  });
  return { clickAt, call };
}

/** Everyone still in a call clicks Leave and waits to be out, as far as each can. */
export async function leaveAll(calls: readonly CallTab[]): Promise<void> {
  await Promise.allSettled(
    calls.map(async (call) => {
      await call.page.click('button[data-action="leave"]', { timeout: leaveTimeoutMs });
      await call.waitForState('ended', leaveTimeoutMs);
    }),
  );
}

/**
 * Closes every extension page these profiles still show (popups, call tabs), including
 * any a failed run lost track of, so the next run opens fresh tabs as a first call would.
 */
export async function closeExtensionPages(profiles: readonly Profile[]): Promise<void> {
  const pages = profiles.flatMap((profile) => profile.context.pages().filter((page) => page.url().startsWith(profile.url(''))));
  // Popups close themselves after Start and Join; closing a closed page is a no-op.
  await Promise.all(pages.map((page) => page.close().catch(() => undefined)));
}
