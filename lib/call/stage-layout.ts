/**
 * Where each tile goes on the stage: the gallery, one tile large with the rest in a strip
 * (speaker view, and the presenter layout when a screen is shared), and the one-to-one
 * call with our own picture in a corner. Rectangles are in whole CSS pixels from the
 * stage's top-left corner: a video drawn at x = 10.5 is blurred.
 */

export interface TileRect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface StageSize {
  readonly width: number;
  readonly height: number;
}

export interface TileOptions {
  /** Width over height of a tile; camera pictures are 16:9 unless the sender says otherwise. */
  readonly aspect?: number;
  /** Between tiles, not around the stage's edges. */
  readonly gapPx?: number;
}

export const defaultTileAspect = 16 / 9;
export const defaultTileGapPx = 8;
/** How much of the stage's width (strip at the side) or height (at the bottom) the strip takes. */
export const stripShare = 0.2;
/**
 * Our own picture in a one-to-one call covers this share of the stage's area: 384×216 of
 * 1920×1080, 153×86 of a 390×844 phone. A share of the area, not of a side, keeps it
 * small on a stage of any shape.
 */
export const selfAreaShare = 1 / 25;

// Stage sizes come from layout and can be a hair under a whole number (1919.9999…).
const wholePx = (value: number): number => Math.max(0, Math.floor(value + 1e-6));

interface Grid {
  readonly columns: number;
  readonly rows: number;
  readonly tileWidth: number;
  readonly tileHeight: number;
}

/** The largest tile of the aspect that `columns` columns leave room for in a box. */
function gridOf(box: StageSize, count: number, columns: number, aspect: number, gapPx: number): Grid {
  const rows = Math.ceil(count / columns);
  const cellWidth = (box.width - (columns - 1) * gapPx) / columns;
  const cellHeight = (box.height - (rows - 1) * gapPx) / rows;
  const tileWidth = wholePx(Math.min(cellWidth, cellHeight * aspect));
  return { columns, rows, tileWidth, tileHeight: wholePx(tileWidth / aspect) };
}

function checkedAspect(aspect: number): number {
  if (!(aspect > 0) || !Number.isFinite(aspect)) throw new RangeError('A tile aspect is a positive width over height');
  return aspect;
}

function checked(options: TileOptions): { aspect: number; gapPx: number } {
  const gapPx = options.gapPx ?? defaultTileGapPx;
  if (!(gapPx >= 0) || !Number.isFinite(gapPx)) throw new RangeError('A gap is zero or more pixels');
  return { aspect: checkedAspect(options.aspect ?? defaultTileAspect), gapPx };
}

function checkedCount(count: number): number {
  if (!Number.isSafeInteger(count) || count < 0) throw new RangeError('A tile count is a whole number, zero or more');
  return count;
}

/**
 * `count` tiles of one size, as large as any number of columns allows, the grid centred
 * in the box and a short last row centred under the others.
 */
function fillBox(box: TileRect, count: number, aspect: number, gapPx: number): TileRect[] {
  if (count === 0) return [];
  let best = gridOf(box, count, 1, aspect, gapPx);
  for (let columns = 2; columns <= count; columns++) {
    const grid = gridOf(box, count, columns, aspect, gapPx);
    if (grid.tileWidth > best.tileWidth) best = grid;
  }
  const { columns, rows, tileWidth, tileHeight } = best;
  const top = box.y + Math.floor((box.height - (rows * tileHeight + (rows - 1) * gapPx)) / 2);
  return Array.from({ length: count }, (_, i) => {
    const row = Math.floor(i / columns);
    const inRow = row === rows - 1 ? count - row * columns : columns;
    const left = box.x + Math.floor((box.width - (inRow * tileWidth + (inRow - 1) * gapPx)) / 2);
    return { x: left + (i % columns) * (tileWidth + gapPx), y: top + row * (tileHeight + gapPx), width: tileWidth, height: tileHeight };
  });
}

function stageBox(stage: StageSize): TileRect {
  if (!(stage.width >= 0 && stage.height >= 0) || !Number.isFinite(stage.width + stage.height)) throw new RangeError('A stage is zero or more pixels each way');
  return { x: 0, y: 0, width: wholePx(stage.width), height: wholePx(stage.height) };
}

/** Everyone alike, as large as the stage allows. */
export function galleryLayout(stage: StageSize, count: number, options: TileOptions = {}): TileRect[] {
  const { aspect, gapPx } = checked(options);
  return fillBox(stageBox(stage), checkedCount(count), aspect, gapPx);
}

export interface FocusLayout {
  readonly focus: TileRect;
  readonly strip: TileRect[];
}

export interface FocusOptions extends TileOptions {
  /** Width over height of the large tile: a shared screen's own shape, a camera's otherwise. */
  readonly focusAspect?: number;
}

/**
 * One tile large and `stripCount` small ones in a strip: speaker view (the speaker or the
 * pinned person large) and the presenter layout (the shared screen large, everyone in the
 * strip). The strip goes where the large tile would leave space anyway: at the side when
 * the stage is at least as wide as the large tile's shape, at the bottom when narrower.
 */
export function focusLayout(stage: StageSize, stripCount: number, options: FocusOptions = {}): FocusLayout {
  const { aspect, gapPx } = checked(options);
  const focusAspect = checkedAspect(options.focusAspect ?? aspect);
  const box = stageBox(stage);
  if (checkedCount(stripCount) === 0) return { focus: fillBox(box, 1, focusAspect, gapPx)[0]!, strip: [] };
  const atSide = box.width >= box.height * focusAspect;
  const across = atSide ? box.width : box.height;
  const thickness = Math.floor(across * stripShare);
  const rest = Math.max(0, across - thickness - gapPx);
  const focusBox = atSide ? { ...box, width: rest } : { ...box, height: rest };
  const stripBox = atSide ? { ...box, x: across - thickness, width: thickness } : { ...box, y: across - thickness, height: thickness };
  return { focus: fillBox(focusBox, 1, focusAspect, gapPx)[0]!, strip: fillBox(stripBox, stripCount, aspect, gapPx) };
}

export interface OneToOneLayout {
  readonly other: TileRect;
  readonly self: TileRect;
}

export interface OneToOneOptions extends TileOptions {
  /** Width over height of our own picture, which may differ from theirs. */
  readonly selfAspect?: number;
}

/**
 * The other person as large as the stage allows, and our own picture small in the
 * bottom-right corner, a gap in from the edges. It lies over their picture when theirs
 * fills the stage, as people expect from Meet; it never leaves the stage.
 */
export function oneToOneLayout(stage: StageSize, options: OneToOneOptions = {}): OneToOneLayout {
  const { aspect, gapPx } = checked(options);
  const selfAspect = checkedAspect(options.selfAspect ?? aspect);
  const box = stageBox(stage);
  const other = fillBox(box, 1, aspect, gapPx)[0]!;
  const roomWidth = Math.max(0, box.width - 2 * gapPx);
  const roomHeight = Math.max(0, box.height - 2 * gapPx);
  const width = wholePx(Math.min(Math.sqrt(box.width * box.height * selfAreaShare * selfAspect), roomWidth, roomHeight * selfAspect));
  const height = wholePx(width / selfAspect);
  return { other, self: { x: Math.max(0, box.width - gapPx - width), y: Math.max(0, box.height - gapPx - height), width, height } };
}
