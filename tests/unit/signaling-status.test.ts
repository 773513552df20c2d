// @vitest-environment node
import { describe, expect, it } from 'vitest';
import {
  describeSignaling,
  firstRetryDelayMs,
  maxRetryDelayMs,
  retryDelayMs,
  type SignalingStatus,
} from '../../lib/signaling/signaling-status';

describe('retryDelayMs', () => {
  it('starts at 1 s and never waits more than 15 s', () => {
    expect(firstRetryDelayMs).toBe(1_000);
    expect(maxRetryDelayMs).toBe(15_000);
  });

  it.each([
    { attempt: 1, delayMs: 1_000 },
    { attempt: 2, delayMs: 2_000 },
    { attempt: 3, delayMs: 4_000 },
    { attempt: 4, delayMs: 8_000 },
    { attempt: 5, delayMs: 15_000 },
    { attempt: 6, delayMs: 15_000 },
    { attempt: 100, delayMs: 15_000 },
    { attempt: 10_000, delayMs: 15_000 },
  ])('retry $attempt waits $delayMs ms with middle jitter', ({ attempt, delayMs }) => {
    expect(retryDelayMs(attempt, 0.5)).toBe(delayMs);
  });

  it.each([
    { name: 'attempt 0', attempt: 0 },
    { name: 'a negative attempt', attempt: -3 },
  ])('$name is treated as the first retry', ({ attempt }) => {
    expect(retryDelayMs(attempt, 0.5)).toBe(firstRetryDelayMs);
  });

  it.each([
    { attempt: 1, baseMs: 1_000 },
    { attempt: 3, baseMs: 4_000 },
    { attempt: 6, baseMs: 15_000 },
  ])('jitter spreads retry $attempt between 0.8x and 1.2x of $baseMs ms', ({ attempt, baseMs }) => {
    expect(retryDelayMs(attempt, 0)).toBe(0.8 * baseMs);
    expect(retryDelayMs(attempt, 0.25)).toBe(0.9 * baseMs);
    expect(retryDelayMs(attempt, 0.75)).toBe(1.1 * baseMs);
    const highest = retryDelayMs(attempt, 0.999_999);
    expect(highest).toBeLessThanOrEqual(1.2 * baseMs);
    expect(highest).toBeGreaterThan(1.19 * baseMs);
  });

  it('returns whole milliseconds', () => {
    for (let attempt = 1; attempt <= 8; attempt++) {
      expect(Number.isInteger(retryDelayMs(attempt, Math.PI / 4))).toBe(true);
    }
  });
});

describe('describeSignaling', () => {
  const nowMs = 1_000_000;

  it.each<{ name: string; status: SignalingStatus; text: string }>([
    { name: 'offline', status: { kind: 'offline' }, text: 'Not connected to the PeerCall server.' },
    { name: 'connecting', status: { kind: 'connecting' }, text: 'Connecting to the PeerCall server…' },
    { name: 'online', status: { kind: 'online' }, text: 'Connected to the PeerCall server.' },
  ])('says what $name means', ({ status, text }) => {
    expect(describeSignaling(status, nowMs)).toBe(text);
  });

  it.each([
    { name: 'counts down whole seconds left', attempt: 1, inMs: 5_000, seconds: 5 },
    { name: 'rounds a part second up', attempt: 2, inMs: 1_001, seconds: 2 },
    { name: 'shows 1 s just before the retry', attempt: 3, inMs: 1, seconds: 1 },
    { name: 'shows 0 s when the retry is due', attempt: 4, inMs: 0, seconds: 0 },
    { name: 'never counts below 0 s when the retry is late', attempt: 5, inMs: -4_000, seconds: 0 },
    { name: 'shows the full wait at the cap', attempt: 12, inMs: 15_000, seconds: 15 },
  ])('while retrying it $name', ({ attempt, inMs, seconds }) => {
    const text = describeSignaling({ kind: 'retrying', attempt, retryAtMs: nowMs + inMs, sinceMs: nowMs - 7_500 }, nowMs);
    expect(text).toBe(
      `Cannot reach the PeerCall server (7 s). Retry ${attempt} in ${seconds} s; check your connection or the server address in Settings.`,
    );
  });

  it.each<{ name: string; status: SignalingStatus; text: string }>([
    { name: 'a dropped link being made again', status: { kind: 'reconnecting', sinceMs: nowMs - 3_200 }, text: 'Reconnecting to the PeerCall server… (3 s)' },
    { name: 'no network at all', status: { kind: 'no-network', sinceMs: nowMs - 61_000 }, text: "You're offline, reconnecting… (61 s). Check your Wi-Fi or network cable." },
  ])('says how long $name has lasted', ({ status, text }) => {
    expect(describeSignaling(status, nowMs)).toBe(text);
  });
});
