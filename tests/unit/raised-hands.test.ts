import { describe, expect, it } from 'vitest';
import { type HandEvent, lowerAfterSpeakingMs, maxRaisedHands, nextHands, noRaisedHands, type RaisedHand, type RaisedHands } from '../../lib/call/raised-hands';

const hand = (peerId: string, raisedAtMs: number, speakingSinceMs: number | null = null): RaisedHand => ({ peerId, raisedAtMs, speakingSinceMs });
const ada = hand('ada', 100);
const bo = hand('bo', 200);
const cy = hand('cy', 300);
const speaking = (peerId: string, atMs: number, on = true): HandEvent => ({ type: 'speaking', peerId, speaking: on, atMs });

function run(events: HandEvent[], from: RaisedHands = noRaisedHands): RaisedHands {
  return events.reduce(nextHands, from);
}

describe('the raised hands', () => {
  it.each<[string, RaisedHands, HandEvent[], RaisedHands]>([
    ['a raise puts the hand up', [], [{ type: 'raised', peerId: 'ada', raisedAtMs: 100 }], [ada]],
    [
      'hands are in the order they went up, not the order the messages came',
      [],
      [
        { type: 'raised', peerId: 'cy', raisedAtMs: 300 },
        { type: 'raised', peerId: 'ada', raisedAtMs: 100 },
        { type: 'raised', peerId: 'bo', raisedAtMs: 200 },
      ],
      [ada, bo, cy],
    ],
    [
      'two hands up in the same millisecond are ordered by peer ID, the same on every screen',
      [],
      [
        { type: 'raised', peerId: 'zed', raisedAtMs: 100 },
        { type: 'raised', peerId: 'ada', raisedAtMs: 100 },
      ],
      [hand('ada', 100), hand('zed', 100)],
    ],
    ['the owner lowering it takes it down', [ada, bo, cy], [{ type: 'lowered', peerId: 'bo' }], [ada, cy]],
    ['leaving takes it down', [ada, bo], [{ type: 'left', peerId: 'ada' }], [bo]],
    ['raised again later, the hand goes to the back', [ada, bo], [{ type: 'raised', peerId: 'ada', raisedAtMs: 900 }], [bo, hand('ada', 900)]],
    ['the same raise sent again keeps the time spoken so far', [hand('ada', 100, 5_000)], [{ type: 'raised', peerId: 'ada', raisedAtMs: 100 }], [hand('ada', 100, 5_000)]],
    ['speaking starts the count', [ada], [speaking('ada', 5_000)], [hand('ada', 100, 5_000)]],
    ['speaking short of the time keeps the hand up', [ada], [speaking('ada', 5_000), speaking('ada', 5_000 + lowerAfterSpeakingMs - 1)], [hand('ada', 100, 5_000)]],
    ['speaking for the time lowers it', [ada, bo], [speaking('ada', 5_000), speaking('ada', 5_000 + lowerAfterSpeakingMs)], [bo]],
    [
      'a pause starts the count again',
      [ada],
      [speaking('ada', 5_000), speaking('ada', 6_500, false), speaking('ada', 6_750), speaking('ada', 7_000 + lowerAfterSpeakingMs / 2)],
      [hand('ada', 100, 6_750)],
    ],
    ['someone else speaking changes nothing', [ada], [speaking('bo', 5_000), speaking('bo', 9_000)], [ada]],
    ['lowering a hand that is not up changes nothing', [ada], [{ type: 'lowered', peerId: 'bo' }, { type: 'left', peerId: 'cy' }], [ada]],
  ])('%s', (_name, before, events, after) => {
    expect(run(events, before)).toEqual(after);
  });

  it.each<[string, RaisedHands, HandEvent]>([
    ['a resent raise', [ada], { type: 'raised', peerId: 'ada', raisedAtMs: 100 }],
    ['lowering a hand that is not up', [ada], { type: 'lowered', peerId: 'bo' }],
    ['silence from someone not speaking', [ada], speaking('ada', 5_000, false)],
    ['more speaking, counted already', [hand('ada', 100, 5_000)], speaking('ada', 5_500)],
    ['speaking without a hand up', [ada], speaking('bo', 5_000)],
  ])('returns the same list for %s, so nothing re-renders', (_name, before, event) => {
    expect(nextHands(before, event)).toBe(before);
  });

  it('never changes the list it is given', () => {
    const before = Object.freeze([Object.freeze(ada), Object.freeze(bo)]);
    nextHands(before, { type: 'raised', peerId: 'cy', raisedAtMs: 50 });
    nextHands(before, speaking('ada', 1));
    nextHands(before, { type: 'lowered', peerId: 'ada' });
    expect(before).toEqual([ada, bo]);
  });

  it(`holds at most ${maxRaisedHands} hands, and a hand already up may still move`, () => {
    const full = run(Array.from({ length: maxRaisedHands + 5 }, (_, i): HandEvent => ({ type: 'raised', peerId: `p${i}`, raisedAtMs: i + 1 })));
    expect(full).toHaveLength(maxRaisedHands);
    expect(full.map((h) => h.peerId)).not.toContain(`p${maxRaisedHands}`);
    const moved = nextHands(full, { type: 'raised', peerId: 'p0', raisedAtMs: 10_000 });
    expect(moved.at(-1)).toEqual(hand('p0', 10_000));
    expect(moved).toHaveLength(maxRaisedHands);
  });
});
