/**
 * Files in a three-person room: picked from disk in one real Chromium profile, sent over
 * the data channels to two others, checked by SHA-256 where they arrive.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../signaling/config';
import { type RunningSignalingServer, startSignalingServer } from '../../signaling/server';
import { launchProfile, type Profile } from './support/browser';
import { type CallTab, configure, openPopup } from './support/pages';

let server: RunningSignalingServer;
let profiles: Profile[] = [];
let ann: CallTab;
let ben: CallTab;
let cat: CallTab;
let dir: string;

function writeFile(name: string, bytes: Buffer): { path: string; sha256: string } {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return { path, sha256: createHash('sha256').update(bytes).digest('hex') };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'peercall-files-'));
  server = await startSignalingServer(parseConfig({ PEERCALL_PORT: '0' }, []));
  profiles = await Promise.all([launchProfile(), launchProfile(), launchProfile()]);
  await Promise.all(profiles.map((profile) => configure(profile, { signalingUrl: server.url })));
  const [a, b, c] = profiles as [Profile, Profile, Profile];
  ann = await (await openPopup(a, { name: 'Ann' })).start();
  const callId = await ann.callId();
  ben = await (await openPopup(b, { name: 'Ben' })).join(callId);
  await ben.waitForState('in-call');
  cat = await (await openPopup(c, { name: 'Cat' })).join(callId);
  await cat.waitForState('in-call');
});

afterAll(async () => {
  await Promise.all(profiles.map((profile) => profile.close()));
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('files in a room', () => {
  it('three people are in the room, each seeing the two others', async () => {
    for (const side of [ann, ben, cat]) await expect.poll(() => side.tileLabels(), { timeout: 10_000 }).toHaveLength(2);
  });

  it('a 20 MB file reaches both others with a matching SHA-256, with progress on both sides', async () => {
    const sent = writeFile('field notes (final).bin', randomBytes(20 * 1024 * 1024));
    await Promise.all([ann, ben, cat].map((side) => side.watchProgress()));
    await ann.sendFiles([sent.path]);

    for (const side of [ann, ben, cat]) {
      await expect.poll(async () => (await side.transfers()).map((t) => t.status), { timeout: 30_000 }).toEqual(['done']);
    }
    const [outgoing] = await ann.transfers();
    expect(outgoing).toMatchObject({ direction: 'out', saveAs: null });
    expect(outgoing!.detail).toContain('Delivered to 2 people, checksum verified');
    for (const side of [ben, cat]) {
      const [incoming] = await side.transfers();
      expect(incoming).toMatchObject({ id: outgoing!.id, direction: 'in', saveAs: 'field notes (final).bin' });
      expect(incoming!.detail).toContain('From Ann');
      expect(await side.savedFileSha256(incoming!.id)).toBe(sent.sha256);
    }
    // Both ends showed the bar moving, not only empty and then full.
    for (const side of [ann, ben, cat]) {
      const fractions = (await side.progressSeen())[outgoing!.id] ?? [];
      expect(fractions.some((f) => f > 0 && f < 1)).toBe(true);
      expect(fractions.at(-1)).toBe(1);
    }
  }, 60_000);

  it("sending a 200 MB file grows the sender's JS heap by less than 50 MB", async () => {
    const sent = writeFile('big.bin', randomBytes(200 * 1024 * 1024));
    const cdp = await ann.page.context().newCDPSession(ann.page);
    await cdp.send('HeapProfiler.enable');
    await cdp.send('HeapProfiler.collectGarbage');
    type HeapUsage = { usedSize: number; backingStorageSize?: number };
    // Array buffers live outside the V8 heap proper; count them too.
    const heapBytes = async () => {
      const usage = (await cdp.send('Runtime.getHeapUsage')) as HeapUsage;
      return usage.usedSize + (usage.backingStorageSize ?? 0);
    };
    const baseline = await heapBytes();
    let peak = baseline;
    const before = (await ann.transfers()).length;
    await ann.sendFiles([sent.path]);
    const deadline = Date.now() + 120_000;
    for (;;) {
      peak = Math.max(peak, await heapBytes());
      const states = await Promise.all([ann, ben, cat].map(async (side) => (await side.transfers())[before]?.status));
      if (states.every((s) => s === 'done')) break;
      expect(states.some((s) => s === 'failed' || s === 'cancelled')).toBe(false);
      if (Date.now() > deadline) throw new Error(`200 MB transfer did not finish: ${states.join(', ')}`);
      await ann.page.waitForTimeout(100);
    }
    const grownMb = (peak - baseline) / 1024 / 1024;
    console.log(`sender heap: baseline ${(baseline / 1024 / 1024).toFixed(1)} MB, peak growth ${grownMb.toFixed(1)} MB while sending 200 MB to 2 people`);
    expect(grownMb).toBeLessThan(50);
    const id = (await ann.transfers())[before]!.id;
    for (const side of [ben, cat]) expect(await side.savedFileSha256(id)).toBe(sent.sha256);
    await cdp.detach();
  }, 180_000);
});
