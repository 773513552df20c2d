/**
 * A 100 MB file sent between two profiles in a two-person call, timed in the pages from
 * the pick in the sender's call tab to "done" on the receiver's row (the receiver's
 * SHA-256 matched), and in the same run the data-channel floor for the same bytes.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { defaultChunkBytes, highWaterBytes, lowWaterBytes } from '../lib/files/file-transfer-plan';
import type { Profile } from '../tests/e2e/support/browser';
import { type CallTab, openPopup } from '../tests/e2e/support/pages';
import { closeExtensionPages, leaveAll, stepTimeoutMs } from './call-tabs';
import { measureDataChannelFloorMs } from './data-channel-floor';
import { log } from './log';
import { median, type Summary, summarize } from './stats';

const fileMiB = 100;
const transferTimeoutMs = 120_000;
/** A hung browser must not hang the run; the setup's own budget comes on top. */
export const fileRunBudgetMs = 2 * transferTimeoutMs + 60_000;

export const fileNote =
  `fileThroughputMBps: a ${fileMiB} MB file of random bytes (MB = 2^20 bytes) picked in A's call tab (input event) to ` +
  'data-status="done" on B\'s transfer row, two profiles in a two-person call; p90 is the 90th percentile of the MB/s ' +
  'values. fileFloorMBps: the same bytes, held in memory, over one ordered RTCDataChannel between two RTCPeerConnections ' +
  `in one extension page, ${defaultChunkBytes / 1024} KiB messages, paused at ${highWaterBytes / 1024} KiB buffered until ` +
  `bufferedamountlow at ${lowWaterBytes / 1024} KiB; measured in the same run. Ratio: median over median.`;

export interface FileFigures {
  readonly fileRuns: number;
  readonly failedFileRuns: number;
  readonly fileThroughputMBps: Summary;
  readonly fileFloorMBps: Summary;
  readonly fileThroughputToFloorRatio: number;
}

type FileWatchWindow = Window & { __filePickedAt?: number; __fileEnd?: { status: string; at: number } };

export async function fileThroughputFigures(sender: Profile, receiver: Profile, runs: number): Promise<FileFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'peercall-bench-'));
  try {
    const path = join(dir, 'bench.bin');
    writeFileSync(path, randomBytes(fileMiB * 1024 * 1024));
    const sent: number[] = [];
    const floor: number[] = [];
    let failedFileRuns = 0;
    for (let run = 1; run <= runs; run++) {
      try {
        const appMBps = fileMiB / ((await measureFileTransferMs(sender, receiver, path)) / 1000);
        const floorMBps = fileMiB / ((await measureFloorMs(sender, path)) / 1000);
        sent.push(appMBps);
        floor.push(floorMBps);
        log(`file run ${run}/${runs}: ${appMBps.toFixed(1)} MB/s, floor ${floorMBps.toFixed(1)} MB/s`);
      } catch (error) {
        failedFileRuns += 1;
        log(`file run ${run}/${runs} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    return {
      fileRuns: runs,
      failedFileRuns,
      fileThroughputMBps: summarize(sent),
      fileFloorMBps: summarize(floor),
      fileThroughputToFloorRatio: Math.round((median(sent) / median(floor)) * 100) / 100,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A starts a call, B joins, A sends the file; ms from the pick to done on B's side. */
async function measureFileTransferMs(sender: Profile, receiver: Profile, path: string): Promise<number> {
  const calls: CallTab[] = [];
  try {
    const from = await (await openPopup(sender, { name: 'Sender' })).start();
    calls.push(from);
    await from.waitForState('waiting', stepTimeoutMs);
    const to = await (await openPopup(receiver, { name: 'Receiver' })).join(await from.callId());
    calls.push(to);
    // The name arrives over the data channel beside the file lane, on the same connection: once it shows, files can go.
    await from.page
      .locator('figure.tile[data-peer] figcaption', { hasText: 'Receiver' })
      .waitFor({ timeout: stepTimeoutMs });

    await stampFilePick(from.page);
    await stampIncomingEnd(to.page);
    await from.sendFiles([path]);
    await to.page.waitForFunction(() => (window as FileWatchWindow).__fileEnd !== undefined, undefined, {
      timeout: transferTimeoutMs,
      polling: 100,
    });
    const end = await to.page.evaluate(() => (window as FileWatchWindow).__fileEnd!);
    if (end.status !== 'done') {
      const [received] = await to.transfers();
      const [sent] = await from.transfers();
      throw new Error(`the transfer ended ${end.status}: "${received?.detail}" on B, "${sent?.detail}" on A`);
    }
    const pickedAt = await from.page.evaluate(() => (window as FileWatchWindow).__filePickedAt);
    if (pickedAt === undefined) throw new Error('the file input never reported the pick');
    return end.at - pickedAt;
  } finally {
    await leaveAll(calls);
    await closeExtensionPages([sender, receiver]);
  }
}

/** Notes, with the page's clock, the first input or change event of the call tab's file picker. */
function stampFilePick(page: Page): Promise<void> {
  return page.evaluate(() => {
    const w = window as FileWatchWindow;
    const picked = (event: Event) => {
      if ((event.target as Element).matches('input[name="file"]')) w.__filePickedAt ??= Date.now();
    };
    for (const type of ['input', 'change']) document.addEventListener(type, picked, { capture: true });
  });
}

/** Notes, with the page's clock, when the incoming transfer's row first shows how it ended. */
function stampIncomingEnd(page: Page): Promise<void> {
  return page.evaluate(() => {
    const w = window as FileWatchWindow;
    const observer = new MutationObserver(() => {
      const status = document.querySelector('[data-testid="file-transfer"][data-direction="in"]')?.getAttribute('data-status');
      if (status === 'done' || status === 'failed' || status === 'cancelled') {
        w.__fileEnd = { status, at: Date.now() };
        observer.disconnect();
      }
    });
    observer.observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-status'] });
  });
}

/** The floor in one of A's extension pages, fed the same file through a file input of its own. */
async function measureFloorMs(profile: Profile, path: string): Promise<number> {
  const page = await profile.context.newPage();
  try {
    await page.goto(profile.url('options.html'));
    const input = 'input[data-bench="floor-file"]';
    await page.evaluate(() => {
      const element = document.createElement('input');
      element.type = 'file';
      element.dataset.bench = 'floor-file';
      document.body.append(element);
    });
    await page.setInputFiles(input, path);
    return await page.evaluate(measureDataChannelFloorMs, {
      input,
      chunkBytes: defaultChunkBytes,
      highWaterBytes,
      lowWaterBytes,
      timeoutMs: transferTimeoutMs,
    });
  } finally {
    await page.close();
  }
}
