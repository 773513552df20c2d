/**
 * One log line per class of refusal per socket, and no more than a few a second per
 * class overall: an attacker's ten thousand bad frames must be visible to the
 * operator without writing ten thousand lines. Lines carry the class and counts
 * only, never a token, ticket, room, SDP or address.
 */
import { logEvent } from './log.js';

/** Lines a class may write in a burst, and how fast that allowance comes back. */
const burstLines = 10;
const linesPerSecond = 1;

export class RefusalLog {
  readonly #seen = new WeakMap<object, Set<string>>();
  readonly #allowance = new Map<string, { lines: number; atMs: number; suppressed: number }>();

  /**
   * Notes a refusal of `reason` on `scope` (a socket, or null for a connection
   * refused before it became one); logs it unless this scope already did.
   */
  note(scope: object | null, reason: string, where: 'tcp' | 'http' | 'upgrade' | 'socket', nowMs = Date.now()): void {
    if (scope !== null) {
      let reasons = this.#seen.get(scope);
      if (reasons === undefined) this.#seen.set(scope, (reasons = new Set()));
      if (reasons.has(reason)) return;
      reasons.add(reason);
    }
    const key = `${where}:${reason}`;
    const budget = this.#allowance.get(key) ?? { lines: burstLines, atMs: nowMs, suppressed: 0 };
    budget.lines = Math.min(burstLines, budget.lines + ((nowMs - budget.atMs) * linesPerSecond) / 1000);
    budget.atMs = nowMs;
    this.#allowance.set(key, budget);
    if (budget.lines < 1) {
      budget.suppressed += 1;
      return;
    }
    budget.lines -= 1;
    logEvent('warn', 'refused', { reason, where, ...(budget.suppressed > 0 ? { suppressedBefore: budget.suppressed } : {}) });
    budget.suppressed = 0;
  }
}
