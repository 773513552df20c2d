/**
 * The arithmetic of a call recording, kept apart from the browser objects that carry it out
 * (call-recorder.ts): which container to ask MediaRecorder for, where each tile goes on the
 * recorded picture and which part of a video fills it, and when the file is full.
 */
import { galleryLayout, type StageSize, type TileRect } from '../call/stage-layout';

/** The recorded picture: 720p, the size most players and sites take without resizing. */
export const recordingCanvas: StageSize = { width: 1280, height: 720 };
export const recordingFps = 25;
export const recordingVideoBitsPerSecond = 2_500_000;
export const recordingAudioBitsPerSecond = 128_000;
/** MediaRecorder hands over what it has this often, so a stop loses at most this much if the tab dies. */
export const recordingTimesliceMs = 1_000;
/**
 * Chunks are held in memory until the download. At the bitrates above this is about 55
 * minutes; past it the recording stops and says so, keeping everything recorded so far.
 */
export const maxRecordingBytes = 1024 ** 3;

/** Best first: every one of these is a WebM that Chromium and Firefox record and play. */
export const recordingMimeTypes = ['video/webm;codecs=vp8,opus', 'video/webm;codecs=vp9,opus', 'video/webm'] as const;

/** The first container the browser records, or null when it records none of them. */
export function pickRecordingMime(isTypeSupported: (mime: string) => boolean): string | null {
  return recordingMimeTypes.find((mime) => isTypeSupported(mime)) ?? null;
}

export interface PlannedTile<T> {
  readonly tile: T;
  readonly rect: TileRect;
}

/** Everyone alike, as the gallery draws them, on the recorded picture; the order is the stage's. */
export function planTiles<T>(tiles: readonly T[], canvas: StageSize = recordingCanvas): PlannedTile<T>[] {
  const rects = galleryLayout(canvas, tiles.length);
  return tiles.map((tile, i) => ({ tile, rect: rects[i]! }));
}

/**
 * The part of a `width`×`height` video that fills `rect` without distortion: the middle of
 * it, cut at the sides or the top and bottom, as the tiles on screen are (object-fit: cover).
 */
export function coverCrop(width: number, height: number, rect: TileRect): TileRect {
  if (!(width > 0 && height > 0 && rect.width > 0 && rect.height > 0)) return { x: 0, y: 0, width: 0, height: 0 };
  const scale = Math.max(rect.width / width, rect.height / height);
  const shownWidth = rect.width / scale;
  const shownHeight = rect.height / scale;
  return { x: (width - shownWidth) / 2, y: (height - shownHeight) / 2, width: shownWidth, height: shownHeight };
}

/**
 * Bytes held after a chunk arrives, and whether the recording must stop there. The chunk
 * that reaches the cap is kept, so the file ends at most one timeslice (and the last
 * chunk MediaRecorder hands over on stop) past it: nothing recorded is dropped.
 */
export function afterChunk(heldBytes: number, chunkBytes: number, maxBytes: number = maxRecordingBytes): { heldBytes: number; full: boolean } {
  const held = heldBytes + chunkBytes;
  return { heldBytes: held, full: held >= maxBytes };
}

/** The name the download is offered under, from when the recording started, in local time. */
export function recordingFileName(startedAt: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  const day = `${startedAt.getFullYear()}-${two(startedAt.getMonth() + 1)}-${two(startedAt.getDate())}`;
  return `PeerCall-${day}-${two(startedAt.getHours())}${two(startedAt.getMinutes())}${two(startedAt.getSeconds())}.webm`;
}
