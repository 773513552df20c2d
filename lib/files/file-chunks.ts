/**
 * A file cut into chunks on the way out and put back together on the way in. Both
 * ends hash as bytes pass, so neither reads a file twice nor holds it whole in the
 * JS heap: the sender keeps a bounded window of chunks, the receiver moves chunks into
 * Blobs (which the browser may page to disk).
 */
import { FileHash } from './file-hash';
import { BlobReader } from './file-reader';
import { acceptChunk, type ChunkRejection, chunkCount, chunkRange, type ReceiveProgress, startReceive } from './file-transfer-plan';

/**
 * How far the fastest lane may run ahead of the slowest. Each lane drains at its own
 * pace, so one person's hiccup does not idle the others' links, but a much slower
 * receiver still bounds what the sender holds: this many frames, in buffers it reuses.
 */
export const maxLeadChunks = 64;
/** Received chunks move out of the JS heap into a Blob every this many bytes. */
const blobBatchBytes = 4 * 1024 * 1024;

export interface ChunkFraming {
  /** The bytes that go before chunk `index`'s payload in its frame. */
  header(index: number): Uint8Array;
  /** The longest header `header` returns. */
  readonly maxHeaderBytes: number;
}

/**
 * The frames of one file going to several people: read once, hashed once, and kept only
 * until every lane still sending has taken them. The file is read ahead as far as the
 * lead window allows, into at most `maxLeadChunks` buffers that are reused once every
 * lane has sent their frame (a data channel copies what it is given).
 */
export class OutgoingChunks {
  readonly count: number;
  readonly #size: number;
  readonly #chunkBytes: number;
  readonly #framing: ChunkFraming;
  readonly #reader: BlobReader;
  readonly #hash = new FileHash();
  readonly #frames = new Map<number, Uint8Array>();
  readonly #pool: ArrayBuffer[] = [];
  /** The next chunk each lane still sending will ask for. */
  readonly #positions = new Map<string, number>();
  readonly #waiters = new Set<() => void>();
  #nextRead = 0;
  #reading: Promise<void> | null = null;
  #closed = false;

  constructor(file: Blob, chunkBytes: number, lanes: Iterable<string>, framing: ChunkFraming, readMode: 'byob' | 'default' = 'byob') {
    this.#size = file.size;
    this.#chunkBytes = chunkBytes;
    this.#framing = framing;
    this.#reader = new BlobReader(file, readMode);
    this.count = chunkCount(file.size, chunkBytes);
    for (const lane of lanes) this.#positions.set(lane, 0);
  }

  /** End of chunk `index`, in bytes: how much a lane has sent once it sent that chunk. */
  endOf(index: number): number {
    return chunkRange(index, this.#size, this.#chunkBytes).end;
  }

  /**
   * Chunk `index`'s frame for `lane`, once it is read and within the lead window; null
   * once the transfer closed or the lane retired. Valid until the lane calls `sent`.
   */
  async frame(lane: string, index: number): Promise<Uint8Array | null> {
    for (;;) {
      if (this.#closed || !this.#positions.has(lane)) return null;
      if (index < this.#slowest() + maxLeadChunks) break;
      await new Promise<void>((wake) => this.#waiters.add(wake));
    }
    while (this.#nextRead <= index) {
      await this.#readAhead();
      if (this.#closed || !this.#positions.has(lane)) return null;
    }
    return this.#frames.get(index) ?? null;
  }

  /** `lane` handed chunk `index` to its channel; chunks every lane has taken are let go. */
  sent(lane: string, index: number): void {
    if (!this.#positions.has(lane)) return;
    this.#positions.set(lane, index + 1);
    this.#release();
  }

  /** `lane` stops (done, failed or cancelled): nobody waits for it any more. */
  retire(lane: string): void {
    if (!this.#positions.delete(lane)) return;
    this.#release();
  }

  /** The file's SHA-256, once every chunk has been read. */
  async sha256(): Promise<string> {
    while (this.#nextRead < this.count && !this.#closed) await this.#readAhead();
    return this.#hash.hex();
  }

  /** Stops every lane and lets go of every frame. */
  close(): void {
    this.#closed = true;
    this.#reader.cancel();
    this.#frames.clear();
    this.#pool.length = 0;
    this.#positions.clear();
    this.#wake();
  }

  /** Reads on, one chunk after another, while the lead window has room; one reader at a time. */
  #readAhead(): Promise<void> {
    this.#reading ??= (async () => {
      do await this.#readOne();
      while (!this.#closed && this.#nextRead < this.count && this.#nextRead < this.#slowest() + maxLeadChunks);
    })().finally(() => (this.#reading = null));
    return this.#reading;
  }

  async #readOne(): Promise<void> {
    const index = this.#nextRead;
    const { start, end } = chunkRange(index, this.#size, this.#chunkBytes);
    const header = this.#framing.header(index);
    const empty = this.#pool.pop() ?? new ArrayBuffer(this.#framing.maxHeaderBytes + this.#chunkBytes);
    const buffer = await this.#reader.fill(empty, header.length, end - start);
    if (this.#closed) return;
    const frame = new Uint8Array(buffer, 0, header.length + end - start);
    frame.set(header);
    this.#hash.update(frame.subarray(header.length));
    this.#frames.set(index, frame);
    this.#nextRead = index + 1;
  }

  #slowest(): number {
    let slowest = Infinity;
    for (const position of this.#positions.values()) slowest = Math.min(slowest, position);
    return slowest === Infinity ? this.#nextRead : slowest;
  }

  #release(): void {
    const slowest = this.#slowest();
    for (const [index, frame] of this.#frames) {
      if (index >= slowest) continue;
      this.#frames.delete(index);
      this.#pool.push(frame.buffer as ArrayBuffer);
    }
    this.#wake();
  }

  #wake(): void {
    const waiters = [...this.#waiters];
    this.#waiters.clear();
    for (const wake of waiters) wake();
  }
}

/** A file on its way in: checks each chunk against the offer, and checks the whole against its hash. */
export class ReceivedFile {
  #progress: ReceiveProgress;
  readonly #hash = new FileHash();
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
  async finish(sha256: string, mime: string): Promise<Blob | 'ended-early' | 'hash-mismatch'> {
    if (!this.#progress.complete) return 'ended-early';
    if ((await this.#hash.hex()) !== sha256) return 'hash-mismatch';
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
