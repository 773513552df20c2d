/**
 * A guest's join: A starts a call from the extension's popup; a browser with no extension
 * opens the invite link on the guest page, and once its lobby is ready as a person would find
 * it (preview showing, server connected), clicks Join the call. Timed from that click to the
 * guest's first remote frame, with the same probe as the extension's join.
 */
import type { Page } from 'playwright-core';
import type { PlainBrowser, Profile } from '../tests/e2e/support/browser';
import { callTab, openPopup } from '../tests/e2e/support/pages';
import { closeExtensionPages, stepTimeoutMs } from './call-tabs';
import type { ProbeWindow } from './in-page';

export async function measureGuestJoinMs(host: Profile, guests: PlainBrowser): Promise<number> {
  let page: Page | undefined;
  try {
    const hostCall = await (await openPopup(host)).start();
    await hostCall.waitForState('waiting', stepTimeoutMs);
    const invite = /https?:\/\/\S+\/join#[0-9a-z-]+/.exec(await hostCall.copyInvite())?.[0];
    if (!invite) throw new Error('the host copied no invite link');
    page = await guests.newPage();
    await page.goto(invite);
    await page.locator('[data-testid="signaling-status"][data-status="online"]').waitFor({ timeout: stepTimeoutMs });
    await page.waitForFunction(() => (document.querySelector<HTMLVideoElement>('video[data-testid="lobby-video"]')?.videoWidth ?? 0) > 0, null, { timeout: stepTimeoutMs });
    const clickAt = await page.evaluate(() => {
      const enter = document.querySelector<HTMLButtonElement>('button[data-action="enter"]')!;
      const at = Date.now();
      enter.click();
      return at;
    });
    await page.waitForFunction(() => (window as unknown as ProbeWindow).__bench?.marks.firstFrame !== undefined, null, { timeout: stepTimeoutMs, polling: 20 });
    const firstFrameAt = await page.evaluate(() => (window as unknown as ProbeWindow).__bench.marks.firstFrame!);
    await callTab(page).leave();
    await hostCall.leave();
    return firstFrameAt - clickAt;
  } finally {
    await page?.close().catch(() => undefined);
    await closeExtensionPages([host]);
  }
}
