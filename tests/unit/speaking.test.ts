import { describe, expect, it } from 'vitest';
import { audioLevels, nextSpeaking, notSpeaking, speakingHoldMs, speakingLevel, type SpeakingState } from '../../lib/media/speaking';

function run(samples: [level: number | null, atMs: number][]): boolean[] {
  let state: SpeakingState = notSpeaking;
  return samples.map(([level, at]) => (state = nextSpeaking(state, level, at)).speaking);
}

describe('who is speaking', () => {
  it.each<[string, [number | null, number][], boolean[]]>([
    ['silence is not speech', [[0, 0], [0, 250], [0.001, 500]], [false, false, false]],
    ['no level reported yet is not speech', [[null, 0], [null, 250]], [false, false]],
    ['a level at the threshold is speech', [[speakingLevel, 0]], [true]],
    ['a level just under the threshold is not', [[speakingLevel - 0.001, 0]], [false]],
    ['speech holds through a short pause', [[0.2, 0], [0, 250], [0, speakingHoldMs]], [true, true, true]],
    ['and ends once the pause outlasts the hold', [[0.2, 0], [0, speakingHoldMs + 1]], [true, false]],
    ['a NaN level is not speech', [[Number.NaN, 0]], [false]],
  ])('%s', (_name, samples, expected) => {
    expect(run(samples)).toEqual(expected);
  });

  it('returns the same state when nothing changed, so nothing re-renders', () => {
    const state = nextSpeaking(notSpeaking, 0, 0);
    expect(state).toBe(notSpeaking);
  });

  it('reads received and sent audio levels from a stats report, ignoring video and other stats', () => {
    const report = [
      { type: 'inbound-rtp', kind: 'audio', audioLevel: 0.4 },
      { type: 'inbound-rtp', kind: 'video', framesDecoded: 10 },
      { type: 'media-source', kind: 'audio', audioLevel: 0.1 },
      { type: 'media-source', kind: 'video', width: 640 },
      { type: 'candidate-pair', state: 'succeeded' },
    ];
    expect(audioLevels(report)).toEqual({ received: 0.4, sent: 0.1 });
    expect(audioLevels([])).toEqual({ received: null, sent: null });
    expect(audioLevels([{ type: 'inbound-rtp', kind: 'audio', audioLevel: 'loud' }])).toEqual({ received: null, sent: null });
  });
});
