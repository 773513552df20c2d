// @vitest-environment node
/** The pure bookkeeping behind the server's limits, with the time passed in. */
import { describe, expect, it } from 'vitest';
import { AddressRateLimit } from '../../signaling/address-rate-limit';
import { UsedTickets } from '../../signaling/connect-tickets';
import { SendBudget } from '../../signaling/rate-limit';
import { RoomView } from '../../signaling/room-view';

describe('the flood rule of a send budget', () => {
  it.each([
    ['a steady flood at 7x the rate', 7, true],
    ['a steady flood at 2x the rate', 2, true],
    ['a client at its rate', 1, false],
  ])('%s within 30 s: closed %s', (_name, times, closed) => {
    const perSecond = 100;
    const meter = new SendBudget(perSecond, 300, 300, 0);
    let out = false;
    // Each second, everything past the rate is refused, one strike each.
    for (let second = 1; second <= 30 && !out; second++) {
      for (let i = 0; i < (times - 1) * perSecond && !out; i++) out = meter.strike(second * 1000);
    }
    expect(out).toBe(closed);
  });

  it('forgives an occasional burst over the rate', () => {
    const meter = new SendBudget(100, 300, 300, 0);
    for (let burst = 0; burst < 100; burst++) {
      for (let i = 0; i < 50; i++) expect(meter.strike(burst * 10_000)).toBe(false);
    }
  });
});

describe('the rate per address', () => {
  it('allows a burst, then the rate, per address', () => {
    const limit = new AddressRateLimit(60, 3);
    expect([1, 2, 3, 4].map(() => limit.take('a', 0))).toEqual([true, true, true, false]);
    expect(limit.take('b', 0)).toBe(true);
    expect(limit.retryAfterSeconds('a', 0)).toBe(1);
    expect(limit.take('a', 1_000)).toBe(true);
    expect(limit.take('a', 1_000)).toBe(false);
  });

  it('forgets addresses whose bucket has filled again', () => {
    const limit = new AddressRateLimit(60, 3);
    for (let i = 0; i < 1_000; i++) limit.take(`10.0.0.${i}`, 0);
    expect(limit.size).toBe(1_000);
    limit.take('10.1.0.1', 10_000);
    expect(limit.size).toBe(1);
  });
});

describe('used tickets', () => {
  it('takes a ticket once, forgets it when it expires, and refuses when full of live ones', () => {
    const used = new UsedTickets(2);
    expect(used.consume('n1', 30_000, 0)).toBe('fresh');
    expect(used.consume('n1', 30_000, 1)).toBe('used');
    expect(used.consume('n2', 30_000, 1)).toBe('fresh');
    expect(used.consume('n3', 30_000, 2)).toBe('full');
    expect(used.consume('n3', 60_000, 30_000)).toBe('fresh');
    expect(used.size).toBe(1);
  });
});

describe("a node's view of its peers' rooms", () => {
  it('learns members from joins and notices, and forgets a room with no local member', () => {
    const view = new RoomView();
    view.enter('ann', 'r1', ['bob']);
    expect(view.together('ann', 'bob')).toBe(true);
    expect(view.together('ann', 'eve')).toBe(false);
    view.noticed('peer-joined', 'r1', 'cat');
    expect(view.together('ann', 'cat')).toBe(true);
    view.noticed('peer-left', 'r1', 'bob');
    expect(view.together('ann', 'bob')).toBe(false);
    view.enter('ann', 'r2', []);
    expect(view.together('ann', 'cat')).toBe(false);
    expect(view.roomOf('ann')).toBe('r2');
    view.leave('ann');
    expect(view.roomOf('ann')).toBeUndefined();
    view.noticed('peer-joined', 'r2', 'dan');
    expect(view.together('ann', 'dan')).toBe(false);
  });
});
