import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  defaultTileAspect,
  defaultTileGapPx,
  focusLayout,
  galleryLayout,
  oneToOneLayout,
  selfAreaShare,
  type StageSize,
  type TileRect,
} from '../../lib/call/stage-layout';

const windows: StageSize[] = [
  { width: 1920, height: 1080 },
  { width: 1280, height: 720 },
  { width: 390, height: 844 },
];

function expectInside(tile: TileRect, stage: StageSize): void {
  expect(tile.x).toBeGreaterThanOrEqual(0);
  expect(tile.y).toBeGreaterThanOrEqual(0);
  expect(tile.x + tile.width).toBeLessThanOrEqual(stage.width);
  expect(tile.y + tile.height).toBeLessThanOrEqual(stage.height);
  for (const value of Object.values(tile)) expect(Number.isInteger(value)).toBe(true);
}

/** Apart by at least `gapPx` one way or the other. */
function expectApart(a: TileRect, b: TileRect, gapPx: number): void {
  const apartAcross = a.x + a.width + gapPx <= b.x || b.x + b.width + gapPx <= a.x;
  const apartDown = a.y + a.height + gapPx <= b.y || b.y + b.height + gapPx <= a.y;
  expect(apartAcross || apartDown, `${JSON.stringify(a)} and ${JSON.stringify(b)}`).toBe(true);
}

function expectAllApart(tiles: readonly TileRect[], gapPx: number): void {
  tiles.forEach((a, i) => tiles.slice(i + 1).forEach((b) => expectApart(a, b, gapPx)));
}

/** Heights are whole pixels, so a width may exceed height × aspect by less than one pixel of height. */
function expectAspect(tile: TileRect, aspect: number): void {
  const excess = tile.width - tile.height * aspect;
  expect(excess).toBeGreaterThanOrEqual(-1e-6);
  expect(excess).toBeLessThan(aspect);
}

/** The widest tile of the aspect a grid of `columns` columns fits, unrounded. */
function widestFor(stage: StageSize, count: number, columns: number, aspect: number, gapPx: number): number {
  const rows = Math.ceil(count / columns);
  return Math.min((stage.width - (columns - 1) * gapPx) / columns, ((stage.height - (rows - 1) * gapPx) / rows) * aspect);
}

const stages = fc.oneof(
  fc.constantFrom(...windows),
  fc.record({ width: fc.integer({ min: 200, max: 4000 }), height: fc.integer({ min: 200, max: 4000 }) }),
);
const aspects = fc.constantFrom(16 / 9, 4 / 3, 1, 9 / 16, 21 / 9);
const gaps = fc.integer({ min: 0, max: 16 });

describe('the gallery', () => {
  it.each<{ name: string; stage: StageSize; count: number; tiles: TileRect[] }>([
    { name: 'one person fills a 16:9 window', stage: windows[0]!, count: 1, tiles: [{ x: 0, y: 0, width: 1920, height: 1080 }] },
    {
      name: 'two sit side by side on a wide window, centred down',
      stage: windows[0]!,
      count: 2,
      tiles: [
        { x: 0, y: 271, width: 956, height: 537 },
        { x: 964, y: 271, width: 956, height: 537 },
      ],
    },
    {
      name: 'two stack on a phone',
      stage: windows[2]!,
      count: 2,
      tiles: [
        { x: 0, y: 199, width: 390, height: 219 },
        { x: 0, y: 426, width: 390, height: 219 },
      ],
    },
    {
      name: 'three make two rows, the third centred under the first two',
      stage: windows[0]!,
      count: 3,
      tiles: [
        { x: 4, y: 1, width: 952, height: 535 },
        { x: 964, y: 1, width: 952, height: 535 },
        { x: 484, y: 544, width: 952, height: 535 },
      ],
    },
    {
      name: 'six make three columns of two rows at 1280×720',
      stage: windows[1]!,
      count: 6,
      tiles: [0, 429, 858].flatMap((x) => [120, 364].map((y) => ({ x, y, width: 421, height: 236 }))).sort((a, b) => a.y - b.y || a.x - b.x),
    },
  ])('$name', ({ stage, count, tiles }) => {
    expect(galleryLayout(stage, count)).toEqual(tiles);
  });

  it('has no tiles for nobody', () => {
    expect(galleryLayout(windows[0]!, 0)).toEqual([]);
  });

  it.each([
    { name: 'a fractional count', call: () => galleryLayout(windows[0]!, 1.5) },
    { name: 'a negative count', call: () => galleryLayout(windows[0]!, -1) },
    { name: 'a zero aspect', call: () => galleryLayout(windows[0]!, 2, { aspect: 0 }) },
    { name: 'a NaN aspect', call: () => galleryLayout(windows[0]!, 2, { aspect: Number.NaN }) },
    { name: 'a negative gap', call: () => galleryLayout(windows[0]!, 2, { gapPx: -1 }) },
    { name: 'a stage of NaN width', call: () => galleryLayout({ width: Number.NaN, height: 10 }, 2) },
    { name: 'a stage of negative height', call: () => galleryLayout({ width: 10, height: -10 }, 2) },
  ])('refuses $name', ({ call }) => {
    expect(call).toThrow(RangeError);
  });

  it('uses whole pixels of a stage measured a hair under them', () => {
    expect(galleryLayout({ width: 1919.9999999, height: 1080.4 }, 1)).toEqual([{ x: 0, y: 0, width: 1920, height: 1080 }]);
  });

  it('fits n tiles of one size and shape inside the stage, apart, none wider for any other column count', () => {
    fc.assert(
      fc.property(stages, fc.integer({ min: 1, max: 16 }), aspects, gaps, (stage, count, aspect, gapPx) => {
        const tiles = galleryLayout(stage, count, { aspect, gapPx });
        expect(tiles).toHaveLength(count);
        const [first] = tiles;
        for (const tile of tiles) {
          expectInside(tile, stage);
          expect({ width: tile.width, height: tile.height }).toEqual({ width: first!.width, height: first!.height });
        }
        expect(first!.width).toBeGreaterThan(0);
        expectAspect(first!, aspect);
        expectAllApart(tiles, gapPx);
        for (let columns = 1; columns <= count; columns++) expect(first!.width + 1).toBeGreaterThan(widestFor(stage, count, columns, aspect, gapPx));
      }),
    );
  });

  it('centres the grid: the space left over is split evenly, each row centred across', () => {
    fc.assert(
      fc.property(stages, fc.integer({ min: 1, max: 16 }), (stage, count) => {
        const tiles = galleryLayout(stage, count);
        const top = Math.min(...tiles.map((t) => t.y));
        const bottom = stage.height - Math.max(...tiles.map((t) => t.y + t.height));
        expect(Math.abs(top - bottom)).toBeLessThanOrEqual(1);
        for (const y of new Set(tiles.map((t) => t.y))) {
          const row = tiles.filter((t) => t.y === y);
          const left = Math.min(...row.map((t) => t.x));
          const right = stage.width - Math.max(...row.map((t) => t.x + t.width));
          expect(Math.abs(left - right)).toBeLessThanOrEqual(1);
        }
      }),
    );
  });
});

describe('one large tile and a strip', () => {
  it.each(windows)('keeps everything inside a $width×$height stage and apart', (stage) => {
    for (let count = 0; count <= 8; count++) {
      const { focus, strip } = focusLayout(stage, count);
      expect(strip).toHaveLength(count);
      for (const tile of [focus, ...strip]) expectInside(tile, stage);
      expectAllApart([focus, ...strip], defaultTileGapPx);
      expectAspect(focus, defaultTileAspect);
      for (const tile of strip) expect(tile.width * tile.height).toBeLessThan(focus.width * focus.height);
    }
  });

  it('puts the strip at the side of a wide window and below on a phone', () => {
    const wide = focusLayout(windows[0]!, 3);
    for (const tile of wide.strip) expect(tile.x).toBeGreaterThanOrEqual(wide.focus.x + wide.focus.width + defaultTileGapPx);
    const phone = focusLayout(windows[2]!, 3);
    for (const tile of phone.strip) expect(tile.y).toBeGreaterThanOrEqual(phone.focus.y + phone.focus.height + defaultTileGapPx);
  });

  it('gives a shared screen its own shape, and a portrait screen the side even on a phone-wide stage', () => {
    const screen = focusLayout(windows[1]!, 2, { focusAspect: 16 / 10 });
    expectAspect(screen.focus, 16 / 10);
    const portrait = focusLayout({ width: 800, height: 600 }, 2, { focusAspect: 9 / 19.5 });
    for (const tile of portrait.strip) expect(tile.x).toBeGreaterThanOrEqual(portrait.focus.x + portrait.focus.width);
  });

  it('with nobody in the strip, fills the stage as a gallery of one would', () => {
    for (const stage of windows) expect(focusLayout(stage, 0)).toEqual({ focus: galleryLayout(stage, 1)[0], strip: [] });
  });

  it('holds for any stage, strip and shape', () => {
    fc.assert(
      fc.property(stages, fc.integer({ min: 0, max: 12 }), aspects, aspects, gaps, (stage, count, aspect, focusAspect, gapPx) => {
        const { focus, strip } = focusLayout(stage, count, { aspect, focusAspect, gapPx });
        for (const tile of [focus, ...strip]) expectInside(tile, stage);
        expectAllApart([focus, ...strip], gapPx);
        expectAspect(focus, focusAspect);
        for (const tile of strip) expectAspect(tile, aspect);
      }),
    );
  });
});

describe('a one-to-one call', () => {
  it.each(windows)('shows them as large as the stage allows and us in the corner, under a quarter of their size, at $width×$height', (stage) => {
    const { other, self } = oneToOneLayout(stage);
    expect(other).toEqual(galleryLayout(stage, 1)[0]);
    expectInside(self, stage);
    expectAspect(self, defaultTileAspect);
    expect(self.x + self.width).toBe(stage.width - defaultTileGapPx);
    expect(self.y + self.height).toBe(stage.height - defaultTileGapPx);
    expect(self.width * self.height).toBeLessThan((other.width * other.height) / 4);
  });

  it('keeps our picture in its own shape, in the corner, for any stage', () => {
    fc.assert(
      fc.property(stages, aspects, aspects, gaps, (stage, aspect, selfAspect, gapPx) => {
        const { other, self } = oneToOneLayout(stage, { aspect, selfAspect, gapPx });
        expectInside(other, stage);
        expectInside(self, stage);
        expectAspect(self, selfAspect);
        expect(self.width).toBeGreaterThan(0);
        expect(self.x + self.width).toBe(stage.width - gapPx);
        expect(self.y + self.height).toBe(stage.height - gapPx);
        expect(self.width * self.height).toBeLessThanOrEqual(stage.width * stage.height * selfAreaShare);
      }),
    );
  });
});
