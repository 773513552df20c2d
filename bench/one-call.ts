/**
 * One measured call between two profiles: A starts from its popup, B joins from its
 * popup, A switches camera, A and then B leave. Both call tabs are closed afterwards, so every
 * call opens fresh tabs as a person's first call of the day would.
 */
import type { Page } from 'playwright-core';
import type { Profile } from '../tests/e2e/support/browser';
import { pictureColour } from '../tests/e2e/support/media-probes';
import { openPopup } from '../tests/e2e/support/pages';
import { closeExtensionPages, joinAt, stepTimeoutMs } from './call-tabs';
import type { ProbeWindow } from './in-page';

/** Lets the first seconds of encoder ramp-up pass, so the switch is timed in a steady call. */
const settleBeforeSwitchMs = 1_000;
/** Mean green of B's picture: about 144 from fake_device_0, about 128 from fake_device_2. */
const greenBetweenCameras = 136;

export interface CallTimings {
  readonly joinMs: number;
  readonly cameraSwitchMs: number;
  /** When each step of the join happened, in ms after the click on Join. */
  readonly joinSteps: Record<string, number>;
}

/** Steps of the join, read from B's and A's call tabs: [name in the report, page, mark]. */
const joinSteps = [
  ['callTabOpened', 'bob', 'timeOrigin'],
  ['domContentLoaded', 'bob', 'domContentLoaded'],
  // PeerJS builds a throwaway RTCPeerConnection to detect support while its module is evaluated.
  ['peerjsEvaluated', 'bob', 'pcCreated'],
  ['gumStarted', 'bob', 'gumStart'],
  ['gumDone', 'bob', 'gumDone'],
  ['socketOpen', 'bob', 'wsOpen'],
  ['signalingOpen', 'bob', 'in:OPEN'],
  ['offerSent', 'bob', 'out:OFFER'],
  ['offerReachedA', 'alice', 'in:OFFER'],
  ['answerSentByA', 'alice', 'out:ANSWER'],
  ['answerReceived', 'bob', 'in:ANSWER'],
  ['remoteTrack', 'bob', 'remoteTrack'],
  ['connected', 'bob', 'pcConnected'],
  ['remoteVideoAttached', 'bob', 'remoteSrcSet'],
  ['firstFrame', 'bob', 'firstFrame'],
] as const;

export async function measureCall(alice: Profile, bob: Profile): Promise<CallTimings> {
  try {
    const aliceCall = await (await openPopup(alice)).start();
    await aliceCall.waitForState('waiting', stepTimeoutMs);
    const callId = await aliceCall.callId();

    const { clickAt, call: bobCall } = await joinAt(bob, callId);
    const firstFrameAt = await markOf(bobCall.page, 'firstFrame');
    await Promise.all([bobCall.waitForState('in-call', stepTimeoutMs), aliceCall.waitForState('in-call', stepTimeoutMs)]);

    await bobCall.page.waitForTimeout(settleBeforeSwitchMs);
    const before = await pictureColour(bobCall.page, 'remote-video');
    if (before.g <= greenBetweenCameras) throw new Error(`B should see fake_device_0 before the switch, but mean green is ${before.g.toFixed(1)}`);
    await bobCall.page.evaluate((threshold) => (window as unknown as ProbeWindow).__bench.watchGreen(threshold, true), greenBetweenCameras);
    const switchAt = await chooseCameraAt(aliceCall.page, 'fake_device_2');
    const arrivedAt = await markOf(bobCall.page, 'greenCrossed');

    const steps = await stepsAfter(clickAt, { alice: aliceCall.page, bob: bobCall.page });
    await aliceCall.leave();
    // B stays in the room, which outlives A, and is shown alone in it.
    await bobCall.page.getByTestId('empty-stage').waitFor({ timeout: stepTimeoutMs });
    await bobCall.leave();
    return { joinMs: firstFrameAt - clickAt, cameraSwitchMs: arrivedAt - switchAt, joinSteps: steps };
  } finally {
    await closeExtensionPages([alice, bob]);
  }
}

/** Picks a camera the way the select does (a change event), stamping the time in the page. */
function chooseCameraAt(page: Page, labelPart: string): Promise<number> {
  return page.evaluate((part) => {
    const select = document.querySelector<HTMLSelectElement>('select[name="camera"]')!;
    const option = [...select.options].find((o) => o.text.includes(part));
    if (!option) throw new Error(`No camera labelled like ${part}`);
    const at = Date.now();
    select.value = option.value;
    select.dispatchEvent(new Event('change', { bubbles: true }));
    return at;
  }, labelPart);
}

/** Waits for a probe mark in the page and returns its time (Date.now() in that page). */
async function markOf(page: Page, name: string): Promise<number> {
  await page.waitForFunction((mark) => (window as unknown as ProbeWindow).__bench?.marks[mark] !== undefined, name, {
    timeout: stepTimeoutMs,
    polling: 20,
  });
  return page.evaluate((mark) => (window as unknown as ProbeWindow).__bench.marks[mark]!, name);
}

async function stepsAfter(clickAt: number, pages: Record<'alice' | 'bob', Page>): Promise<Record<string, number>> {
  const read = (page: Page): Promise<Record<string, number>> =>
    page.evaluate(() => ({ ...(window as unknown as ProbeWindow).__bench.marks, timeOrigin: performance.timeOrigin }));
  const marks = { alice: await read(pages.alice), bob: await read(pages.bob) };
  const steps: Record<string, number> = {};
  for (const [name, side, mark] of joinSteps) {
    const at = marks[side][mark];
    if (at !== undefined) steps[name] = at - clickAt;
  }
  return steps;
}
