import { describe, expect, it } from 'vitest';
import { presenterOf, type StageChoice, type StageInputs, stageMode } from '../../lib/call/stage-mode';

const nobody = { pinned: null, presenter: null, speaker: null } as const;

describe('stageMode', () => {
  it.each<{ name: string; inputs: StageInputs; choice: StageChoice }>([
    { name: 'alone: the gallery (of our own tile and the empty card)', inputs: { others: [], ...nobody }, choice: { layout: 'gallery', large: null } },
    { name: 'two: one-to-one', inputs: { others: ['b'], ...nobody }, choice: { layout: 'one-to-one', large: null } },
    { name: 'three: the gallery', inputs: { others: ['b', 'c'], ...nobody }, choice: { layout: 'gallery', large: null } },
    { name: 'three, one pinned: they are large', inputs: { others: ['b', 'c'], ...nobody, pinned: 'c' }, choice: { layout: 'focus', large: 'c' } },
    { name: 'two, the other pinned: still one-to-one', inputs: { others: ['b'], ...nobody, pinned: 'b' }, choice: { layout: 'one-to-one', large: null } },
    { name: 'a pin on someone who left is no pin', inputs: { others: ['b', 'c'], ...nobody, pinned: 'x' }, choice: { layout: 'gallery', large: null } },
    { name: 'two, the other presents: their screen large', inputs: { others: ['b'], ...nobody, presenter: 'b' }, choice: { layout: 'presenter', large: 'b' } },
    { name: 'three, one presents', inputs: { others: ['b', 'c'], ...nobody, presenter: 'b' }, choice: { layout: 'presenter', large: 'b' } },
    {
      name: 'a pin wins over a screen',
      inputs: { others: ['b', 'c'], ...nobody, pinned: 'c', presenter: 'b' },
      choice: { layout: 'focus', large: 'c' },
    },
    {
      name: 'a screen wins over speaker view',
      inputs: { others: ['b', 'c'], ...nobody, presenter: 'b', speaker: 'c' },
      choice: { layout: 'presenter', large: 'b' },
    },
    {
      name: 'a presenter who left: back to what speaker view says',
      inputs: { others: ['b', 'c'], ...nobody, presenter: 'x', speaker: 'c' },
      choice: { layout: 'focus', large: 'c' },
    },
    { name: 'speaker view with three', inputs: { others: ['b', 'c'], ...nobody, speaker: 'b' }, choice: { layout: 'focus', large: 'b' } },
    { name: 'speaker view with two: one-to-one', inputs: { others: ['b'], ...nobody, speaker: 'b' }, choice: { layout: 'one-to-one', large: null } },
  ])('$name', ({ inputs, choice }) => {
    expect(stageMode(inputs)).toEqual(choice);
  });
});

describe('presenterOf', () => {
  it.each<{ name: string; people: { peerId: string; sharingSinceMs: number | null }[]; presenter: string | null }>([
    { name: 'nobody in the call', people: [], presenter: null },
    { name: 'nobody sharing', people: [{ peerId: 'a', sharingSinceMs: null }], presenter: null },
    {
      name: 'one sharing',
      people: [
        { peerId: 'a', sharingSinceMs: null },
        { peerId: 'b', sharingSinceMs: 5 },
      ],
      presenter: 'b',
    },
    {
      name: 'two sharing: the newest share',
      people: [
        { peerId: 'a', sharingSinceMs: 900 },
        { peerId: 'b', sharingSinceMs: 100 },
      ],
      presenter: 'a',
    },
    {
      name: 'two who began at once: the first in the call',
      people: [
        { peerId: 'a', sharingSinceMs: 100 },
        { peerId: 'b', sharingSinceMs: 100 },
      ],
      presenter: 'a',
    },
    { name: 'a share that began at time 0 counts', people: [{ peerId: 'a', sharingSinceMs: 0 }], presenter: 'a' },
  ])('$name', ({ people, presenter }) => {
    expect(presenterOf(people)).toBe(presenter);
  });
});
