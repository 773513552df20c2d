/**
 * SHA-256 fed a piece at a time. WebCrypto only hashes a whole buffer at once, and
 * holding a 2 GB file in memory to hash it is what chunked transfer exists to avoid,
 * so both ends hash each chunk as it passes and compare at the end.
 */
const roundConstants = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01,
  0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc,
  0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
  0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08,
  0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
  0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

const blockBytes = 64;

export class Sha256 {
  readonly #state = new Uint32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
  readonly #schedule = new Uint32Array(64);
  /** Bytes that did not yet fill a block. */
  readonly #pending = new Uint8Array(blockBytes);
  #pendingBytes = 0;
  #totalBytes = 0;
  #finished = false;

  update(bytes: Uint8Array): this {
    if (this.#finished) throw new Error('SHA-256 already finished');
    this.#totalBytes += bytes.length;
    let offset = 0;
    if (this.#pendingBytes > 0) {
      const take = Math.min(blockBytes - this.#pendingBytes, bytes.length);
      this.#pending.set(bytes.subarray(0, take), this.#pendingBytes);
      this.#pendingBytes += take;
      offset = take;
      if (this.#pendingBytes < blockBytes) return this;
      this.#compress(this.#pending, 0);
      this.#pendingBytes = 0;
    }
    for (; offset + blockBytes <= bytes.length; offset += blockBytes) this.#compress(bytes, offset);
    this.#pending.set(bytes.subarray(offset), 0);
    this.#pendingBytes = bytes.length - offset;
    return this;
  }

  /** The digest as 64 lower-case hex digits, the form the file offer carries. */
  hex(): string {
    if (this.#finished) throw new Error('SHA-256 already finished');
    const bitLength = this.#totalBytes * 8;
    const tail = new Uint8Array(this.#pendingBytes < 56 ? blockBytes : 2 * blockBytes);
    tail.set(this.#pending.subarray(0, this.#pendingBytes));
    tail[this.#pendingBytes] = 0x80;
    const view = new DataView(tail.buffer);
    // The length is a 64-bit big-endian bit count; files stay far below 2^53 bits.
    view.setUint32(tail.length - 8, Math.floor(bitLength / 2 ** 32));
    view.setUint32(tail.length - 4, bitLength >>> 0);
    for (let offset = 0; offset < tail.length; offset += blockBytes) this.#compress(tail, offset);
    this.#finished = true;
    return Array.from(this.#state, (word) => word.toString(16).padStart(8, '0')).join('');
  }

  #compress(bytes: Uint8Array, offset: number): void {
    const w = this.#schedule;
    for (let i = 0; i < 16; i++) {
      const j = offset + i * 4;
      w[i] = (bytes[j]! << 24) | (bytes[j + 1]! << 16) | (bytes[j + 2]! << 8) | bytes[j + 3]!;
    }
    for (let i = 16; i < 64; i++) {
      const a = w[i - 15]!;
      const b = w[i - 2]!;
      const s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
      const s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10);
      w[i] = (w[i - 16]! + s0 + w[i - 7]! + s1) | 0;
    }
    const s = this.#state;
    let a = s[0]!, b = s[1]!, c = s[2]!, d = s[3]!, e = s[4]!, f = s[5]!, g = s[6]!, h = s[7]!;
    for (let i = 0; i < 64; i++) {
      const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const t1 = (h + S1 + ((e & f) ^ (~e & g)) + roundConstants[i]! + w[i]!) | 0;
      const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      h = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    s[0] = s[0]! + a;
    s[1] = s[1]! + b;
    s[2] = s[2]! + c;
    s[3] = s[3]! + d;
    s[4] = s[4]! + e;
    s[5] = s[5]! + f;
    s[6] = s[6]! + g;
    s[7] = s[7]! + h;
  }
}
