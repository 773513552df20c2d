/**
 * `npm run bench:network` (BENCH_NETWORK_RUNS, default 3): what real networks do to a call,
 * timed in the simulated internet of the e2e suite (tests/support/simulated-internet.ts),
 * so it needs root, as CI has. Homes behind NAT routers, the signaling server and coturn
 * on the wan, Chromium with the built extension inside the homes. Each run:
 *   - Ann (port-preserving NAT) starts, Ben (port-preserving) joins: a direct srflx pair;
 *   - Ben's address changes under the call, as Wi-Fi to 4G;
 *   - Ben's home goes dark for 3 s, then for 20 s;
 *   - the signaling server is redeployed (SIGTERM, a new process);
 *   - Cat (port-randomizing NAT) joins a call with Ann: only the relay connects.
 * Prints one JSON line on stdout (progress on stderr). It never passes or fails on time;
 * it exits non-zero only when the setup itself breaks.
 */
import type { Page } from 'playwright-core';
import { SimulatedInternet } from '../tests/support/simulated-internet';
import buildExtension from '../tests/e2e/global-setup';
import type { Profile } from '../tests/e2e/support/browser';
import { newTurnSecret, personAt, type SignalingNode, startSignalingNode, startTurnIn } from '../tests/e2e/support/internet-services';
import { mediaSteadyAgain, recordFrames, selectedCandidateTypes } from '../tests/e2e/support/media-probes';
import { type CallTab, openPopup } from '../tests/e2e/support/pages';
import { closeExtensionPages, joinAt, leaveAll, stepTimeoutMs } from './call-tabs';
import { installProbe, measureFloorMs, type ProbeWindow } from './in-page';
import { countOf } from './count-setting';
import { inExtensionPage } from './extension-page';
import { log } from './log';
import { summarize } from './stats';

const defaultRuns = 3;
const shortOutageMs = 3_000;
const longOutageMs = 20_000;
const recoveryTimeoutMs = 20_000;
const setupBudgetMs = 180_000;
const runBudgetMs = 150_000;

const note =
  'ms, on the page clocks (Date.now(); one machine clock, so marks compare across namespaces). natJoinToFirstFrameMs: ' +
  "click on Join the call in the newcomer's lobby to its first remote frame (requestVideoFrameCallback); srflx between " +
  'two port-preserving NATs, relay with one port-randomizing NAT (coturn on the wan). networkChangeRecoveryMs: Ben\'s ' +
  'new address up (veth and NAT re-addressed, conntrack flushed) to the first frame of video that then keeps coming for ' +
  '1 s, the later of both sides. outageRecoveryMs: all of Ben\'s packets dropped for 3 s or 20 s; network back to the same ' +
  "first steady frame. outageServerBackMs: network back to Ben's header saying online again (after a long outage, " +
  "Chromium hands new requests to the server to connection attempts begun during the outage, which wait out TCP's SYN " +
  'backoff). signalingRestartReregisterMs: the new server process listening to both sides showing online again ' +
  '(the later). inPageFloorMs: two RTCPeerConnections in one extension page, offer to first remote frame, for scale. ' +
  'Headless Chromium, fake devices, no delay or loss on the links.';

interface Figures {
  srflxJoin: number[];
  relayJoin: number[];
  networkChange: number[];
  outage3s: number[];
  outage20s: number[];
  serverBack3s: number[];
  serverBack20s: number[];
  reregister: number[];
  floor: number[];
}

async function person(internet: SimulatedInternet, home: string, signalingUrl: string): Promise<Profile> {
  const profile = await personAt(internet, home, signalingUrl);
  // tsx compiles with esbuild's keepNames, so functions sent into pages call its __name helper.
  await profile.context.addInitScript({ content: 'globalThis.__name = (fn) => fn;' });
  await profile.context.addInitScript(installProbe);
  return profile;
}

/** A call started by `host` and joined by `guest`: the guest's click on Join to its first remote frame. */
async function timedJoin(host: Profile, guest: Profile): Promise<{ ms: number; hostCall: CallTab; guestCall: CallTab }> {
  const hostCall = await (await openPopup(host, { name: 'Host' })).start();
  await hostCall.waitForState('waiting', stepTimeoutMs);
  const { clickAt, call: guestCall } = await joinAt(guest, await hostCall.callId(), 'Guest');
  await guestCall.page.waitForFunction(() => (window as unknown as ProbeWindow).__bench?.marks.firstFrame !== undefined, null, { timeout: stepTimeoutMs, polling: 20 });
  const firstFrame = await guestCall.page.evaluate(() => (window as unknown as ProbeWindow).__bench.marks.firstFrame!);
  await hostCall.waitForState('in-call', stepTimeoutMs);
  return { ms: firstFrame - clickAt, hostCall, guestCall };
}

async function pairTypeOf(page: Page): Promise<string> {
  const pairs = await selectedCandidateTypes(page);
  return pairs.map((p) => `${p.local}/${p.remote}`).join(',');
}

/** From `fromMs` to the later of both sides' first frame of video that then kept coming. */
async function recoveredAfter(calls: readonly [CallTab, string][], gapStartedMs: number, fromMs: number): Promise<number> {
  const back = await Promise.all(calls.map(([call, name]) => mediaSteadyAgain(call.page, name, gapStartedMs, recoveryTimeoutMs)));
  return Math.max(...back.map((side) => side.backAtMs)) - fromMs;
}

/** When the page's header next says online (its own clock, polled every 20 ms). */
function onlineAt(page: Page): Promise<number> {
  return page
    .waitForFunction(() => (document.querySelector<HTMLElement>('[data-testid="signaling-status"]')?.dataset.status === 'online' ? Date.now() : false), null, {
      timeout: recoveryTimeoutMs,
      polling: 20,
    })
    .then((handle) => handle.jsonValue() as Promise<number>);
}

function measureFloor(profile: Profile): Promise<number> {
  return inExtensionPage(profile, measureFloorMs, stepTimeoutMs);
}

async function oneRun(internet: SimulatedInternet, people: Record<'ann' | 'ben' | 'cat', Profile>, node: { current: SignalingNode; restart(): Promise<SignalingNode> }, figures: Figures): Promise<void> {
  const { ann, ben, cat } = people;
  try {
    const direct = await timedJoin(ann, ben);
    const pair = await pairTypeOf(direct.guestCall.page);
    if (pair !== 'srflx/srflx') throw new Error(`Ann and Ben should pair srflx/srflx, not ${pair}`);
    figures.srflxJoin.push(direct.ms);
    const sides: [CallTab, string][] = [
      [direct.hostCall, 'Guest'],
      [direct.guestCall, 'Host'],
    ];
    for (const [call] of sides) await recordFrames(call.page);

    const changedAt = Date.now();
    internet.changeAddress('b');
    figures.networkChange.push(await recoveredAfter(sides, changedAt, changedAt));

    for (const [outageMs, media, server] of [
      [shortOutageMs, figures.outage3s, figures.serverBack3s],
      [longOutageMs, figures.outage20s, figures.serverBack20s],
    ] as const) {
      const cutAt = Date.now();
      internet.cutOff('b');
      await new Promise((r) => setTimeout(r, outageMs));
      const backAt = Date.now();
      internet.reconnect('b');
      const benOnline = onlineAt(direct.guestCall.page);
      media.push(await recoveredAfter(sides, cutAt, backAt));
      server.push((await benOnline) - backAt);
    }

    // Both must be online before the restart, or the figure would include the outage's tail.
    await Promise.all(sides.map(([call]) => onlineAt(call.page)));
    node.current.child.kill('SIGTERM');
    await node.current.exited;
    await node.restart();
    const listeningAt = Date.now();
    const online = await Promise.all(sides.map(([call]) => onlineAt(call.page)));
    figures.reregister.push(Math.max(...online) - listeningAt);
    await leaveAll(sides.map(([call]) => call));
    await closeExtensionPages([ann, ben]);

    const relayed = await timedJoin(ann, cat);
    const relayPair = await pairTypeOf(relayed.guestCall.page);
    if (!relayPair.includes('relay')) throw new Error(`Ann and Cat should pair through the relay, not ${relayPair}`);
    figures.relayJoin.push(relayed.ms);
    await leaveAll([relayed.hostCall, relayed.guestCall]);

    figures.floor.push(await measureFloor(ann));
  } finally {
    await closeExtensionPages([ann, ben, cat]);
  }
}

async function main(): Promise<void> {
  const runs = countOf(process.env.BENCH_NETWORK_RUNS, 'BENCH_NETWORK_RUNS', defaultRuns, 1);
  let internetToDestroy: SimulatedInternet | undefined;
  const watchdog = setTimeout(() => {
    log('gave up: the setup hung past its time budget');
    internetToDestroy?.destroy();
    process.exit(2);
  }, setupBudgetMs + runs * runBudgetMs);
  watchdog.unref();
  const profiles: Profile[] = [];

  log('building the extension');
  await buildExtension();
  const internet = SimulatedInternet.build([
    { name: 'a', nat: 'port-preserving' },
    { name: 'b', nat: 'port-preserving' },
    { name: 'c', nat: 'port-randomizing' },
  ]);
  internetToDestroy = internet;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      internet.destroy();
      process.exit(130);
    });
  }
  try {
    const turnSecret = newTurnSecret();
    await startTurnIn(internet, turnSecret);
    const env = { PEERCALL_TURN_SECRET: turnSecret };
    const node = {
      current: await startSignalingNode(internet, { env }),
      async restart() {
        this.current = await startSignalingNode(internet, { env });
        return this.current;
      },
    };
    const [ann, ben, cat] = await Promise.all(['a', 'b', 'c'].map((home) => person(internet, home, node.current.url)));
    profiles.push(ann!, ben!, cat!);
    const figures: Figures = { srflxJoin: [], relayJoin: [], networkChange: [], outage3s: [], outage20s: [], serverBack3s: [], serverBack20s: [], reregister: [], floor: [] };
    let failedRuns = 0;
    for (let run = 1; run <= runs; run++) {
      try {
        await oneRun(internet, { ann: ann!, ben: ben!, cat: cat! }, node, figures);
        log(
          `run ${run}/${runs}: join srflx ${figures.srflxJoin.at(-1)} ms, relay ${figures.relayJoin.at(-1)} ms; network change ${figures.networkChange.at(-1)} ms; ` +
            `outage 3 s ${figures.outage3s.at(-1)} ms, 20 s ${figures.outage20s.at(-1)} ms; re-register ${figures.reregister.at(-1)} ms; floor ${figures.floor.at(-1)?.toFixed(1)} ms`,
        );
      } catch (error) {
        failedRuns += 1;
        log(`run ${run}/${runs} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    if (failedRuns === runs) throw new Error('every run failed');
    const result = {
      runs,
      failedRuns,
      natJoinToFirstFrameMs: { srflx: summarize(figures.srflxJoin), relay: summarize(figures.relayJoin) },
      networkChangeRecoveryMs: summarize(figures.networkChange),
      outageRecoveryMs: { after3s: summarize(figures.outage3s), after20s: summarize(figures.outage20s) },
      outageServerBackMs: { after3s: summarize(figures.serverBack3s), after20s: summarize(figures.serverBack20s) },
      signalingRestartReregisterMs: summarize(figures.reregister),
      inPageFloorMs: summarize(figures.floor),
      aimMs: { networkChangeRecovery: 2_000, outageRecovery: 1_000 },
      chromium: ann!.context.browser()?.version(),
      node: process.version,
      note,
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await Promise.allSettled(profiles.map((profile) => profile.close()));
    internet.destroy();
    clearTimeout(watchdog);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    log(`bench:network failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
