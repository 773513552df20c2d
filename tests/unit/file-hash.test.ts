import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FileHash } from '../../lib/files/file-hash';

const reference = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('SHA-256 fed in pieces', () => {
  it.each([0, 1, 55, 56, 63, 64, 65, 119, 120, 128, 1000, 65_536 + 7])('matches node:crypto for %i bytes in one piece', async (length) => {
    const bytes = randomBytes(length);
    const hash = new FileHash();
    hash.update(bytes);
    expect(await hash.hex()).toBe(reference(bytes));
  });

  it('gives the known digest of "abc"', async () => {
    const hash = new FileHash();
    hash.update(new TextEncoder().encode('abc'));
    expect(await hash.hex()).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('gives the same digest however the bytes are cut, before and after the hasher is ready', async () => {
    const bytes = randomBytes(300_001);
    const hash = new FileHash();
    let offset = 0;
    const cuts = [1, 63, 64, 65, 0, 4096, 17, 200_000];
    for (const [i, size] of cuts.entries()) {
      hash.update(bytes.subarray(offset, offset + size));
      offset += size;
      // Half the pieces go in before the WebAssembly instance exists, half after.
      if (i === 3) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    hash.update(bytes.subarray(offset));
    expect(await hash.hex()).toBe(reference(bytes));
  });
});

describe('a finished hash', () => {
  it('gives the same digest to everyone who asks, and takes no more pieces', async () => {
    const hash = new FileHash();
    hash.update(new Uint8Array([1, 2, 3]));
    const [first, second] = await Promise.all([hash.hex(), hash.hex()]);
    expect(first).toBe(reference(new Uint8Array([1, 2, 3])));
    expect(second).toBe(first);
    expect(() => hash.update(new Uint8Array([4]))).toThrow('already finished');
  });
});
