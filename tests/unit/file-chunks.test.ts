import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type ChunkFraming, maxLeadChunks, OutgoingChunks } from '../../lib/files/file-chunks';

const chunkBytes = 1024;
/** A one-byte header holding the chunk's index, so a test can tell frames apart. */
const framing: ChunkFraming = { header: (index) => Uint8Array.of(index & 0xff), maxHeaderBytes: 1 };

/** Resolves with the value, or with 'pending' if the promise has not settled after a few turns. */
async function peek<T>(promise: Promise<T>): Promise<T | 'pending'> {
  return Promise.race([promise, new Promise<'pending'>((resolve) => setTimeout(() => resolve('pending'), 20))]);
}

describe('chunks of one file going to several people', () => {
  it.each(['byob', 'default'] as const)('every lane gets every chunk in order, and the hash is the whole file (%s reader)', async (mode) => {
    const bytes = randomBytes(maxLeadChunks * 3 * chunkBytes + 17);
    const chunks = new OutgoingChunks(new Blob([bytes]), chunkBytes, ['ben', 'cat'], framing, mode);
    expect(chunks.count).toBe(maxLeadChunks * 3 + 1);
    const received = { ben: [] as Buffer[], cat: [] as Buffer[] };
    // Ben runs ahead as far as he may, then both go on in turns: frames in reused buffers must not mix.
    for (let index = 0; index < chunks.count; index++) {
      for (const lane of index < maxLeadChunks ? (['ben'] as const) : (['cat', 'ben'] as const)) {
        const at = lane === 'ben' ? index : index - maxLeadChunks;
        const f = (await chunks.frame(lane, at))!;
        expect(f[0]).toBe(at & 0xff);
        received[lane].push(Buffer.from(f.subarray(1)));
        chunks.sent(lane, at);
      }
    }
    for (let at = chunks.count - maxLeadChunks; at < chunks.count; at++) {
      received.cat.push(Buffer.from((await chunks.frame('cat', at))!.subarray(1)));
      chunks.sent('cat', at);
    }
    expect(Buffer.concat(received.ben).equals(bytes)).toBe(true);
    expect(Buffer.concat(received.cat).equals(bytes)).toBe(true);
    expect(await chunks.sha256()).toBe(createHash('sha256').update(bytes).digest('hex'));
  });

  it('a lane runs at most a lead window ahead of a stalled one, and goes on once it moves', async () => {
    const count = maxLeadChunks * 3;
    const chunks = new OutgoingChunks(new Blob([new Uint8Array(count * chunkBytes)]), chunkBytes, ['fast', 'stalled'], framing);
    for (let index = 0; index < maxLeadChunks; index++) {
      expect(await chunks.frame('fast', index)).not.toBeNull();
      chunks.sent('fast', index);
    }
    const beyond = chunks.frame('fast', maxLeadChunks);
    expect(await peek(beyond)).toBe('pending');
    chunks.sent('stalled', 0);
    expect(await peek(beyond)).not.toBe('pending');
  });

  it('a lane that retires stops holding the others back', async () => {
    const count = maxLeadChunks * 2;
    const chunks = new OutgoingChunks(new Blob([new Uint8Array(count * chunkBytes)]), chunkBytes, ['fast', 'gone'], framing);
    for (let index = 0; index < maxLeadChunks; index++) chunks.sent('fast', index);
    const beyond = chunks.frame('fast', maxLeadChunks);
    expect(await peek(beyond)).toBe('pending');
    chunks.retire('gone');
    expect(await peek(beyond)).not.toBe('pending');
    expect(await chunks.frame('gone', 0)).toBeNull();
  });

  it('closing wakes every waiting lane with nothing', async () => {
    const chunks = new OutgoingChunks(new Blob([new Uint8Array(maxLeadChunks * 2 * chunkBytes)]), chunkBytes, ['a', 'b'], framing);
    const waiting = chunks.frame('a', maxLeadChunks + 1);
    chunks.close();
    expect(await waiting).toBeNull();
  });
});
