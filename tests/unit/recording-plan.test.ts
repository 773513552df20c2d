// @vitest-environment node
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  afterChunk,
  coverCrop,
  maxRecordingBytes,
  pickRecordingMime,
  planTiles,
  recordingCanvas,
  recordingFileName,
  recordingMimeTypes,
} from '../../lib/media/recording-plan';

describe('which container a recording asks for', () => {
  it.each([
    { name: 'VP8 and Opus when the browser records them', supported: [...recordingMimeTypes], picked: 'video/webm;codecs=vp8,opus' },
    { name: 'VP9 when VP8 is missing', supported: ['video/webm;codecs=vp9,opus', 'video/webm'], picked: 'video/webm;codecs=vp9,opus' },
    { name: 'plain WebM as the last resort', supported: ['video/webm', 'video/mp4'], picked: 'video/webm' },
    { name: 'nothing when the browser records no WebM', supported: ['video/mp4'], picked: null },
  ])('$name', ({ supported, picked }) => {
    expect(pickRecordingMime((mime) => supported.includes(mime))).toBe(picked);
  });
});

describe('where the tiles go on the recorded picture', () => {
  it.each([1, 2, 3, 6])('%i tiles lie inside the 1280x720 picture without overlapping', (count) => {
    const plan = planTiles(Array.from({ length: count }, (_, i) => `person ${i}`));
    expect(plan.map((p) => p.tile)).toEqual(Array.from({ length: count }, (_, i) => `person ${i}`));
    for (const { rect } of plan) {
      expect(rect.x).toBeGreaterThanOrEqual(0);
      expect(rect.y).toBeGreaterThanOrEqual(0);
      expect(rect.x + rect.width).toBeLessThanOrEqual(recordingCanvas.width);
      expect(rect.y + rect.height).toBeLessThanOrEqual(recordingCanvas.height);
      expect(rect.width).toBeGreaterThan(0);
    }
    for (let i = 0; i < plan.length; i++)
      for (let j = i + 1; j < plan.length; j++) {
        const a = plan[i]!.rect;
        const b = plan[j]!.rect;
        expect(a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y).toBe(true);
      }
  });
});

describe('which part of a video fills a tile', () => {
  const tile = { x: 100, y: 50, width: 640, height: 360 };
  it.each([
    { name: 'a 16:9 video into a 16:9 tile: all of it', width: 1280, height: 720, crop: { x: 0, y: 0, width: 1280, height: 720 } },
    { name: 'a 4:3 video: cut at the top and bottom', width: 640, height: 480, crop: { x: 0, y: 60, width: 640, height: 360 } },
    { name: 'a tall phone video: the middle band', width: 720, height: 1280, crop: { x: 0, y: 437.5, width: 720, height: 405 } },
    { name: 'an ultrawide screen: cut at the sides', width: 3440, height: 1440, crop: { x: 440, y: 0, width: 2560, height: 1440 } },
    { name: 'a video with no frame yet: nothing', width: 0, height: 0, crop: { x: 0, y: 0, width: 0, height: 0 } },
  ])('$name', ({ width, height, crop }) => {
    expect(coverCrop(width, height, tile)).toEqual(crop);
  });

  it('always keeps the tile\'s shape and stays inside the video', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8000 }), fc.integer({ min: 1, max: 8000 }), fc.integer({ min: 1, max: 2000 }), fc.integer({ min: 1, max: 2000 }), (w, h, tw, th) => {
        const crop = coverCrop(w, h, { x: 0, y: 0, width: tw, height: th });
        expect(crop.x).toBeGreaterThanOrEqual(-1e-9);
        expect(crop.y).toBeGreaterThanOrEqual(-1e-9);
        expect(crop.x + crop.width).toBeLessThanOrEqual(w + 1e-6);
        expect(crop.y + crop.height).toBeLessThanOrEqual(h + 1e-6);
        expect(crop.width / crop.height).toBeCloseTo(tw / th, 6);
      }),
    );
  });
});

describe('when a recording is full', () => {
  it.each([
    { name: 'well under the cap: keep going', held: 0, chunk: 300_000, max: 1_000_000, after: { heldBytes: 300_000, full: false } },
    { name: 'one byte short of the cap: keep going', held: 600_000, chunk: 399_999, max: 1_000_000, after: { heldBytes: 999_999, full: false } },
    { name: 'reaching the cap exactly: stop, keeping the chunk', held: 600_000, chunk: 400_000, max: 1_000_000, after: { heldBytes: 1_000_000, full: true } },
    { name: 'a chunk that crosses the cap: stop, keeping it', held: 900_000, chunk: 400_000, max: 1_000_000, after: { heldBytes: 1_300_000, full: true } },
  ])('$name', ({ held, chunk, max, after }) => {
    expect(afterChunk(held, chunk, max)).toEqual(after);
  });

  it('holds at most 1 GiB by default', () => {
    expect(afterChunk(maxRecordingBytes - 1, 1).full).toBe(true);
    expect(afterChunk(maxRecordingBytes - 2, 1).full).toBe(false);
  });
});

describe('the name a recording is downloaded under', () => {
  it.each([
    { at: new Date(2025, 0, 2, 3, 4, 5), name: 'PeerCall-2025-01-02-030405.webm' },
    { at: new Date(2024, 11, 31, 23, 59, 59), name: 'PeerCall-2024-12-31-235959.webm' },
  ])('$name', ({ at, name }) => {
    expect(recordingFileName(at)).toBe(name);
  });
});
