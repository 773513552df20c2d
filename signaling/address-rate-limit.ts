/**
 * A token bucket per client address, for requests that cost the server real work
 * (POST /session and /ticket sign tokens and TURN credentials): `perMinute` on
 * average, bursts of `burst`. A bucket that has filled up again says nothing a new
 * one would not, so it is forgotten; buckets are kept in order of last use and the
 * least recently used goes first, so the table never holds more than `maxAddresses`.
 * Pure: the caller passes the time.
 */
const maxAddresses = 100_000;

interface Bucket {
  tokens: number;
  atMs: number;
}

export class AddressRateLimit {
  readonly #perMs: number;
  readonly #burst: number;
  readonly #buckets = new Map<string, Bucket>();

  constructor(perMinute: number, burst: number) {
    this.#perMs = perMinute / 60_000;
    this.#burst = burst;
  }

  /** Takes one request's worth for `address`; false when it is over its rate. */
  take(address: string, nowMs: number): boolean {
    this.#forgetRefilled(nowMs);
    const bucket = this.#buckets.get(address) ?? { tokens: this.#burst, atMs: nowMs };
    this.#buckets.delete(address);
    bucket.tokens = this.#refilled(bucket, nowMs);
    bucket.atMs = nowMs;
    const allowed = bucket.tokens >= 1;
    if (allowed) bucket.tokens -= 1;
    this.#buckets.set(address, bucket);
    if (this.#buckets.size > maxAddresses) this.#buckets.delete(this.#buckets.keys().next().value as string);
    return allowed;
  }

  /** Seconds until `address` may ask again; for Retry-After. */
  retryAfterSeconds(address: string, nowMs: number): number {
    const bucket = this.#buckets.get(address);
    if (bucket === undefined) return 0;
    return Math.max(1, Math.ceil((1 - this.#refilled(bucket, nowMs)) / this.#perMs / 1000));
  }

  get size(): number {
    return this.#buckets.size;
  }

  #refilled(bucket: Bucket, nowMs: number): number {
    return Math.min(this.#burst, bucket.tokens + Math.max(0, nowMs - bucket.atMs) * this.#perMs);
  }

  #forgetRefilled(nowMs: number): void {
    for (const [address, bucket] of this.#buckets) {
      if (this.#refilled(bucket, nowMs) < this.#burst) return;
      this.#buckets.delete(address);
    }
  }
}
