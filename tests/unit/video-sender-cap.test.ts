import { describe, expect, it } from 'vitest';
import { type CappableSender, freshPictureScale, minCapIntervalMs, VideoSenderCap } from '../../lib/media/video-sender-cap';

/** A sender that records every setParameters, and lets a test hold one in flight. */
function fakeSender(width = 1280, height = 720) {
  let encodings: RTCRtpEncodingParameters[] = [{}];
  const applied: { maxBitrate?: number; scale?: number }[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const sender: CappableSender & { size: { width: number; height: number } } = {
    size: { width, height },
    track: { getSettings: () => ({ width: sender.size.width, height: sender.size.height }) },
    getParameters: () => ({ encodings: encodings.map((e) => ({ ...e })) }) as RTCRtpSendParameters,
    setParameters: async (parameters) => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 1));
      encodings = parameters.encodings;
      applied.push({ maxBitrate: encodings[0]!.maxBitrate, scale: encodings[0]!.scaleResolutionDownBy });
      inFlight -= 1;
    },
  };
  return { sender, applied, maxInFlight: () => maxInFlight };
}

const budget = { maxBitrateBps: 1_250_000, scaleResolutionDownBy: 1 };
const noWait = () => Promise.resolve();

/** A clock that moves only when the cap sleeps, and the sleeps it was asked for. */
function fakeClock() {
  let nowMs = 0;
  const waits: number[] = [];
  return {
    waits,
    now: () => nowMs,
    sleep: async (ms: number) => void (waits.push(ms), (nowMs += ms)),
    pass: (ms: number) => void (nowMs += ms),
  };
}

describe('capping one copy of our video', () => {
  it('applies the budget, then the size they show us at', async () => {
    const { sender, applied } = fakeSender();
    const cap = new VideoSenderCap(sender, noWait);
    await cap.setBudget(budget);
    await cap.setShown({ width: 640, height: 352 });
    expect(applied).toEqual([
      { maxBitrate: 1_250_000, scale: 1 },
      { maxBitrate: 1_250_000, scale: 2 },
    ]);
  });

  it('does nothing before a budget is known, and nothing when the cap is unchanged', async () => {
    const { sender, applied } = fakeSender();
    const cap = new VideoSenderCap(sender, noWait);
    await cap.setShown({ width: 640, height: 352 });
    expect(applied).toEqual([]);
    await cap.setBudget(budget);
    await cap.setShown({ width: 640, height: 352 });
    await cap.setShown({ width: 640, height: 352 });
    expect(applied).toHaveLength(1);
  });

  it('a flood of sizes is coalesced: one call in flight, and only the newest applied after it', async () => {
    const { sender, applied, maxInFlight } = fakeSender();
    const clock = fakeClock();
    const cap = new VideoSenderCap(sender, clock.sleep, clock.now);
    const done = [cap.setBudget(budget)];
    for (let height = 100; height < 700; height += 6) done.push(cap.setShown({ width: Math.round((height * 16) / 9), height }));
    await Promise.all(done);
    expect(maxInFlight()).toBe(1);
    expect(applied.length).toBeLessThanOrEqual(2);
    expect(applied.at(-1)!.scale).toBe(Math.round((720 / 694) * 100) / 100);
    expect(clock.waits.every((ms) => ms === minCapIntervalMs)).toBe(true);
  });

  it('sizes that come one by one change the encoder at most once per interval, counted from the last change', async () => {
    const { sender, applied } = fakeSender();
    const clock = fakeClock();
    const cap = new VideoSenderCap(sender, clock.sleep, clock.now);
    clock.pass(minCapIntervalMs);
    await cap.setBudget(budget);
    expect(clock.waits).toEqual([]);
    // A peer that sends a new size every 100 ms, each after the last was applied.
    for (const height of [352, 400, 448, 496]) {
      clock.pass(100);
      await cap.setShown({ width: Math.round((height * 16) / 9), height });
    }
    expect(applied).toHaveLength(5);
    expect(clock.waits).toEqual([400, 400, 400, 400]);
    // Long after the last change, the next goes at once.
    clock.pass(10 * minCapIntervalMs);
    await cap.setShown({ width: 640, height: 352 });
    expect(clock.waits).toHaveLength(4);
    expect(applied.at(-1)!.scale).toBe(2);
  });

  it('the first cap waits an interval from the start, so the first keyframe is not replaced on its way', async () => {
    const { sender, applied } = fakeSender();
    const clock = fakeClock();
    const cap = new VideoSenderCap(sender, clock.sleep, clock.now);
    clock.pass(120);
    const first = cap.setBudget(budget);
    void cap.setShown({ width: 640, height: 352 });
    await first;
    // Budget and size went in one change, 500 ms after the link was made.
    expect(clock.waits).toEqual([minCapIntervalMs - 120]);
    expect(applied).toEqual([{ maxBitrate: 1_250_000, scale: 2 }]);
  });

  it('a new source (a shared screen) is fitted again', async () => {
    const { sender, applied } = fakeSender();
    const cap = new VideoSenderCap(sender, noWait);
    await cap.setBudget(budget);
    await cap.setShown({ width: 960, height: 544 });
    sender.size = { width: 1920, height: 1080 };
    await cap.sourceChanged();
    expect(applied.map((a) => a.scale)).toEqual([1, 1.32, 1.99]);
  });

  it('a fresh picture changes the encoded size by 2 %, fewer pixels than the cap, and the next one goes back to the cap', async () => {
    const { sender, applied } = fakeSender();
    const cap = new VideoSenderCap(sender, noWait);
    await cap.setBudget(budget);
    await cap.setShown({ width: 640, height: 352 });
    await cap.freshPicture();
    await cap.freshPicture();
    expect(applied).toEqual([
      { maxBitrate: 1_250_000, scale: 1 },
      { maxBitrate: 1_250_000, scale: 2 },
      { maxBitrate: 1_250_000, scale: 2 * freshPictureScale },
      { maxBitrate: 1_250_000, scale: 2 },
    ]);
  });

  it('after a fresh picture, a change of cap applies the cap itself', async () => {
    const { sender, applied } = fakeSender();
    const cap = new VideoSenderCap(sender, noWait);
    await cap.setBudget(budget);
    await cap.freshPicture();
    await cap.setBudget({ maxBitrateBps: 600_000, scaleResolutionDownBy: 1 });
    expect(applied.map((a) => [a.maxBitrate, a.scale])).toEqual([
      [1_250_000, 1],
      [1_250_000, freshPictureScale],
      [600_000, 1],
    ]);
  });

  it('a fresh picture before any budget does nothing, then or when the budget comes', async () => {
    const { sender, applied } = fakeSender();
    const cap = new VideoSenderCap(sender, noWait);
    await cap.freshPicture();
    expect(applied).toEqual([]);
    await cap.setBudget(budget);
    expect(applied).toEqual([{ maxBitrate: 1_250_000, scale: 1 }]);
  });
});
