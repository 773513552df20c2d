/**
 * File throughput per receiver for one sender and 1, 2 and 3 receivers, each beside its
 * fair floor measured in the same call: the same profiles, the same call with its video
 * running, and a raw ordered data channel between the same pages (raw-channel-floor.ts).
 * Rounds alternate which of the two goes first, so a call that grows heavier or lighter
 * over time (the encoder ramping up) does not favour either. The old floor (one page, no
 * video) and the SHA-256 speed inside the sender's call tab are measured in the same run.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { defaultChunkBytes, highWaterBytes, lowWaterBytes } from '../lib/files/file-transfer-plan';
import type { Profile } from '../tests/e2e/support/browser';
import { type CallTab, openPopup } from '../tests/e2e/support/pages';
import { closeExtensionPages, leaveAll, stepTimeoutMs } from './call-tabs';
import { measureDataChannelFloorMs } from './data-channel-floor';
import { log } from './log';
import { rawChannelFloorMs } from './raw-channel-floor';
import { median, type Summary, summarize } from './stats';

export const fanOuts = [1, 2, 3] as const;
const transferTimeoutMs = 180_000;
/** The encoder ramps resolution up over the first seconds of a call; wait until it settles. */
const warmUpLimitMs = 40_000;
const hashMiB = 64;

export const fileRunBudgetMs = 4 * transferTimeoutMs;

export const fileNote =
  'fileFanOut[k]: one sender, k receivers, all in one call with video running (k+1 profiles). appMBps: a file of ' +
  'random bytes picked in the sender\'s call tab (input event) to the last receiver\'s row turning done (SHA-256 ' +
  'verified), MB (2^20 bytes) per second per receiver. floorMBps: the same bytes, in the same call, over a raw ordered ' +
  'RTCDataChannel per receiver on a second RTCPeerConnection between the same pages, with the app\'s chunk size and ' +
  `backpressure (${defaultChunkBytes / 1024} KiB, pause at ${highWaterBytes / 1048576} MiB, resume at ${lowWaterBytes / 1048576} MiB), ` +
  'first send to last byte at the slowest receiver. Rounds alternate which goes first; ratio is median over median. ' +
  'oldFloorMBps: the same bytes over one data channel between two RTCPeerConnections in one page with no call. ' +
  `hashMBps: hash-wasm's SHA-256 over ${hashMiB} MiB in 64 KiB pieces inside the sender's call tab during the 1-receiver ` +
  'call; webCryptoMBps: crypto.subtle.digest over the same bytes at once, the native ceiling.';

export interface FanOutFigures {
  readonly appMBps: Summary;
  readonly floorMBps: Summary;
  readonly appToFloorRatio: number;
  readonly failedRounds: number;
}

export interface FileFigures {
  readonly fileRuns: number;
  readonly fileMiB: number;
  readonly fileFanOut: Record<string, FanOutFigures>;
  readonly oldFloorMBps: Summary;
  readonly hashMBps: number | null;
  readonly webCryptoMBps: number | null;
}

type WatchWindow = Window & { __filePickedAt?: number; __fileDoneAt?: number };

export async function fileFanOutFigures(profiles: readonly Profile[], runs: number, fileMiB: number): Promise<FileFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'peercall-bench-'));
  try {
    const path = join(dir, 'bench.bin');
    writeFileSync(path, randomBytes(fileMiB * 1024 * 1024));
    const fileFanOut: Record<string, FanOutFigures> = {};
    const oldFloor: number[] = [];
    let hash: { hashMBps: number; webCryptoMBps: number } | null = null;
    for (const k of fanOuts) {
      if (profiles.length < k + 1) break;
      const app: number[] = [];
      const floor: number[] = [];
      let failedRounds = 0;
      const calls = await startCall(profiles.slice(0, k + 1));
      try {
        await warmUp(calls[0]!.page);
        if (k === 1) hash = await hashSpeed(calls[0]!.page).catch((error: unknown) => (log(`hash speed failed: ${String(error)}`), null));
        for (let run = 1; run <= runs; run++) {
          try {
            const measureApp = async () => fileMiB / ((await appTransferMs(calls, path)) / 1000);
            const measureFloor = async () =>
              fileMiB /
              ((await rawChannelFloorMs(
                calls[0]!.page,
                calls.slice(1).map((c) => c.page),
                { bytes: fileMiB * 1024 * 1024, chunkBytes: defaultChunkBytes, highWaterBytes, lowWaterBytes, timeoutMs: transferTimeoutMs },
              )) /
                1000);
            let appMBps: number;
            let floorMBps: number;
            if (run % 2 === 1) {
              appMBps = await measureApp();
              floorMBps = await measureFloor();
            } else {
              floorMBps = await measureFloor();
              appMBps = await measureApp();
            }
            app.push(appMBps);
            floor.push(floorMBps);
            log(`files 1->${k} round ${run}/${runs}: app ${appMBps.toFixed(2)} MB/s, floor ${floorMBps.toFixed(2)} MB/s per receiver`);
          } catch (error) {
            failedRounds += 1;
            log(`files 1->${k} round ${run}/${runs} failed: ${error instanceof Error ? error.message : String(error)}`);
          }
        }
      } finally {
        await leaveAll(calls);
        await closeExtensionPages(profiles);
      }
      oldFloor.push(fileMiB / ((await oneMeasuredOldFloorMs(profiles[0]!, path)) / 1000));
      fileFanOut[k] = { appMBps: summarize(app), floorMBps: summarize(floor), appToFloorRatio: Math.round((median(app) / median(floor)) * 100) / 100, failedRounds };
    }
    return { fileRuns: runs, fileMiB, fileFanOut, oldFloorMBps: summarize(oldFloor), hashMBps: hash?.hashMBps ?? null, webCryptoMBps: hash?.webCryptoMBps ?? null };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The first profile starts a call and the others join it; returns once everyone has everyone's name on a tile. */
async function startCall(people: readonly Profile[]): Promise<CallTab[]> {
  const calls: CallTab[] = [];
  try {
    const first = await (await openPopup(people[0]!, { name: 'Sender' })).start();
    calls.push(first);
    await first.waitForState('waiting', stepTimeoutMs);
    const callId = await first.callId();
    for (const [index, profile] of people.slice(1).entries()) {
      const call = await (await openPopup(profile, { name: `Receiver ${index + 1}` })).join(callId);
      calls.push(call);
      await call.waitForState('in-call', stepTimeoutMs);
    }
    for (const call of calls) {
      await call.page.locator('figure.tile[data-peer] figcaption .name').nth(people.length - 2).waitFor({ timeout: stepTimeoutMs });
    }
    return calls;
  } catch (error) {
    await leaveAll(calls);
    throw error;
  }
}

/** Waits until every copy of the sender's video has kept its resolution for three seconds. */
async function warmUp(sender: Page): Promise<void> {
  const started = Date.now();
  let last = '';
  let steadySince = Date.now();
  while (Date.now() - started < warmUpLimitMs) {
    const sizes = await sender.evaluate(async () => {
      const out: string[] = [];
      for (const pc of (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs) {
        if (pc.connectionState !== 'connected') continue;
        (await pc.getStats()).forEach((s: Record<string, unknown>) => {
          if (s.type === 'outbound-rtp' && s.kind === 'video') out.push(`${String(s.frameWidth)}x${String(s.frameHeight)}`);
        });
      }
      return out.sort().join(',');
    });
    if (sizes !== last) {
      last = sizes;
      steadySince = Date.now();
    } else if (sizes !== '' && Date.now() - steadySince >= 3_000) {
      return;
    }
    await sender.waitForTimeout(500);
  }
  log(`warm-up gave up after ${warmUpLimitMs} ms at ${last}`);
}

/** One file from the sender to everyone: ms from the pick to the last receiver's verified row. */
async function appTransferMs(calls: readonly CallTab[], path: string): Promise<number> {
  const [sender, ...receivers] = calls as [CallTab, ...CallTab[]];
  const transfersBefore = (await sender.transfers()).length;
  await sender.page.evaluate(() => {
    const w = window as WatchWindow & { __pickWatched?: boolean };
    delete w.__filePickedAt;
    if (w.__pickWatched) return;
    w.__pickWatched = true;
    const picked = (event: Event) => {
      if ((event.target as Element).matches('input[name="file"]')) w.__filePickedAt ??= Date.now();
    };
    for (const type of ['input', 'change']) document.addEventListener(type, picked, { capture: true });
  });
  await Promise.all(receivers.map((r) => stampNextDone(r.page)));
  await sender.sendFiles([path]);
  const ends = await Promise.all(
    receivers.map(async (receiver) => {
      await receiver.page.waitForFunction(() => (window as WatchWindow).__fileDoneAt !== undefined, undefined, { timeout: transferTimeoutMs, polling: 50 });
      return receiver.page.evaluate(() => (window as WatchWindow).__fileDoneAt!);
    }),
  );
  const pickedAt = await sender.page.evaluate(() => (window as WatchWindow).__filePickedAt);
  if (pickedAt === undefined) throw new Error('the file input never reported the pick');
  const rows = await sender.transfers();
  if (rows.length !== transfersBefore + 1 || rows.at(-1)?.status !== 'done') throw new Error(`the sender's row ended ${rows.at(-1)?.status}: ${rows.at(-1)?.detail}`);
  return Math.max(...ends) - pickedAt;
}

/** Notes, with the page's clock, when a transfer row this page had not seen turns done; fails the wait on failed or cancelled. */
function stampNextDone(page: Page): Promise<void> {
  return page.evaluate(() => {
    const w = window as WatchWindow;
    delete w.__fileDoneAt;
    const known = new Set([...document.querySelectorAll('[data-testid="file-transfer"]')].map((row) => row.getAttribute('data-transfer')));
    const observer = new MutationObserver(() => {
      for (const row of document.querySelectorAll('[data-testid="file-transfer"][data-direction="in"]')) {
        if (known.has(row.getAttribute('data-transfer'))) continue;
        const status = row.getAttribute('data-status');
        if (status === 'done') w.__fileDoneAt = Date.now();
        if (status !== 'active') observer.disconnect();
      }
    });
    observer.observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-status'] });
  });
}

/** hash-wasm's own build, loaded into the call tab as the app bundles it, hashing while the call runs. */
async function hashSpeed(page: Page): Promise<{ hashMBps: number; webCryptoMBps: number }> {
  const source = readFileSync(createRequire(import.meta.url).resolve('hash-wasm/dist/sha256.umd.min.js'), 'utf8');
  await page.evaluate(source);
  return page.evaluate(async (mib) => {
    type Hasher = { init(): void; update(data: Uint8Array): void; digest(format: 'hex'): string };
    const { createSHA256 } = (globalThis as unknown as { hashwasm: { createSHA256(): Promise<Hasher> } }).hashwasm;
    const bytes = new Uint8Array(mib * 1024 * 1024);
    for (let i = 0; i < bytes.length; i += 65536) crypto.getRandomValues(bytes.subarray(i, i + 65536));
    const hasher = await createSHA256();
    hasher.init();
    const t0 = performance.now();
    for (let i = 0; i < bytes.length; i += 65536) hasher.update(bytes.subarray(i, i + 65536));
    hasher.digest('hex');
    const hashMs = performance.now() - t0;
    const t1 = performance.now();
    await crypto.subtle.digest('SHA-256', bytes);
    const nativeMs = performance.now() - t1;
    return { hashMBps: Math.round((mib / (hashMs / 1000)) * 10) / 10, webCryptoMBps: Math.round((mib / (nativeMs / 1000)) * 10) / 10 };
  }, hashMiB);
}

/** The old floor, one page and no call, fed the same file through a file input of its own. */
async function oneMeasuredOldFloorMs(profile: Profile, path: string): Promise<number> {
  const page = await profile.context.newPage();
  try {
    await page.goto(profile.url('options.html'));
    await page.evaluate(() => {
      const element = document.createElement('input');
      element.type = 'file';
      element.dataset.bench = 'floor-file';
      document.body.append(element);
    });
    await page.setInputFiles('input[data-bench="floor-file"]', path);
    return await page.evaluate(measureDataChannelFloorMs, {
      input: 'input[data-bench="floor-file"]',
      chunkBytes: defaultChunkBytes,
      highWaterBytes,
      lowWaterBytes,
      timeoutMs: transferTimeoutMs,
    });
  } finally {
    await page.close();
  }
}
