/**
 * How a file is cut into chunks, how fast the sender may push them, and how the
 * receiver keeps count. Pure arithmetic: the data-channel code supplies the bytes.
 */
import { t } from '../i18n/i18n';

/**
 * What a sender offers. Chrome refuses data-channel messages over 256 KiB, header
 * included, so a `maxChunkBytes` chunk only suits peers that advertise more; 64 KiB
 * stays clear of that edge at a handful of messages per megabyte.
 */
export const defaultChunkBytes = 64 * 1024;
export const highWaterBytes = 4 * 1024 * 1024;
export const lowWaterBytes = 1024 * 1024;

/**
 * Backpressure for the sender, so a 200 MB file never sits in memory. The sender
 * reads one chunk at a time (`file.slice(start, end)`) and, before each send, asks
 * `shouldPause(channel.bufferedAmount)`. When it says yes, the sender sets
 * `channel.bufferedAmountLowThreshold = lowWaterBytes` and waits for the
 * `bufferedamountlow` event before reading the next chunk. At most about
 * `highWaterBytes` plus one chunk is ever queued; the gap between the two marks keeps
 * the channel busy while the sender wakes up, without waking it for every chunk.
 */
export function shouldPause(bufferedAmount: number): boolean {
  return bufferedAmount >= highWaterBytes;
}

function assertSizes(size: number, chunkBytes: number): void {
  if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`size must be a byte count, got ${size}`);
  if (!Number.isSafeInteger(chunkBytes) || chunkBytes <= 0) throw new RangeError(`chunkBytes must be positive, got ${chunkBytes}`);
}

/** An empty file has no chunks: the offer alone delivers it. */
export function chunkCount(size: number, chunkBytes: number): number {
  assertSizes(size, chunkBytes);
  return Math.ceil(size / chunkBytes);
}

/** Byte offsets of chunk `index`, end exclusive, as `Blob.slice` takes them. */
export function chunkRange(index: number, size: number, chunkBytes: number): { start: number; end: number } {
  const count = chunkCount(size, chunkBytes);
  if (!Number.isInteger(index) || index < 0 || index >= count) {
    throw new RangeError(`chunk ${index} is outside 0..${count - 1}`);
  }
  const start = index * chunkBytes;
  return { start, end: Math.min(start + chunkBytes, size) };
}

export interface ReceiveProgress {
  readonly size: number;
  readonly chunkBytes: number;
  readonly chunks: number;
  /** The only index accepted next: the channel is reliable and ordered, so any other is a broken sender. */
  readonly nextIndex: number;
  readonly receivedBytes: number;
  /** 0..1, for the progress bar. */
  readonly fraction: number;
  readonly complete: boolean;
}

/** Any rejection ends the transfer: what was received can no longer match the offer's hash. */
export type ChunkRejection = 'duplicate' | 'out-of-order' | 'out-of-range' | 'wrong-size';
export type ChunkVerdict = { ok: true; progress: ReceiveProgress } | { ok: false; reason: ChunkRejection };

function progressAt(size: number, chunkBytes: number, nextIndex: number): ReceiveProgress {
  const chunks = chunkCount(size, chunkBytes);
  const receivedBytes = Math.min(nextIndex * chunkBytes, size);
  return {
    size,
    chunkBytes,
    chunks,
    nextIndex,
    receivedBytes,
    fraction: size === 0 ? 1 : receivedBytes / size,
    complete: nextIndex === chunks,
  };
}

/** Takes the parsed `file-offer` as is. */
export function startReceive(offer: { size: number; chunkBytes: number }): ReceiveProgress {
  return progressAt(offer.size, offer.chunkBytes, 0);
}

/** Checks a chunk against the offer before its bytes are kept; never mutates `progress`. */
export function acceptChunk(progress: ReceiveProgress, index: number, byteLength: number): ChunkVerdict {
  if (!Number.isInteger(index) || index < 0 || index >= progress.chunks) return { ok: false, reason: 'out-of-range' };
  if (index < progress.nextIndex) return { ok: false, reason: 'duplicate' };
  if (index > progress.nextIndex) return { ok: false, reason: 'out-of-order' };
  // Exact, not "at most": a short chunk would shift every later byte and only show up as a hash mismatch.
  const { start, end } = chunkRange(index, progress.size, progress.chunkBytes);
  if (byteLength !== end - start) return { ok: false, reason: 'wrong-size' };
  return { ok: true, progress: progressAt(progress.size, progress.chunkBytes, index + 1) };
}

const units = ['B', 'KB', 'MB', 'GB', 'TB'] as const;

/**
 * "1.5 MB", "200 MB", "2 GB". Powers of 1024, as the limits are defined, so the
 * 2 GiB cap reads "2 GB" rather than "2.1 GB".
 */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) throw new RangeError(`not a byte count: ${bytes}`);
  let value = bytes;
  let unit = 0;
  while (unit < units.length - 1 && value >= 1024) {
    value /= 1024;
    unit++;
  }
  // A decimal only while it tells the reader something: "312.4 MB" is noise.
  let shown = unit === 0 || value >= 10 ? Math.round(value) : Math.round(value * 10) / 10;
  if (shown === 1024 && unit < units.length - 1) {
    shown = 1;
    unit++;
  }
  return t(`unit.${units[unit]!}`, { value: shown });
}
