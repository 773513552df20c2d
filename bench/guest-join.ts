/**
 * A guest's join: A starts a call from the extension's popup; a browser with no extension
 * opens the invite link on the guest page, and once its lobby is ready as a person would find
 * it (preview showing, server connected), clicks Join the call. Timed from that click to the
 * guest's first remote frame, with the same probe as the extension's join. In a call that
 * asks, also from A's click on Admit to that first frame.
 */
import type { Page } from 'playwright-core';
import type { PlainBrowser, Profile } from '../tests/e2e/support/browser';
import { callTab, openPopup } from '../tests/e2e/support/pages';
import { closeExtensionPages, stepTimeoutMs } from './call-tabs';
import type { ProbeWindow } from './in-page';

export interface GuestJoin {
  /** Click on Join the call in the guest's lobby to the guest's first remote frame, in an open call. */
  readonly joinMs: number;
}

export interface GuestAdmit {
  /** In a call that asks: the host's click on Admit to the guest's first remote frame. */
  readonly admitMs: number;
  /** The guest's click on Join the call to the host seeing the request. */
  readonly requestShownMs: number;
}

export async function measureGuestJoinMs(host: Profile, guests: PlainBrowser): Promise<number> {
  return (await guestJoin(host, guests, false)).joinMs;
}

export async function measureGuestAdmit(host: Profile, guests: PlainBrowser): Promise<GuestAdmit> {
  const { admit } = await guestJoin(host, guests, true);
  if (!admit) throw new Error('the guest was never asked to wait');
  return admit;
}

async function guestJoin(host: Profile, guests: PlainBrowser, ask: boolean): Promise<GuestJoin & { admit?: GuestAdmit }> {
  let page: Page | undefined;
  try {
    const hostCall = await (await openPopup(host)).start();
    await hostCall.waitForState('waiting', stepTimeoutMs);
    if (ask) {
      await hostCall.setAskToJoin(true);
      await hostCall.waitForPolicy('ask');
    }
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
    let admit: GuestAdmit | undefined;
    if (ask) {
      // One machine, one clock: the host's Date.now() and the guest's compare.
      const card = hostCall.page.getByTestId('join-request').locator('button[data-action="admit"]');
      await card.waitFor({ timeout: stepTimeoutMs });
      const shownAt = await hostCall.page.evaluate(() => Date.now());
      const admitAt = await hostCall.page.evaluate(() => {
        const button = document.querySelector<HTMLButtonElement>('[data-testid="join-request"] button[data-action="admit"]')!;
        const at = Date.now();
        button.click();
        return at;
      });
      admit = { admitMs: 0, requestShownMs: shownAt - clickAt };
      await page.waitForFunction(() => (window as unknown as ProbeWindow).__bench?.marks.firstFrame !== undefined, null, { timeout: stepTimeoutMs, polling: 20 });
      admit = { ...admit, admitMs: (await page.evaluate(() => (window as unknown as ProbeWindow).__bench.marks.firstFrame!)) - admitAt };
    }
    await page.waitForFunction(() => (window as unknown as ProbeWindow).__bench?.marks.firstFrame !== undefined, null, { timeout: stepTimeoutMs, polling: 20 });
    const firstFrameAt = await page.evaluate(() => (window as unknown as ProbeWindow).__bench.marks.firstFrame!);
    await callTab(page).leave();
    await hostCall.leave();
    return { joinMs: firstFrameAt - clickAt, ...(admit && { admit }) };
  } finally {
    await page?.close().catch(() => undefined);
    await closeExtensionPages([host]);
  }
}
