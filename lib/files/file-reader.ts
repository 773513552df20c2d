/**
 * Reads a file front to back into buffers the caller owns. With a BYOB reader the bytes
 * land in the caller's buffer directly, so a sender can reuse a small pool of frame
 * buffers for a file of any size instead of making garbage at the link's speed; where a
 * browser offers only a default reader, bytes are copied out of the chunks it yields.
 */
export class BlobReader {
  readonly #byob: ReadableStreamBYOBReader | null;
  readonly #plain: ReadableStreamDefaultReader<Uint8Array> | null;
  /** Bytes the default reader yielded that the last fill did not take. */
  #leftover: Uint8Array = new Uint8Array(0);

  constructor(blob: Blob, mode: 'byob' | 'default' = 'byob') {
    const stream = blob.stream();
    let byob: ReadableStreamBYOBReader | null = null;
    if (mode === 'byob') {
      try {
        byob = stream.getReader({ mode: 'byob' });
      } catch {
        // Not a byte stream here: fall back to copying.
      }
    }
    this.#byob = byob;
    this.#plain = byob ? null : (stream.getReader() as ReadableStreamDefaultReader<Uint8Array>);
  }

  /**
   * Fills `length` bytes of `buffer` from `offset` with the next bytes of the file. A BYOB
   * read transfers the buffer, so use the one returned, not the one passed.
   */
  async fill(buffer: ArrayBuffer, offset: number, length: number): Promise<ArrayBuffer> {
    let filled = 0;
    let current = buffer;
    while (filled < length) {
      if (this.#byob) {
        const { value, done } = await this.#byob.read(new Uint8Array(current, offset + filled, length - filled));
        if (done || !value) throw new Error('the file ended before its size');
        current = value.buffer as ArrayBuffer;
        filled += value.byteLength;
        continue;
      }
      if (this.#leftover.length === 0) {
        const { value, done } = await this.#plain!.read();
        if (done || !value) throw new Error('the file ended before its size');
        this.#leftover = value;
      }
      const take = Math.min(length - filled, this.#leftover.length);
      new Uint8Array(current, offset + filled, take).set(this.#leftover.subarray(0, take));
      this.#leftover = this.#leftover.subarray(take);
      filled += take;
    }
    return current;
  }

  /** Stops reading; the file is let go. */
  cancel(): void {
    void (this.#byob ?? this.#plain)?.cancel().catch(() => undefined);
  }
}
