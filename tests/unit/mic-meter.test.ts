import { describe, expect, it } from 'vitest';
import { meterLevel } from '../../lib/media/mic-meter';

const wave = (amplitude: number, n = 1024) => Float32Array.from({ length: n }, (_, i) => amplitude * Math.sin((2 * Math.PI * i) / 64));

describe('the microphone meter', () => {
  it.each([
    ['silence', new Float32Array(1024), 0],
    ['nothing at all', new Float32Array(0), 0],
    ['a quiet voice', wave(0.02), 0.19],
    ['normal speech', wave(0.2), 0.6],
    ['a shout', wave(1), 1],
  ])('%s reads %s', (_name, samples, level) => {
    expect(meterLevel(samples)).toBeCloseTo(level, 2);
  });

  it('never goes past full', () => {
    expect(meterLevel(Float32Array.from({ length: 8 }, () => 5))).toBe(1);
  });
});
