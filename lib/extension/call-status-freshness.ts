/**
 * The status the call tab publishes is proof of life, not a flag: it names the tab that
 * wrote it and expires unless that tab refreshes it. A tab that crashes fires no pagehide,
 * and one that closes quickly can lose the write that would have cleared its status; so
 * whoever reads a status (the popup, the service worker) first checks that its tab still
 * holds a call page and that it has not expired, and discards it otherwise.
 */

/** How often a live call tab renews its status. */
export const refreshIntervalMs = 10_000;
/**
 * How long a status lives without renewal. Long, because Chromium may throttle the timers of
 * a hidden tab to one wake-up a minute, and a live call must not blink off the badge: a tab
 * that closes or crashes is caught at once by the tab check, and this only bounds how long a
 * tab that hangs (or a status left by a lost write in a tab that stays open) is believed.
 */
export const statusTtlMs = 75_000;

export interface StatusProof {
  /** The call tab that wrote the status. */
  readonly tabId: number;
  /** The call tab's clock (which the popup and the service worker share). */
  readonly expiresAtMs: number;
}

export type Freshness = 'live' | 'tab-gone' | 'expired' | 'expiry-too-far';

/** Whether a status still stands, given whether its tab still holds a call page. */
export function freshness(proof: StatusProof, nowMs: number, tabOpen: boolean): Freshness {
  if (!tabOpen) return 'tab-gone';
  if (nowMs >= proof.expiresAtMs) return 'expired';
  // Further ahead than one lifetime: the clock stepped back since it was written, so its age
  // is unknown. Its tab, if alive, renews it within refreshIntervalMs.
  if (proof.expiresAtMs - nowMs > statusTtlMs) return 'expiry-too-far';
  return 'live';
}

export function expiryFrom(nowMs: number): number {
  return nowMs + statusTtlMs;
}

/** How long a reader may wait before it must look again, if nothing else makes it. */
export function recheckInMs(proof: StatusProof, nowMs: number): number {
  return Math.max(0, proof.expiresAtMs - nowMs);
}
