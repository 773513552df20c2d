/**
 * A token bucket per connection: `perSecond` messages a second on average, with
 * bursts of up to `burst`. Pure: the caller passes the time.
 */
export class RateLimit {
  readonly #perSecond: number;
  readonly #burst: number;
  #tokens: number;
  #lastMs: number;

  constructor(perSecond: number, burst: number, nowMs: number) {
    this.#perSecond = perSecond;
    this.#burst = burst;
    this.#tokens = burst;
    this.#lastMs = nowMs;
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
}

/**
 * Whether a socket keeps sending over its rate. Each refused frame is a strike, and
 * strikes leak away at a tenth of the message rate: a client that is over its rate
 * now and then is never closed, while any steady flood (even one that lets a frame
 * through now and then) piles strikes up faster than they leak, and is. Pure.
 */
export class FloodMeter {
  readonly #leakPerSecond: number;
  readonly #closeAt: number;
  #strikes = 0;
  #lastMs: number;

  constructor(messagesPerSecond: number, closeAt: number, nowMs: number) {
    this.#leakPerSecond = messagesPerSecond / 10;
    this.#closeAt = closeAt;
    this.#lastMs = nowMs;
  }

  /** Counts a refused frame; true once the sender is to be disconnected. */
  strike(nowMs: number): boolean {
    this.#strikes = Math.max(0, this.#strikes - (Math.max(0, nowMs - this.#lastMs) * this.#leakPerSecond) / 1000) + 1;
    this.#lastMs = nowMs;
    return this.#strikes >= this.#closeAt;
  }
}
