import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { maxLeadChunks } from '../../lib/files/file-chunks';
import { highWaterBytes } from '../../lib/files/file-transfer-plan';
import { FileTransfers, type TransferView } from '../../lib/files/file-transfers';
import type { FileLane } from '../../lib/files/file-lane';
import { encodeChunk, encodeRoomMessage } from '../../lib/call/room-protocol';

const chunkBytes = 16 * 1024;

/**
 * One direction of a data channel: frames queue up (counted in bufferedBytes) and are
 * delivered in order, one per timer tick, as a network of limited speed would drain them.
 */
class FakeLane implements FileLane {
  open = true;
  bufferedBytes = 0;
  maxBufferedBytes = 0;
  peer: FakeLane | null = null;
  /** A receiver that stops reading: frames stay queued until it resumes. */
  paused = false;
  /** Lets a test damage frames in flight. */
  tamper: (frame: string | Uint8Array) => string | Uint8Array = (frame) => frame;
  readonly #listeners = new Set<(frame: string | ArrayBuffer) => void>();
  readonly #waiters = new Set<() => void>();
  readonly #queue: { size: number; frame: string | ArrayBuffer }[] = [];

  send(frame: string | Uint8Array): boolean {
    if (!this.open) return false;
    const size = typeof frame === 'string' ? frame.length : frame.byteLength;
    this.bufferedBytes += size;
    this.maxBufferedBytes = Math.max(this.maxBufferedBytes, this.bufferedBytes);
    const sent = this.tamper(frame);
    this.#queue.push({ size, frame: typeof sent === 'string' ? sent : sent.slice().buffer });
    if (this.#queue.length === 1) setTimeout(() => this.#deliver(), 0);
    return true;
  }

  resume(): void {
    this.paused = false;
    setTimeout(() => this.#deliver(), 0);
  }

  #deliver(): void {
    if (this.paused) return;
    const next = this.#queue.shift();
    if (!next) return;
    this.bufferedBytes -= next.size;
    for (const wake of [...this.#waiters]) wake();
    if (this.peer?.open) for (const listener of this.peer.#listeners) listener(next.frame);
    if (this.#queue.length > 0) setTimeout(() => this.#deliver(), 0);
  }

  drained(lowWaterBytes: number): Promise<void> {
    return new Promise((resolve) => {
      const check = () => {
        if (this.open && this.bufferedBytes > lowWaterBytes) return;
        this.#waiters.delete(check);
        resolve();
      };
      this.#waiters.add(check);
      check();
    });
  }

  onFrame(listener: (frame: string | ArrayBuffer) => void) {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Delivers a frame to this lane's own listeners, as if the other side had sent it. */
  inject(frame: string | ArrayBuffer): void {
    for (const listener of this.#listeners) listener(frame);
  }
}

interface Person {
  name: string;
  files: FileTransfers;
  urls: Map<string, Blob>;
  /** Lanes from this person to each other person, by their name. */
  lanes: Map<string, FakeLane>;
}

function room(...names: string[]): Person[] {
  const people = names.map((name) => {
    const urls = new Map<string, Blob>();
    let n = 0;
    const files = new FileTransfers({
      chunkBytes,
      maxFileBytes: 64 * 1024 * 1024,
      createUrl: (blob) => {
        const url = `blob:test/${name}/${n++}`;
        urls.set(url, blob);
        return url;
      },
      revokeUrl: (url) => urls.delete(url),
    });
    return { name, files, urls, lanes: new Map<string, FakeLane>() };
  });
  for (const a of people) {
    for (const b of people) {
      if (a === b || a.lanes.has(b.name)) continue;
      const ab = new FakeLane();
      const ba = new FakeLane();
      ab.peer = ba;
      ba.peer = ab;
      a.lanes.set(b.name, ab);
      b.lanes.set(a.name, ba);
      a.files.addPerson(b.name, ab, () => b.name);
      b.files.addPerson(a.name, ba, () => a.name);
    }
  }
  return people;
}

const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const viewsOf = (person: Person) => person.files.transfers.value;
const only = (person: Person): TransferView => {
  const views = viewsOf(person);
  expect(views).toHaveLength(1);
  return views[0]!;
};

async function settled(...people: Person[]): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (people.some((p) => viewsOf(p).length === 0 || viewsOf(p).some((v) => v.status === 'active'))) {
    if (Date.now() > deadline) throw new Error('transfers did not settle');
    await new Promise((r) => setImmediate(r));
  }
}

async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition never held');
    await new Promise((r) => setImmediate(r));
  }
}

const file = (bytes: Uint8Array<ArrayBuffer>, name = 'notes.bin', type = 'application/octet-stream') => new File([bytes], name, { type });

describe('file transfers over the file lanes', () => {
  it('a file reaches both others whole, with a matching SHA-256, as a download', async () => {
    const [ann, ben, cat] = room('Ann', 'Ben', 'Cat');
    const bytes = new Uint8Array(randomBytes(5 * chunkBytes + 123));
    expect(ann!.files.send(file(bytes, 'report.pdf', 'application/pdf'))).toBeNull();
    await settled(ann!, ben!, cat!);
    expect(only(ann!)).toMatchObject({ direction: 'out', status: 'done', doneBytes: bytes.length, name: 'report.pdf' });
    expect(only(ann!).detail).toContain('Delivered to 2 people');
    for (const receiver of [ben!, cat!]) {
      const view = only(receiver);
      expect(view).toMatchObject({ direction: 'in', status: 'done', name: 'report.pdf', size: bytes.length, doneBytes: bytes.length });
      expect(view.detail).toContain('From Ann');
      const blob = receiver.urls.get(view.downloadUrl!)!;
      expect(blob.type).toBe('application/pdf');
      expect(sha(new Uint8Array(await blob.arrayBuffer()))).toBe(sha(bytes));
    }
  });

  it('an empty file arrives as an empty download', async () => {
    const [ann, ben] = room('Ann', 'Ben');
    ann!.files.send(file(new Uint8Array(0), 'empty.txt'));
    await settled(ann!, ben!);
    expect(only(ben!).status).toBe('done');
    expect(ben!.urls.get(only(ben!).downloadUrl!)!.size).toBe(0);
  });

  it('the sender waits for the lane to drain instead of queueing the whole file', async () => {
    const [ann, ben] = room('Ann', 'Ben');
    const bytes = new Uint8Array(randomBytes(3 * highWaterBytes));
    ann!.files.send(file(bytes));
    await settled(ann!, ben!);
    expect(only(ben!).status).toBe('done');
    const lane = ann!.lanes.get('Ben')!;
    expect(lane.maxBufferedBytes).toBeLessThanOrEqual(highWaterBytes + chunkBytes + 200);
  });

  it('a receiver who stops reading holds the others back only once a lead window behind', async () => {
    const [ann, ben, cat] = room('Ann', 'Ben', 'Cat');
    const toCat = ann!.lanes.get('Cat')!;
    toCat.paused = true;
    const bytes = new Uint8Array(randomBytes(2 * highWaterBytes + 4 * maxLeadChunks * chunkBytes));
    ann!.files.send(file(bytes));
    // Cat's lane takes a high-water mark of chunks and stops; Ben's goes a lead window further.
    // A frame is the chunk behind a header: version, ID length, a 22-character ID, a u32 index.
    const frameBytes = chunkBytes + 2 + 22 + 4;
    const catTakes = Math.ceil(highWaterBytes / frameBytes) * chunkBytes;
    await until(() => (viewsOf(ben!)[0]?.doneBytes ?? 0) >= catTakes + maxLeadChunks * chunkBytes);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(viewsOf(ben!)[0]?.doneBytes).toBe(catTakes + maxLeadChunks * chunkBytes);
    toCat.resume();
    await settled(ann!, ben!, cat!);
    for (const receiver of [ben!, cat!]) {
      expect(only(receiver).status).toBe('done');
      expect(sha(new Uint8Array(await receiver.urls.get(only(receiver).downloadUrl!)!.arrayBuffer()))).toBe(sha(bytes));
    }
  });

  it('a receiver who cancels stops only their copy; the others still get the file', async () => {
    const [ann, ben, cat] = room('Ann', 'Ben', 'Cat');
    const bytes = new Uint8Array(randomBytes(3 * 1024 * 1024));
    ann!.files.send(file(bytes));
    await until(() => viewsOf(ben!).length === 1 && only(ben!).doneBytes > 0);
    ben!.files.cancel(only(ben!).id);
    expect(only(ben!)).toMatchObject({ status: 'cancelled', downloadUrl: null });
    await settled(ann!, cat!);
    expect(only(cat!).status).toBe('done');
    expect(only(ann!).status).toBe('done');
    expect(only(ann!).detail).toContain('Delivered to 1 person');
    expect(only(ann!).detail).toContain('1 person did not receive it');
  });

  it('a sender who cancels stops the file for everyone', async () => {
    const [ann, ben, cat] = room('Ann', 'Ben', 'Cat');
    // Larger than the lanes' high-water mark, so the cancel lands while chunks still wait to go.
    ann!.files.send(file(new Uint8Array(randomBytes(3 * highWaterBytes))));
    await until(() => viewsOf(cat!).length === 1 && only(cat!).doneBytes > 0);
    ann!.files.cancel(only(ann!).id);
    expect(only(ann!).status).toBe('cancelled');
    await until(() => [ben!, cat!].every((p) => viewsOf(p).length === 1 && only(p).status !== 'active'));
    for (const receiver of [ben!, cat!]) expect(only(receiver)).toMatchObject({ status: 'cancelled', detail: 'Ann stopped sending this file.' });
  });

  it('a file damaged on the way fails its checksum and is not offered', async () => {
    const [ann, ben] = room('Ann', 'Ben');
    let flipped = false;
    ann!.lanes.get('Ben')!.tamper = (frame) => {
      if (typeof frame === 'string' || flipped) return frame;
      flipped = true;
      const copy = frame.slice();
      copy[copy.length - 1] = copy[copy.length - 1]! ^ 0xff;
      return copy;
    };
    ann!.files.send(file(new Uint8Array(randomBytes(3 * chunkBytes))));
    await settled(ann!, ben!);
    expect(only(ben!)).toMatchObject({ status: 'failed', downloadUrl: null });
    expect(only(ben!).detail).toContain('did not match its checksum');
    expect(only(ann!).status).toBe('failed');
    expect(ben!.urls.size).toBe(0);
  });

  it('a sender who leaves mid-file fails the transfer with their name', async () => {
    const [ann, ben] = room('Ann', 'Ben');
    ann!.files.send(file(new Uint8Array(randomBytes(3 * 1024 * 1024))));
    await until(() => viewsOf(ben!).length === 1 && only(ben!).doneBytes > 0);
    ben!.files.removePerson('Ann');
    expect(only(ben!)).toMatchObject({ status: 'failed', detail: 'Ann left before the file arrived.' });
  });

  it('refuses a file over the limit and a file with nobody to send it to', () => {
    const [ann] = room('Ann', 'Ben');
    expect(ann!.files.send(new Blob([new Uint8Array(64 * 1024 * 1024 + 1)]))).toBe('file-too-large');
    const [alone] = room('Alone');
    expect(alone!.files.send(file(new Uint8Array(10)))).toBe('file-no-recipients');
    expect(viewsOf(ann!)).toHaveLength(0);
  });

  it('counts and drops garbage, chunks of unknown transfers and chunks from the wrong person', async () => {
    const [ann, ben, cat] = room('Ann', 'Ben', 'Cat');
    const fromAnn = ben!.lanes.get('Ann')!;
    fromAnn.inject('not json');
    fromAnn.inject(encodeRoomMessage({ v: 1, type: 'chat', id: 'msg-0001_abc', text: 'hi', sentAtMs: 1 }));
    fromAnn.inject(new Uint8Array([1, 2, 3]).buffer);
    fromAnn.inject(encodeChunk('unknown-transfer', 0, new Uint8Array(10)).slice().buffer);
    fromAnn.inject(encodeRoomMessage({ v: 1, type: 'file-done', transferId: 'nothing-sent' }));
    expect(ben!.files.dropped.value).toBe(5);

    ann!.files.send(file(new Uint8Array(randomBytes(2 * chunkBytes))));
    await until(() => viewsOf(ben!).length === 1);
    // Cat forges a chunk of Ann's transfer: ignored, and Ann's file still arrives intact.
    ben!.lanes.get('Cat')!.inject(encodeChunk(only(ben!).id, 0, new Uint8Array(chunkBytes)).slice().buffer);
    expect(ben!.files.dropped.value).toBe(6);
    await settled(ann!, ben!, cat!);
    expect(only(ben!).status).toBe('done');
  });

  it('dispose revokes every download it offered', async () => {
    const [ann, ben] = room('Ann', 'Ben');
    ann!.files.send(file(new Uint8Array(randomBytes(100))));
    await settled(ann!, ben!);
    expect(ben!.urls.size).toBe(1);
    ben!.files.dispose();
    expect(ben!.urls.size).toBe(0);
    expect(viewsOf(ben!)).toHaveLength(0);
  });
});

describe('names in the file list', () => {
  it('a sender whose name arrives after their file is named once it does, and still after they leave', async () => {
    const receiver = new FileTransfers({ chunkBytes, createUrl: () => 'blob:x', revokeUrl: () => undefined });
    const lane = new FakeLane();
    let name: string | null = null;
    receiver.addPerson('ann', lane, () => name ?? 'Someone');
    lane.inject(encodeRoomMessage({ v: 1, type: 'file-offer', transferId: 'transfer-0001', name: 'a.bin', size: 10, mime: 'application/octet-stream', chunkBytes }));
    expect(receiver.transfers.value[0]?.detail).toContain('Someone');
    name = 'Ann';
    receiver.refresh();
    expect(receiver.transfers.value[0]?.detail).toContain('From Ann');
    receiver.removePerson('ann');
    expect(receiver.transfers.value[0]).toMatchObject({ status: 'failed', detail: 'Ann left before the file arrived.' });
  });
});
