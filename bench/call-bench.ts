/**
 * `npm run bench` (BENCH_RUNS=n or --runs n, default 10): times the real setup, Chromium
 * profiles with the built extension and a signaling server on loopback, and prints one
 * JSON line on stdout; progress goes to stderr. Each run times PeerCall's join, the
 * tutorial's way of joining (plain-page.ts) and the in-page floor, interleaved. Then joins
 * into a room of up to six profiles, as apps capture and again with every camera at
 * 320x240 (BENCH_ROOM_RUNS, default 5), and a file from one sender to one, two and three
 * receivers (BENCH_FILE_RUNS rounds each, default 3, of BENCH_FILE_MIB, default 64); 0
 * skips either. It never passes or fails on time: it exits non-zero only when the setup
 * itself breaks.
 */
import { execFileSync } from 'node:child_process';
import { parseConfig } from '../signaling/config';
import { type RunningSignalingServer, startSignalingServer } from '../signaling/server';
import buildExtensionAndGuestPage from '../tests/e2e/global-setup';
import { chromiumPath, launchPlainBrowser, launchProfile, type PlainBrowser, type Profile } from '../tests/e2e/support/browser';
import { configure } from '../tests/e2e/support/pages';
import { fanOuts, type FileFigures, fileFanOutFigures, fileNote, fileRunBudgetMs } from './file-fanout';
import { installProbe, measureFloorMs } from './in-page';
import { countOf } from './count-setting';
import { inExtensionPage } from './extension-page';
import { log } from './log';
import { measureGuestAdmit, measureGuestJoinMs } from './guest-join';
import { measureCall } from './one-call';
import { measurePlainPageJoinMs, startPlainPageServer } from './plain-page';
import { type RoomFigures, roomJoinFigures, roomNote, roomRunBudgetMs } from './room-joins';
import { median, roundTenth, summarize } from './stats';

const defaultRuns = 10;
const defaultRoomRuns = 5;
const defaultFileRuns = 3;
const defaultFileMiB = 64;
/** Person 1 starts the room and persons 2..6 join it: six is the mesh's limit. */
const roomSize = 6;
const smallCamera: [number, number] = [320, 240];
const floorTimeoutMs = 15_000;
/** A hung browser must not hang CI: give up after the build, the launch and this much per run. */
const setupBudgetMs = 180_000;
const runBudgetMs = 60_000;

const note =
  'ms, taken in the pages (Date.now(), performance.now()). join: click on Join the call in B\'s lobby (reached from the popup, preview showing and server connected) to B\'s first remote frame ' +
  '(requestVideoFrameCallback) in the call tab it opens. cameraSwitch: A picks fake_device_2 to B\'s first frame with mean ' +
  'green < 136. floor: two RTCPeerConnections in one extension page, createOffer to first remote frame, media opened ' +
  'before the clock. joinSteps: medians of when each step of the join happened after the click. plainPageJoin: the ' +
  'tutorial\'s way (a plain page, a WebSocket relay, one RTCPeerConnection, the member already there calls the newcomer), ' +
  'written for this bench: click on Join, which opens the camera first, to the first remote frame, same probe. guestJoin: a ' +
  'browser without the extension opens A\'s invite link on the guest page; click on Join the call in its lobby (preview showing, ' +
  'server connected) to its first remote frame, same probe. guestAdmit: the same in a call that asks to join: the host\'s click on ' +
  'Admit to the guest\'s first remote frame (one machine, one clock); guestAskToRequestShown: the guest\'s click to the host seeing the request. Headless ' +
  'Chromium, fake devices, loopback signaling; a fresh call per run, floor measured in the same run, interleaved.';

function runCount(argv: readonly string[], env: NodeJS.ProcessEnv): number {
  const flag = argv.findIndex((arg) => arg === '--runs' || arg.startsWith('--runs='));
  const text = flag === -1 ? env.BENCH_RUNS : argv[flag]!.includes('=') ? argv[flag]!.slice('--runs='.length) : argv[flag + 1];
  return countOf(text, '--runs / BENCH_RUNS', defaultRuns, 1);
}

async function preparedProfile(signalingUrl: string): Promise<Profile> {
  const profile = await launchProfile();
  try {
    // tsx compiles with esbuild's keepNames, so functions sent into pages call its __name helper.
    await profile.context.addInitScript({ content: 'globalThis.__name = (fn) => fn;' });
    await profile.context.addInitScript(installProbe);
    await configure(profile, { signalingUrl });
    return profile;
  } catch (error) {
    await profile.close();
    throw error;
  }
}

/** Launches `count` profiles at once; if any fails to start, closes the others. */
async function preparedProfiles(signalingUrl: string, count: number): Promise<Profile[]> {
  const launched = await Promise.allSettled(Array.from({ length: count }, () => preparedProfile(signalingUrl)));
  const profiles = launched.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
  const failure = launched.find((outcome) => outcome.status === 'rejected');
  if (!failure) return profiles;
  await Promise.allSettled(profiles.map((profile) => profile.close()));
  throw failure.reason;
}

function measureFloor(profile: Profile): Promise<number> {
  return inExtensionPage(profile, measureFloorMs, floorTimeoutMs);
}

function chromiumVersion(profile: Profile): string {
  return profile.context.browser()?.version() ?? execFileSync(chromiumPath(), ['--version'], { encoding: 'utf8' }).trim();
}

/** Median of each join step over the runs that reached it. */
function medianSteps(runs: readonly Record<string, number>[]): Record<string, number> {
  const names = [...new Set(runs.flatMap((steps) => Object.keys(steps)))];
  return Object.fromEntries(names.map((name) => [name, roundTenth(median(runs.flatMap((steps) => steps[name] ?? [])))]));
}

async function main(): Promise<void> {
  const runs = runCount(process.argv.slice(2), process.env);
  const roomRuns = countOf(process.env.BENCH_ROOM_RUNS, 'BENCH_ROOM_RUNS', defaultRoomRuns, 0);
  const fileRuns = countOf(process.env.BENCH_FILE_RUNS, 'BENCH_FILE_RUNS', defaultFileRuns, 0);
  const fileMiB = countOf(process.env.BENCH_FILE_MIB, 'BENCH_FILE_MIB', defaultFileMiB, 1);
  const watchdog = setTimeout(
    () => {
      log('gave up: the setup hung past its time budget');
      process.exit(2);
    },
    setupBudgetMs + runs * runBudgetMs + 2 * roomRuns * roomRunBudgetMs + fanOuts.length * fileRuns * fileRunBudgetMs,
  );
  watchdog.unref();

  log('building the extension and the guest page');
  await buildExtensionAndGuestPage();
  let server: RunningSignalingServer | undefined;
  let plain: Awaited<ReturnType<typeof startPlainPageServer>> | undefined;
  const profiles: Profile[] = [];
  let guests: PlainBrowser | undefined;
  try {
    server = await startSignalingServer(parseConfig({ PEERCALL_PORT: '0' }, []));
    const url = server.url;
    // Everyone the room needs is launched up front: a browser launched later could meet
    // .output being rebuilt by another run on this machine.
    profiles.push(...(await preparedProfiles(url, Math.max(2, roomRuns > 0 ? roomSize : 0, fileRuns > 0 ? 1 + Math.max(...fanOuts) : 0))));
    const [alice, bob] = profiles as [Profile, Profile];
    plain = await startPlainPageServer();
    guests = await launchPlainBrowser();
    await guests.context.addInitScript({ content: 'globalThis.__name = (fn) => fn;' });
    await guests.context.addInitScript(installProbe);
    const join: number[] = [];
    const guestJoin: number[] = [];
    const admitToFrame: number[] = [];
    const requestShown: number[] = [];
    const plainJoin: number[] = [];
    const cameraSwitch: number[] = [];
    const floor: number[] = [];
    const steps: Record<string, number>[] = [];
    let failedRuns = 0;
    for (let run = 1; run <= runs; run++) {
      try {
        // The order rotates, so whatever the machine does over time falls on each in turn.
        const measures = [
          async () => {
            const call = await measureCall(alice, bob);
            join.push(call.joinMs);
            cameraSwitch.push(call.cameraSwitchMs);
            steps.push(call.joinSteps);
          },
          async () => {
            plainJoin.push(await measurePlainPageJoinMs(plain!, alice, bob, floorTimeoutMs));
          },
          async () => {
            floor.push(await measureFloor(alice));
          },
          async () => {
            guestJoin.push(await measureGuestJoinMs(alice, guests!));
          },
          async () => {
            const admitted = await measureGuestAdmit(alice, guests!);
            admitToFrame.push(admitted.admitMs);
            requestShown.push(admitted.requestShownMs);
          },
        ];
        for (let i = 0; i < measures.length; i++) await measures[(run + i) % measures.length]!();
        log(`run ${run}/${runs}: join ${join.at(-1)} ms, guest-page join ${guestJoin.at(-1)} ms, admit to frame ${admitToFrame.at(-1)} ms, plain-page join ${plainJoin.at(-1)} ms, camera switch ${cameraSwitch.at(-1)} ms, floor ${floor.at(-1)?.toFixed(1)} ms`);
      } catch (error) {
        failedRuns += 1;
        log(`run ${run}/${runs} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    if (failedRuns === runs) throw new Error('every run failed');

    let rooms: RoomFigures | undefined;
    let smallRooms: RoomFigures | undefined;
    if (roomRuns > 0) {
      log(`room: ${roomRuns} runs with ${roomSize} profiles, then again with every camera at ${smallCamera.join('x')}`);
      rooms = await roomJoinFigures(profiles.slice(0, roomSize), roomRuns);
      smallRooms = await roomJoinFigures(profiles.slice(0, roomSize), roomRuns, smallCamera);
      // A run that timed out at k = 6 still measured k = 2..5: only a room where nobody joined is a broken setup.
      if (Object.values(rooms.kthJoinerSeesAllMs).every((k) => Number.isNaN(k.median))) throw new Error('no room run measured a join');
    }
    let files: FileFigures | undefined;
    if (fileRuns > 0) {
      log(`files: ${fileRuns} runs`);
      files = await fileFanOutFigures(profiles, fileRuns, fileMiB);
      if (Object.values(files.fileFanOut).every((k) => k.failedRounds === fileRuns)) throw new Error('every file round failed');
    }
    const result = {
      runs,
      failedRuns,
      joinToFirstFrameMs: summarize(join),
      cameraSwitchToRemoteFrameMs: summarize(cameraSwitch),
      floorMs: summarize(floor),
      joinToFloorRatio: Math.round((median(join) / median(floor)) * 100) / 100,
      guestJoinToFirstFrameMs: summarize(guestJoin),
      guestJoinToFloorRatio: Math.round((median(guestJoin) / median(floor)) * 100) / 100,
      guestAdmitToFirstFrameMs: summarize(admitToFrame),
      guestAskToRequestShownMs: summarize(requestShown),
      plainPageJoinMs: summarize(plainJoin),
      plainPageJoinToFloorRatio: Math.round((median(plainJoin) / median(floor)) * 100) / 100,
      joinStepsMs: medianSteps(steps),
      ...rooms,
      ...(smallRooms && { camera320x240: smallRooms }),
      ...files,
      chromium: chromiumVersion(alice),
      node: process.version,
      note,
      ...(rooms && { roomNote }),
      ...(files && { fileNote }),
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await Promise.allSettled(profiles.map((profile) => profile.close()));
    await guests?.close();
    await server?.close();
    await plain?.close();
    clearTimeout(watchdog);
  }
}

// PeerServer's own housekeeping timers outlive its close(), so end the process once everything is closed.
main().then(
  () => process.exit(0),
  (error: unknown) => {
    log(`setup broke: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
