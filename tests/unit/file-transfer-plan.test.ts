// @vitest-environment node
import { describe, expect, it } from 'vitest';
import {
  acceptChunk,
  chunkCount,
  chunkRange,
  defaultChunkBytes,
  formatBytes,
  highWaterBytes,
  lowWaterBytes,
  type ReceiveProgress,
  shouldPause,
  startReceive,
} from '../../lib/files/file-transfer-plan';
import { encodeChunk, maxChunkBytes, maxChunkHeaderBytes, maxFileBytes, minChunkBytes, parseChunk } from '../../lib/call/room-protocol';

const KiB = 1024;
const MiB = 1024 * KiB;

describe('chunkCount', () => {
  it.each([
    { size: 0, chunkBytes: 16 * KiB, count: 0 },
    { size: 1, chunkBytes: 16 * KiB, count: 1 },
    { size: 16 * KiB, chunkBytes: 16 * KiB, count: 1 },
    { size: 16 * KiB + 1, chunkBytes: 16 * KiB, count: 2 },
    { size: 20 * MiB, chunkBytes: 64 * KiB, count: 320 },
    { size: maxFileBytes, chunkBytes: minChunkBytes, count: 131_072 },
  ])('$size bytes in $chunkBytes-byte chunks make $count', ({ size, chunkBytes, count }) => {
    expect(chunkCount(size, chunkBytes)).toBe(count);
  });

  it.each([
    { size: -1, chunkBytes: 16 * KiB },
    { size: 1.5, chunkBytes: 16 * KiB },
    { size: Number.NaN, chunkBytes: 16 * KiB },
    { size: Number.POSITIVE_INFINITY, chunkBytes: 16 * KiB },
    { size: 10, chunkBytes: 0 },
    { size: 10, chunkBytes: -1 },
    { size: 10, chunkBytes: 0.5 },
  ])('refuses size $size in chunks of $chunkBytes', ({ size, chunkBytes }) => {
    expect(() => chunkCount(size, chunkBytes)).toThrow(RangeError);
  });
});

describe('chunkRange', () => {
  it.each([
    { index: 0, size: 40, chunkBytes: 16, range: { start: 0, end: 16 } },
    { index: 1, size: 40, chunkBytes: 16, range: { start: 16, end: 32 } },
    { index: 2, size: 40, chunkBytes: 16, range: { start: 32, end: 40 } },
    { index: 1, size: 32, chunkBytes: 16, range: { start: 16, end: 32 } },
    { index: 0, size: 1, chunkBytes: 16, range: { start: 0, end: 1 } },
  ])('chunk $index of $size bytes spans $range.start..$range.end', ({ index, size, chunkBytes, range }) => {
    expect(chunkRange(index, size, chunkBytes)).toEqual(range);
  });

  it.each([
    { index: -1, size: 40 },
    { index: 3, size: 40 },
    { index: 0.5, size: 40 },
    { index: 0, size: 0 },
  ])('refuses chunk $index of a $size-byte file', ({ index, size }) => {
    expect(() => chunkRange(index, size, 16)).toThrow(RangeError);
  });

  it.each([1, 15, 16, 17, 100, 1000])('chunks of a %i-byte file tile it without gaps or overlap', (size) => {
    let next = 0;
    for (let i = 0; i < chunkCount(size, 16); i++) {
      const { start, end } = chunkRange(i, size, 16);
      expect(start).toBe(next);
      expect(end).toBeGreaterThan(start);
      next = end;
    }
    expect(next).toBe(size);
  });
});

describe('receive progress', () => {
  const offer = { size: 40, chunkBytes: 16 };

  it('starts at nothing received', () => {
    expect(startReceive(offer)).toMatchObject({ chunks: 3, nextIndex: 0, receivedBytes: 0, fraction: 0, complete: false });
  });

  it('is complete at once for an empty file, and accepts no chunk', () => {
    const empty = startReceive({ size: 0, chunkBytes: 16 });
    expect(empty).toMatchObject({ chunks: 0, fraction: 1, complete: true });
    expect(acceptChunk(empty, 0, 1)).toEqual({ ok: false, reason: 'out-of-range' });
  });

  it('counts chunks taken in order up to complete', () => {
    const seen: Array<Pick<ReceiveProgress, 'receivedBytes' | 'fraction' | 'complete'>> = [];
    let progress = startReceive(offer);
    for (const [index, bytes] of [[0, 16], [1, 16], [2, 8]] as const) {
      const verdict = acceptChunk(progress, index, bytes);
      if (!verdict.ok) throw new Error(verdict.reason);
      progress = verdict.progress;
      seen.push({ receivedBytes: progress.receivedBytes, fraction: progress.fraction, complete: progress.complete });
    }
    expect(seen).toEqual([
      { receivedBytes: 16, fraction: 0.4, complete: false },
      { receivedBytes: 32, fraction: 0.8, complete: false },
      { receivedBytes: 40, fraction: 1, complete: true },
    ]);
  });

  it('leaves the progress it was given untouched', () => {
    const before = startReceive(offer);
    const copy = { ...before };
    acceptChunk(before, 0, 16);
    expect(before).toEqual(copy);
  });

  const afterFirst = (() => {
    const verdict = acceptChunk(startReceive(offer), 0, 16);
    if (!verdict.ok) throw new Error(verdict.reason);
    return verdict.progress;
  })();

  it.each([
    { name: 'the same chunk twice', index: 0, bytes: 16, reason: 'duplicate' },
    { name: 'a chunk that skips ahead', index: 2, bytes: 8, reason: 'out-of-order' },
    { name: 'a chunk past the last', index: 3, bytes: 8, reason: 'out-of-range' },
    { name: 'a negative index', index: -1, bytes: 16, reason: 'out-of-range' },
    { name: 'a fractional index', index: 1.5, bytes: 16, reason: 'out-of-range' },
    { name: 'a NaN index', index: Number.NaN, bytes: 16, reason: 'out-of-range' },
    { name: 'an oversized chunk', index: 1, bytes: 17, reason: 'wrong-size' },
    { name: 'a short chunk', index: 1, bytes: 15, reason: 'wrong-size' },
    { name: 'an empty chunk', index: 1, bytes: 0, reason: 'wrong-size' },
  ])('rejects $name as $reason', ({ index, bytes, reason }) => {
    expect(acceptChunk(afterFirst, index, bytes)).toEqual({ ok: false, reason });
  });

  it('rejects a full-size last chunk when the file ends partway through it', () => {
    const second = acceptChunk(afterFirst, 1, 16);
    if (!second.ok) throw new Error(second.reason);
    expect(acceptChunk(second.progress, 2, 16)).toEqual({ ok: false, reason: 'wrong-size' });
  });

  it('reassembles a file sent as frames, byte for byte', () => {
    const file = Uint8Array.from({ length: 50_000 }, (_, i) => (i * 31) % 251);
    let progress = startReceive({ size: file.length, chunkBytes: minChunkBytes });
    const received = new Uint8Array(file.length);
    for (let i = 0; i < progress.chunks; i++) {
      const { start, end } = chunkRange(i, file.length, minChunkBytes);
      const chunk = parseChunk(encodeChunk('tx_abcdefgh', i, file.subarray(start, end)).buffer);
      if (!chunk) throw new Error('frame rejected');
      const verdict = acceptChunk(progress, chunk.index, chunk.payload.length);
      if (!verdict.ok) throw new Error(verdict.reason);
      received.set(chunk.payload, start);
      progress = verdict.progress;
    }
    expect(progress.complete).toBe(true);
    expect(Buffer.compare(received, file)).toBe(0);
  });
});

describe('backpressure', () => {
  it.each([
    { buffered: 0, pause: false },
    { buffered: lowWaterBytes, pause: false },
    { buffered: highWaterBytes - 1, pause: false },
    { buffered: highWaterBytes, pause: true },
    { buffered: 10 * highWaterBytes, pause: true },
  ])('with $buffered bytes buffered the sender pauses: $pause', ({ buffered, pause }) => {
    expect(shouldPause(buffered)).toBe(pause);
  });

  it('resumes below where it pauses, and the low mark still holds a whole chunk to keep the link busy', () => {
    expect(lowWaterBytes).toBeLessThan(highWaterBytes);
    expect(lowWaterBytes).toBeGreaterThanOrEqual(defaultChunkBytes);
  });

  it('keeps a 200 MB send to about a megabyte queued', () => {
    const size = 200 * MiB;
    let buffered = 0;
    let mostBuffered = 0;
    for (let i = 0; i < chunkCount(size, defaultChunkBytes); i++) {
      // The link drains down to the low mark while the sender waits for bufferedamountlow.
      if (shouldPause(buffered)) buffered = lowWaterBytes;
      const { start, end } = chunkRange(i, size, defaultChunkBytes);
      buffered += end - start;
      mostBuffered = Math.max(mostBuffered, buffered);
    }
    expect(mostBuffered).toBeLessThanOrEqual(highWaterBytes + defaultChunkBytes);
  });

  it('offers chunks that fit the 256 KiB message limit of Chrome data channels, header included', () => {
    expect(defaultChunkBytes).toBeGreaterThanOrEqual(minChunkBytes);
    expect(defaultChunkBytes + maxChunkHeaderBytes).toBeLessThanOrEqual(maxChunkBytes);
  });
});

describe('formatBytes', () => {
  it.each([
    { bytes: 0, text: '0 B' },
    { bytes: 1, text: '1 B' },
    { bytes: 1023, text: '1023 B' },
    { bytes: KiB, text: '1 KB' },
    { bytes: 1.5 * KiB, text: '1.5 KB' },
    { bytes: 10 * KiB, text: '10 KB' },
    { bytes: 1.5 * MiB, text: '1.5 MB' },
    { bytes: 20 * MiB, text: '20 MB' },
    { bytes: 200 * MiB + 300 * KiB, text: '200 MB' },
    { bytes: MiB - 1, text: '1 MB' },
    { bytes: maxFileBytes, text: '2 GB' },
    { bytes: 1024 * 1024 * MiB, text: '1 TB' },
    { bytes: 2048 * 1024 * MiB * 1024, text: '2048 TB' },
  ])('$bytes bytes read as $text', ({ bytes, text }) => {
    expect(formatBytes(bytes)).toBe(text);
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY])('refuses %s', (bytes) => {
    expect(() => formatBytes(bytes)).toThrow(RangeError);
  });
});
