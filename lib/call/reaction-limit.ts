/**
 * How often reactions and hand changes may cross a connection: token buckets, a burst at
 * once and then one more every `refillMs`. Kept as the one time the bucket is full again
 * (the generic cell rate algorithm), so whole-millisecond clocks give exact answers and a
 * clock stepping back grants nothing.
 *
 * The sender holds itself to the sending limit. The receiver allows each person the
 * receiving limit, twice the burst at the same pace: an honest sender's messages that the
 * network delays by up to `burst × refillMs` and then delivers together still pass, and a
 * flood from a modified client is dropped.
 */
export interface RateLimit {
  readonly burst: number;
  readonly refillMs: number;
}

export interface Bucket {
  /** When the bucket is full again; any time already past means full now. */
  readonly fullAtMs: number;
}

export interface Taken {
  readonly allowed: boolean;
  readonly bucket: Bucket;
  /** How long until one would be allowed; 0 when this one was. */
  readonly waitMs: number;
}

export const fullBucket: Bucket = { fullAtMs: Number.NEGATIVE_INFINITY };

/** Five at once, then about three a second: a clap of several, not a stream. */
export const reactionSendLimit: RateLimit = { burst: 5, refillMs: 300 };
/**
 * Hand changes are state, so a sender over the limit does not drop one: it sends the
 * latest state once `waitMs` has passed.
 */
export const handSendLimit: RateLimit = { burst: 3, refillMs: 1_000 };

export function receivingLimit(sending: RateLimit): RateLimit {
  return { burst: sending.burst * 2, refillMs: sending.refillMs };
}

export const reactionReceiveLimit = receivingLimit(reactionSendLimit);
export const handReceiveLimit = receivingLimit(handSendLimit);

/** Takes one message's token at `nowMs`, if there is one. */
export function take(bucket: Bucket, nowMs: number, limit: RateLimit): Taken {
  // A NaN would stick in the bucket and let everything through from then on.
  if (!Number.isFinite(nowMs)) throw new RangeError('A time is a finite number of milliseconds');
  const from = Math.max(bucket.fullAtMs, nowMs);
  const waitMs = from - nowMs - (limit.burst - 1) * limit.refillMs;
  if (waitMs > 0) return { allowed: false, bucket, waitMs };
  return { allowed: true, bucket: { fullAtMs: from + limit.refillMs }, waitMs: 0 };
}
