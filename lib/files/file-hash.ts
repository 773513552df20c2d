/**
 * SHA-256 fed a piece at a time, from hash-wasm. WebCrypto hashes only a whole buffer,
 * and holding a 2 GB file to hash it is what chunked transfer exists to avoid. The
 * WebAssembly build hashes about 2.5 times faster than plain JavaScript, and a call's
 * CPU is already spent on video, so every cycle saved here is throughput.
 */
import { createSHA256, type IHasher } from 'hash-wasm';

export class FileHash {
  #hasher: IHasher | null = null;
  /** Pieces that came before the WebAssembly instance was ready; a few milliseconds' worth. */
  #early: Uint8Array[] = [];
  readonly #ready: Promise<void>;
  #digest: Promise<string> | null = null;

  constructor() {
    this.#ready = createSHA256().then((hasher) => {
      hasher.init();
      for (const bytes of this.#early) hasher.update(bytes);
      this.#early = [];
      this.#hasher = hasher;
    });
  }

  /** Takes the next piece; the caller may reuse `bytes` as soon as this returns. */
  update(bytes: Uint8Array): void {
    if (this.#digest) throw new Error('SHA-256 already finished');
    if (this.#hasher) this.#hasher.update(bytes);
    else this.#early.push(bytes.slice());
  }

  /** The digest of every piece, in lowercase hex; the hash takes no more pieces after. */
  hex(): Promise<string> {
    this.#digest ??= this.#ready.then(() => this.#hasher!.digest('hex'));
    return this.#digest;
  }
}
