import { describe, expect, it } from 'vitest';
import {
  type FloatingReaction,
  type FloatingReactions,
  maxFloatingPerPerson,
  maxFloatingReactions,
  reactionShownMs,
  unexpired,
  withFloating,
  withoutPerson,
} from '../../lib/call/floating-reactions';

let nextId = 1;
const r = (from: string | null, atMs = 0): FloatingReaction => ({ id: nextId++, from, reaction: 'clap', atMs });

describe('the reactions floating over the tiles', () => {
  it('a new one joins the others, in the order they came', () => {
    const ada = r('ada');
    const ours = r(null);
    expect(withFloating([ada], ours)).toEqual([ada, ours]);
  });

  it(`a person shows at most ${maxFloatingPerPerson} at once: their oldest goes, nobody else's`, () => {
    const bo = r('bo');
    const adas = Array.from({ length: maxFloatingPerPerson }, () => r('ada'));
    const newest = r('ada');
    const after = withFloating([adas[0]!, bo, ...adas.slice(1)], newest);
    expect(after).toEqual([bo, ...adas.slice(1), newest]);
  });

  it(`the whole screen shows at most ${maxFloatingReactions}, the newest`, () => {
    let list: FloatingReactions = [];
    const all = Array.from({ length: maxFloatingReactions + 7 }, (_, i) => r(`p${i}`));
    for (const one of all) list = withFloating(list, one);
    expect(list).toEqual(all.slice(7));
  });

  it.each<[string, number, number]>([
    ['just sent', 1_000, 2],
    ['one millisecond short of the time', reactionShownMs - 1, 2],
    ['the first at its time', reactionShownMs, 1],
    ['both past their time', 1_000 + reactionShownMs, 0],
  ])('expiry, %s: %i ms in, %i still showing', (_name, nowMs, showing) => {
    const list = [r('ada', 0), r('bo', 1_000)];
    expect(unexpired(list, nowMs)).toEqual(list.slice(2 - showing));
  });

  it('returns the same list when nothing expired or nobody of theirs shows, so nothing re-renders', () => {
    const list = [r('ada', 0)];
    expect(unexpired(list, 10)).toBe(list);
    expect(withoutPerson(list, 'bo')).toBe(list);
  });

  it('someone who left takes their reactions along', () => {
    const ours = r(null);
    const bo = r('bo');
    expect(withoutPerson([r('ada'), ours, r('ada'), bo], 'ada')).toEqual([ours, bo]);
  });
});
