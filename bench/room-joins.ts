/**
 * Joins into a growing room: person 1 starts the call and persons 2..n join one at a
 * time. Each join is timed from the click on Join the call in the joiner's lobby to the moment
 * the joiner has a frame from every member already there. The next person joins only
 * once everyone sees everyone, so each join meets a settled room. Everyone leaves and
 * every tab is closed after the run.
 */
import { readFileSync } from 'node:fs';
import type { Profile } from '../tests/e2e/support/browser';
import { type CallTab, openPopup } from '../tests/e2e/support/pages';
import { closeExtensionPages, joinAt, leaveAll, stepTimeoutMs } from './call-tabs';
import { cameraOverrideKey, measureMeshFloorMs, type ProbeWindow } from './in-page';
import { inExtensionPage } from './extension-page';
import { log } from './log';
import { median, type Summary, summarize } from './stats';

/** A hung browser must not hang the run; the setup's own budget comes on top. */
export const roomRunBudgetMs = 90_000;

export const roomNote =
  'kthJoinerSeesAllMs: person 1 starts a call, persons 2..k join in turn (separate profiles, each waiting until everyone ' +
  'sees everyone); ms from the click on Join the call in person k\'s lobby to the last of the k-1 remote videos in its call tab ' +
  'presenting its first frame (requestVideoFrameCallback, videoWidth > 0). Fresh call tabs per run; a failed run keeps ' +
  'the joins it measured before failing. kthFloorMs: k-1 RTCPeerConnection pairs set up at once in one extension page of ' +
  'person 1, media opened before the clock, first createOffer to the last pair\'s first remote frame; measured after each ' +
  'run. ratio: median over median. camera320x240: the same, with every camera (app and floor) captured at 320x240, to show ' +
  'what the video\'s CPU costs when k browsers share the machine\'s cores. kthCpuIdlePct: the share of all cores idle ' +
  '(/proc/stat) over the second before person k clicks Join the call, with k-1 people in the call, and from that click to ' +
  'person k seeing everyone; medians over the runs. The floor runs in one page of an otherwise idle machine, so where ' +
  'the room leaves no idle CPU, the ratio measures the machine, not the join.';

export interface RoomFigures {
  readonly roomRuns: number;
  readonly failedRoomRuns: number;
  /** Keyed by k, the joiner's place in the room. */
  readonly kthJoinerSeesAllMs: Record<string, Summary>;
  readonly kthFloorMs: Record<string, Summary>;
  readonly kthJoinerToFloorRatio: Record<string, number>;
  /**
   * How much of the machine's CPU was idle (every core, from /proc/stat): over the second
   * before person k clicked Join the call, with k-1 in the call, and over the join itself.
   */
  readonly kthCpuIdlePct: Record<string, { beforeJoin: number; duringJoin: number }>;
}

/** Idle and total jiffies of every core together, from /proc/stat; null where there is none. */
function cpuTimes(): { idle: number; total: number } | null {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    return { idle: fields[3]! + (fields[4] ?? 0), total: fields.reduce((a, b) => a + b, 0) };
  } catch {
    return null;
  }
}

function idlePct(from: ReturnType<typeof cpuTimes>, to: ReturnType<typeof cpuTimes>): number | null {
  if (!from || !to || to.total <= from.total) return null;
  return Math.round((100 * (to.idle - from.idle)) / (to.total - from.total));
}

const floorTimeoutMs = 20_000;

/** Every camera in these profiles captures at `camera` (null: as the app asks). */
async function setCamera(people: readonly Profile[], camera: [number, number] | null): Promise<void> {
  for (const profile of people) {
    await inExtensionPage(profile, ({ key, value }: { key: string; value: string | null }) => (value === null ? localStorage.removeItem(key) : localStorage.setItem(key, value)), {
      key: cameraOverrideKey,
      value: camera ? `${camera[0]}x${camera[1]}` : null,
    });
  }
}

function meshFloorMs(profile: Profile, pairs: number, camera: [number, number] | null): Promise<number> {
  return inExtensionPage(profile, measureMeshFloorMs, { pairs, timeoutMs: floorTimeoutMs, camera });
}

export async function roomJoinFigures(people: readonly Profile[], runs: number, camera: [number, number] | null = null): Promise<RoomFigures> {
  const ks = people.slice(1).map((_, index) => index + 2);
  const joins = new Map<number, number[]>(ks.map((k) => [k, []]));
  const floors = new Map<number, number[]>(ks.map((k) => [k, []]));
  const idleBefore = new Map<number, number[]>(ks.map((k) => [k, []]));
  const idleDuring = new Map<number, number[]>(ks.map((k) => [k, []]));
  let failedRoomRuns = 0;
  await setCamera(people, camera);
  try {
    for (let run = 1; run <= runs; run++) {
      const measured: string[] = [];
      let failure: string | null = null;
      try {
        await measureRoomJoins(people, (k, ms, idle) => {
          joins.get(k)!.push(ms);
          if (idle.before !== null) idleBefore.get(k)!.push(idle.before);
          if (idle.during !== null) idleDuring.get(k)!.push(idle.during);
          measured.push(`k=${k} ${ms} ms (cpu idle ${idle.before ?? '?'} % before, ${idle.during ?? '?'} % during)`);
        });
      } catch (error) {
        failedRoomRuns += 1;
        failure = error instanceof Error ? error.message : String(error);
      }
      // The floor is measured after every run, one that timed out too, so each k has one.
      const floor: string[] = [];
      try {
        for (const k of ks) {
          const ms = await meshFloorMs(people[0]!, k - 1, camera);
          floors.get(k)!.push(ms);
          floor.push(`k=${k} ${ms.toFixed(0)} ms`);
        }
      } catch (error) {
        floor.push(`failed: ${error instanceof Error ? error.message : String(error)}`);
      }
      const what = `room run ${run}/${runs}${camera ? ` (cameras ${camera.join('x')})` : ''}`;
      log(`${what}${failure ? ' failed' : ''}: ${measured.join(', ') || 'no join'}${failure ? ` (${failure})` : ''}; floor ${floor.join(', ')}`);
    }
  } finally {
    await setCamera(people, null);
  }
  return {
    roomRuns: runs,
    failedRoomRuns,
    kthJoinerSeesAllMs: Object.fromEntries([...joins].map(([k, values]) => [k, summarize(values)])),
    kthFloorMs: Object.fromEntries([...floors].map(([k, values]) => [k, summarize(values)])),
    kthJoinerToFloorRatio: Object.fromEntries(ks.map((k) => [k, Math.round((median(joins.get(k)!) / median(floors.get(k)!)) * 100) / 100])),
    kthCpuIdlePct: Object.fromEntries(ks.map((k) => [k, { beforeJoin: median(idleBefore.get(k)!), duringJoin: median(idleDuring.get(k)!) }])),
  };
}

/** One run; hands each join's time to `joined` as it is taken, so a later failure keeps the earlier ones. */
async function measureRoomJoins(people: readonly Profile[], joined: (k: number, ms: number, idle: { before: number | null; during: number | null }) => void): Promise<void> {
  const [first, ...joiners] = people;
  if (!first || joiners.length === 0) throw new Error('A room needs at least two people');
  const calls: CallTab[] = [];
  try {
    const starter = await (await openPopup(first, { name: 'Person 1' })).start();
    calls.push(starter);
    await starter.waitForState('waiting', stepTimeoutMs);
    const callId = await starter.callId();

    for (const [index, profile] of joiners.entries()) {
      const k = index + 2;
      const atRest = cpuTimes();
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const beforeJoin = cpuTimes();
      const { clickAt, call } = await joinAt(profile, callId, `Person ${k}`);
      const clicked = cpuTimes();
      calls.push(call);
      const seesAll = await everyoneMovingAt(call, k, k);
      joined(k, seesAll - clickAt, { before: idlePct(atRest, beforeJoin), during: idlePct(clicked, cpuTimes()) });
      if (k < people.length) await Promise.all(calls.map((member, place) => everyoneMovingAt(member, place + 1, k)));
    }
  } finally {
    await leaveAll(calls);
    await closeExtensionPages(people);
  }
}

/**
 * Waits until person `who`'s call tab, in a room of `size`, shows a remote video for each
 * of the others, each with a size and a frame presented; returns when the last of them
 * presented its first frame (Date.now() in the page).
 */
async function everyoneMovingAt(call: CallTab, who: number, size: number): Promise<number> {
  const allMoving = (count: number) => {
    const probe = (window as unknown as ProbeWindow).__bench;
    const videos = [...document.querySelectorAll<HTMLVideoElement>('video[data-testid="remote-video"]')];
    if (videos.length !== count) return null;
    let last = 0;
    for (const video of videos) {
      const at = probe.firstFrameAt(video);
      if (at === undefined || video.videoWidth === 0) return null;
      last = Math.max(last, at);
    }
    return last;
  };
  try {
    const lastFirstFrame = await call.page.waitForFunction(allMoving, size - 1, { timeout: stepTimeoutMs, polling: 50 });
    return (await lastFirstFrame.jsonValue()) as number;
  } catch (error) {
    const tiles = await call.tileLabels().catch(() => []);
    const why = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new Error(`in a room of ${size}, person ${who} did not see the ${size - 1} others moving (tiles: ${tiles.join(', ') || 'none'}): ${why}`);
  }
}
