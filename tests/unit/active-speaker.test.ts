import { describe, expect, it } from 'vitest';
import { nextActiveSpeaker } from '../../lib/call/active-speaker';

const people = (...states: [string, boolean][]) => states.map(([peerId, speaking]) => ({ peerId, speaking }));

describe('the active speaker', () => {
  it.each<[string, string | null, ReturnType<typeof people>, string | null]>([
    ['nobody here: nobody', null, [], null],
    ['nobody has spoken: the first to arrive', null, people(['ann', false], ['ben', false]), 'ann'],
    ['someone speaks: them', 'ann', people(['ann', false], ['ben', true]), 'ben'],
    ['the speaker pauses: still them', 'ben', people(['ann', false], ['ben', false]), 'ben'],
    ['two speak at once: the one already shown', 'ben', people(['ann', true], ['ben', true]), 'ben'],
    ['the one shown leaves: the first left', 'cat', people(['ann', false], ['ben', false]), 'ann'],
    ['the one shown leaves while another speaks: the speaker', 'cat', people(['ann', false], ['ben', true]), 'ben'],
  ])('%s', (_name, previous, present, expected) => {
    expect(nextActiveSpeaker(previous, present)).toBe(expected);
  });
});
