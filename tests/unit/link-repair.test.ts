import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LinkRepair, noticedLossWaitMs, politeHeadStartMs, redialAfterMs, restartDelayMs } from '../../lib/call/link-repair';

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

  function repair(polite: boolean, online = { value: true }, answered = { value: true }, up = { value: false }) {
    const calls = { restarts: 0, redials: 0 };
    let exchangedAtMs: number | null = null;
    const link = new LinkRepair(
      {
        restart: async () => {
          calls.restarts += 1;
          if (answered.value) exchangedAtMs ??= Date.now();
        },
        canSignal: () => online.value,
        exchangedAtMs: () => exchangedAtMs,
        pathUp: () => up.value,
        redial: () => void (calls.redials += 1),
        now: () => Date.now(),
      },
      polite,
    );
    return { link, calls, online, up };
  }

  it('the lower ID restarts once a short gap has had time to heal by itself, then with backoff', async () => {
    const { link, calls } = repair(false);
    link.start('noticed');
    await vi.advanceTimersByTimeAsync(noticedLossWaitMs - 1);
    expect(calls.restarts).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
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
    await vi.advanceTimersByTimeAsync(noticedLossWaitMs + politeHeadStartMs - 1);
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
    link.start('ours');
    await vi.advanceTimersByTimeAsync(30_000);
    expect(calls.restarts).toBe(0);
    online.value = true;
    link.signalingBack();
    await vi.advanceTimersByTimeAsync(0);
    expect(calls.restarts).toBe(1);
  });

  it('redials once restarts the other side answered keep failing', async () => {
    const { link, calls } = repair(false);
    link.start('noticed');
    await vi.advanceTimersByTimeAsync(redialAfterMs + 8_000);
    expect(calls.redials).toBe(1);
    expect(link.active).toBe(false);
  });

  it('never redials while the other side has not answered: they are unreachable, not broken', async () => {
    const { link, calls } = repair(false, { value: true }, { value: false });
    link.start('noticed');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls.redials).toBe(0);
    expect(calls.restarts).toBeGreaterThan(5);
    expect(link.active).toBe(true);
  });
});

describe('a path that comes back by itself', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function repairWith(up: { value: boolean }) {
    const calls = { restarts: 0 };
    const link = new LinkRepair(
      {
        restart: async () => void (calls.restarts += 1),
        canSignal: () => true,
        exchangedAtMs: () => null,
        pathUp: () => up.value,
        redial: () => undefined,
        now: () => Date.now(),
      },
      false,
    );
    return { link, calls };
  }

  it('is not restarted: a restart would only interrupt it', async () => {
    const up = { value: false };
    const { link, calls } = repairWith(up);
    link.start('noticed');
    await vi.advanceTimersByTimeAsync(noticedLossWaitMs);
    expect(calls.restarts).toBe(1);
    up.value = true;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(calls.restarts).toBe(1);
    expect(link.active).toBe(false);
  });

  it('but our own network change restarts once even before ICE notices', async () => {
    const { link, calls } = repairWith({ value: true });
    link.start('ours');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(calls.restarts).toBe(1);
  });
});
