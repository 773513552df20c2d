import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LinkRepair, politeHeadStartMs, redialAfterMs, restartDelayMs } from '../../lib/call/link-repair';

describe('how often a lost connection is restarted', () => {
  it.each([
    [0, 0],
    [1, 1_000],
    [2, 2_000],
    [3, 4_000],
    [4, 8_000],
    [9, 8_000],
  ])('attempt %i waits %i ms', (attempt, ms) => {
    expect(restartDelayMs(attempt)).toBe(ms);
  });
});

describe('repairing one connection', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function repair(polite: boolean, online = { value: true }) {
    const calls = { restarts: 0, redials: 0 };
    const link = new LinkRepair(
      {
        restart: async () => void (calls.restarts += 1),
        canSignal: () => online.value,
        redial: () => void (calls.redials += 1),
        now: () => Date.now(),
      },
      polite,
    );
    return { link, calls, online };
  }

  it('the lower ID restarts at once, then with backoff', async () => {
    const { link, calls } = repair(false);
    link.start('noticed');
    await vi.advanceTimersByTimeAsync(0);
    expect(calls.restarts).toBe(1);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(calls.restarts).toBe(2);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(calls.restarts).toBe(3);
    link.stop();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls.restarts).toBe(3);
  });

  it('the higher ID gives the other a head start, unless its own network changed', async () => {
    const { link, calls } = repair(true);
    link.start('noticed');
    await vi.advanceTimersByTimeAsync(politeHeadStartMs - 1);
    expect(calls.restarts).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls.restarts).toBe(1);
    const mine = repair(true);
    mine.link.start('ours');
    await vi.advanceTimersByTimeAsync(0);
    expect(mine.calls.restarts).toBe(1);
  });

  it('waits for the server, and tries the moment it is back', async () => {
    const { link, calls, online } = repair(false, { value: false });
    link.start('noticed');
    await vi.advanceTimersByTimeAsync(30_000);
    expect(calls.restarts).toBe(0);
    online.value = true;
    link.signalingBack();
    await vi.advanceTimersByTimeAsync(0);
    expect(calls.restarts).toBe(1);
  });

  it('redials once restarts with a reachable server keep failing', async () => {
    const { link, calls } = repair(false);
    link.start('noticed');
    await vi.advanceTimersByTimeAsync(redialAfterMs + 8_000);
    expect(calls.redials).toBe(1);
    expect(link.active).toBe(false);
  });
});
