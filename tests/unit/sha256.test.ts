import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Sha256 } from '../../lib/sha256';

const reference = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('SHA-256 fed in pieces', () => {
  it.each([0, 1, 55, 56, 63, 64, 65, 119, 120, 128, 1000, 65_536 + 7])('matches node:crypto for %i bytes in one piece', (length) => {
    const bytes = randomBytes(length);
    expect(new Sha256().update(bytes).hex()).toBe(reference(bytes));
  });

  it('gives the known digest of "abc"', () => {
    expect(new Sha256().update(new TextEncoder().encode('abc')).hex()).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });

  it('gives the same digest however the bytes are cut', () => {
    const bytes = randomBytes(300_001);
    const hash = new Sha256();
    let offset = 0;
    for (const size of [1, 63, 64, 65, 0, 4096, 17, 200_000]) {
      hash.update(bytes.subarray(offset, offset + size));
      offset += size;
    }
    hash.update(bytes.subarray(offset));
    expect(hash.hex()).toBe(reference(bytes));
  });

  it('refuses more bytes once the digest was taken', () => {
    const hash = new Sha256();
    hash.hex();
    expect(() => hash.update(new Uint8Array(1))).toThrow();
    expect(() => hash.hex()).toThrow();
  });
});
