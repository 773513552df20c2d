// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { expiryFrom, freshness, recheckInMs, refreshIntervalMs, statusTtlMs } from '../../lib/extension/call-status-freshness';

const nowMs = 1_700_000_000_000;
const proof = (expiresInMs: number) => ({ tabId: 12, expiresAtMs: nowMs + expiresInMs });

describe('a published status stands only while it proves its tab alive', () => {
  it.each([
    { name: 'just written, its tab open', expiresInMs: statusTtlMs, tabOpen: true, verdict: 'live' },
    { name: 'one renewal missed', expiresInMs: statusTtlMs - refreshIntervalMs, tabOpen: true, verdict: 'live' },
    { name: 'a moment before expiry', expiresInMs: 1, tabOpen: true, verdict: 'live' },
    { name: 'at its expiry', expiresInMs: 0, tabOpen: true, verdict: 'expired' },
    { name: 'past its expiry (a hung tab)', expiresInMs: -5_000, tabOpen: true, verdict: 'expired' },
    { name: 'fresh, but its tab holds no call page (closed or crashed)', expiresInMs: statusTtlMs, tabOpen: false, verdict: 'tab-gone' },
    { name: 'expired, and its tab gone too', expiresInMs: -5_000, tabOpen: false, verdict: 'tab-gone' },
    { name: 'expiring further ahead than one lifetime (the clock stepped back)', expiresInMs: statusTtlMs + 1, tabOpen: true, verdict: 'expiry-too-far' },
    { name: 'written an hour "later" than now', expiresInMs: 3_600_000, tabOpen: true, verdict: 'expiry-too-far' },
  ])('$name: $verdict', ({ expiresInMs, tabOpen, verdict }) => {
    expect(freshness(proof(expiresInMs), nowMs, tabOpen)).toBe(verdict);
  });

  it('a live tab renews well before its status expires, several times over', () => {
    expect(statusTtlMs / refreshIntervalMs).toBeGreaterThanOrEqual(5);
    // Chromium may hold a hidden tab's timers to one wake-up a minute.
    expect(statusTtlMs).toBeGreaterThan(60_000 + refreshIntervalMs);
  });

  it('a status written now expires one lifetime from now, and is live throughout', () => {
    const written = { tabId: 12, expiresAtMs: expiryFrom(nowMs) };
    expect(written.expiresAtMs).toBe(nowMs + statusTtlMs);
    expect(freshness(written, nowMs, true)).toBe('live');
    expect(freshness(written, nowMs + statusTtlMs - 1, true)).toBe('live');
    expect(freshness(written, nowMs + statusTtlMs, true)).toBe('expired');
  });

  it.each([
    { expiresInMs: 30_000, recheck: 30_000 },
    { expiresInMs: 0, recheck: 0 },
    { expiresInMs: -10, recheck: 0 },
  ])('a reader with nothing else to go on looks again in $recheck ms when it expires in $expiresInMs ms', ({ expiresInMs, recheck }) => {
    expect(recheckInMs(proof(expiresInMs), nowMs)).toBe(recheck);
  });
});
