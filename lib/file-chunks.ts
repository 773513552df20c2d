/**
 * A file cut into chunks on the way out and put back together on the way in. Both
 * ends hash as bytes pass, so neither reads a file twice nor holds it whole in the
 * JS heap: the sender reads a few chunks at a time, the receiver moves chunks into
 * Blobs (which the browser may page to disk).
 */
import { acceptChunk, type ChunkRejection, chunkCount, chunkRange, type ReceiveProgress, startReceive } from './file-transfer-plan';
import { Sha256 } from './sha256';

/** Each read of a Blob is a round trip to the browser's blob store: read this many chunks at once. */
const readAheadChunks = 16;
/** Received chunks move out of the JS heap into a Blob every this many bytes. */
const blobBatchBytes = 4 * 1024 * 1024;

/** The chunks of `file` in order, each hashed into `hash` as it is read. */
export async function* readChunks(file: Blob, chunkBytes: number, hash: Sha256): AsyncGenerator<{ index: number; end: number; bytes: Uint8Array }> {
  let window = new Uint8Array(0);
  let windowStart = 0;
  for (let index = 0; index < chunkCount(file.size, chunkBytes); index++) {
    const { start, end } = chunkRange(index, file.size, chunkBytes);
    if (end > windowStart + window.length) {
      windowStart = start;
      window = new Uint8Array(await file.slice(start, Math.min(start + readAheadChunks * chunkBytes, file.size)).arrayBuffer());
    }
    const bytes = window.subarray(start - windowStart, end - windowStart);
    hash.update(bytes);
    yield { index, end, bytes };
  }
}

/** A file on its way in: checks each chunk against the offer, and checks the whole against its hash. */
export class ReceivedFile {
  #progress: ReceiveProgress;
  readonly #hash = new Sha256();
  /** Chunks not yet moved into a Blob, and the Blobs made so far. */
  #batch: Uint8Array[] = [];
  #batchBytes = 0;
  #parts: Blob[] = [];

  constructor(offer: { size: number; chunkBytes: number }) {
    this.#progress = startReceive(offer);
  }

  get receivedBytes(): number {
    return this.#progress.receivedBytes;
  }

  /** Keeps a chunk, or says why it cannot belong (the transfer is then broken). */
  accept(index: number, payload: Uint8Array): ChunkRejection | null {
    const verdict = acceptChunk(this.#progress, index, payload.length);
    if (!verdict.ok) return verdict.reason;
    this.#progress = verdict.progress;
    this.#hash.update(payload);
    this.#batch.push(payload);
    this.#batchBytes += payload.length;
    if (this.#batchBytes >= blobBatchBytes) this.#flush();
    return null;
  }

  /** The whole file once every chunk came and the hash matches the sender's. */
  finish(sha256: string, mime: string): Blob | 'ended-early' | 'hash-mismatch' {
    if (!this.#progress.complete) return 'ended-early';
    if (this.#hash.hex() !== sha256) return 'hash-mismatch';
    this.#flush();
    return new Blob(this.#parts, { type: mime });
  }

  /** Lets go of everything received. */
  discard(): void {
    this.#batch = [];
    this.#parts = [];
  }

  #flush(): void {
    if (this.#batch.length === 0) return;
    this.#parts.push(new Blob(this.#batch as Uint8Array<ArrayBuffer>[]));
    this.#batch = [];
    this.#batchBytes = 0;
  }
}
