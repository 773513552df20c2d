/**
 * How much one socket may send: a token bucket of `perSecond` messages a second on
 * average with bursts of up to `burst`, and a flood rule on top. Each refused frame
 * is a strike, and strikes leak away at a tenth of the rate: a client over its rate
 * now and then is never closed, while any steady flood (even one that lets a frame
 * through now and then) piles strikes up faster than they leak. One object per
 * socket, since there are thousands. Pure: the caller passes the time.
 */
export class SendBudget {
  readonly #perSecond: number;
  readonly #burst: number;
  readonly #closeAtStrikes: number;
  #tokens: number;
  #strikes = 0;
  #lastMs: number;
  #lastStrikeMs: number;

  constructor(perSecond: number, burst: number, closeAtStrikes: number, nowMs: number) {
    this.#perSecond = perSecond;
    this.#burst = burst;
    this.#closeAtStrikes = closeAtStrikes;
    this.#tokens = burst;
    this.#lastMs = nowMs;
    this.#lastStrikeMs = nowMs;
  }

  /** Takes one message's worth; false when the sender is over its rate. */
  take(nowMs: number): boolean {
    const elapsedMs = Math.max(0, nowMs - this.#lastMs);
    this.#lastMs = nowMs;
    this.#tokens = Math.min(this.#burst, this.#tokens + (elapsedMs * this.#perSecond) / 1000);
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  /** Counts a refused frame; true once the sender is to be disconnected. */
  strike(nowMs: number): boolean {
    const leaked = (Math.max(0, nowMs - this.#lastStrikeMs) * this.#perSecond) / 10 / 1000;
    this.#strikes = Math.max(0, this.#strikes - leaked) + 1;
    this.#lastStrikeMs = nowMs;
    return this.#strikes >= this.#closeAtStrikes;
  }
}
