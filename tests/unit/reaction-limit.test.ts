import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Bucket,
  fullBucket,
  handReceiveLimit,
  handSendLimit,
  type RateLimit,
  reactionReceiveLimit,
  reactionSendLimit,
  receivingLimit,
  take,
} from '../../lib/call/reaction-limit';

const limit: RateLimit = { burst: 3, refillMs: 1_000 };

/** Whether each message at these times passes one bucket, and how long each refused one was told to wait. */
function run(timesMs: readonly number[], rules: RateLimit = limit): { allowed: boolean[]; waits: number[] } {
  let bucket: Bucket = fullBucket;
  const allowed: boolean[] = [];
  const waits: number[] = [];
  for (const at of timesMs) {
    const taken = take(bucket, at, rules);
    bucket = taken.bucket;
    allowed.push(taken.allowed);
    if (!taken.allowed) waits.push(taken.waitMs);
  }
  return { allowed, waits };
}

describe('the reaction and hand rate limit', () => {
  it.each<[string, number[], boolean[], number[]]>([
    ['a burst passes at once', [0, 0, 0], [true, true, true], []],
    ['one past the burst waits for the next token', [0, 0, 0, 0], [true, true, true, false], [1_000]],
    ['a refused message spends nothing, so the wait only shrinks', [0, 0, 0, 0, 400], [true, true, true, false, false], [1_000, 600]],
    ['a token comes back each refill', [0, 0, 0, 1_000, 1_999, 2_000], [true, true, true, true, false, true], [1]],
    ['a steady pace at the refill rate always passes', [0, 1_000, 2_000, 3_000, 4_000, 5_000], [true, true, true, true, true, true], []],
    ['a long quiet spell banks no more than the burst', [0, 60_000, 60_000, 60_000, 60_000], [true, true, true, true, false], [1_000]],
    ['a clock stepping back grants nothing', [10_000, 10_000, 10_000, 5_000], [true, true, true, false], [6_000]],
    ['the first message ever passes at any time', [1_700_000_000_000], [true], []],
  ])('%s', (_name, times, allowed, waits) => {
    expect(run(times)).toEqual({ allowed, waits });
  });

  it('lets the receiver take twice the sender’s burst at the sender’s pace', () => {
    expect(receivingLimit({ burst: 4, refillMs: 250 })).toEqual({ burst: 8, refillMs: 250 });
    expect(reactionReceiveLimit).toEqual(receivingLimit(reactionSendLimit));
    expect(handReceiveLimit).toEqual(receivingLimit(handSendLimit));
  });

  it('refuses a time that is not a number, rather than letting everything through after it', () => {
    expect(() => take(fullBucket, Number.NaN, limit)).toThrow(RangeError);
    expect(() => take(fullBucket, Number.POSITIVE_INFINITY, limit)).toThrow(RangeError);
  });

  const rules = fc.record({ burst: fc.integer({ min: 1, max: 10 }), refillMs: fc.integer({ min: 1, max: 2_000 }) });
  const gapsMs = fc.array(fc.integer({ min: 0, max: 3_000 }), { maxLength: 60 });

  it('never lets more through in a window than the burst and the tokens the window refills', () => {
    fc.assert(
      fc.property(rules, gapsMs, (rule, gaps) => {
        const times = gaps.map((_, i) => gaps.slice(0, i + 1).reduce((a, b) => a + b, 0));
        const passed = times.filter((_, i) => run(times, rule).allowed[i]);
        passed.forEach((start, i) => {
          passed.slice(i).forEach((end, j) => expect(j + 1).toBeLessThanOrEqual(rule.burst + Math.floor((end - start) / rule.refillMs)));
        });
      }),
    );
  });

  it('passes everything an honest sender sent at its limit, however the network bunches it within burst × refill', () => {
    fc.assert(
      fc.property(rules, gapsMs, fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 60, maxLength: 60 }), (rule, gaps, lateness) => {
        const tries = gaps.map((_, i) => gaps.slice(0, i + 1).reduce((a, b) => a + b, 0));
        const { allowed } = run(tries, rule);
        const sent = tries.filter((_, i) => allowed[i]);
        const arrivals = sent.map((at, i) => at + Math.floor(lateness[i]! * rule.burst * rule.refillMs)).sort((a, b) => a - b);
        expect(run(arrivals, receivingLimit(rule)).allowed.every(Boolean)).toBe(true);
      }),
    );
  });
});
