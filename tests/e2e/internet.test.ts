/**
 * Calls on a simulated internet (tests/support/simulated-internet.ts): homes behind NAT
 * routers, the signaling server and coturn on a public network, everything in network
 * namespaces this file builds and removes. What real networks do to a call is done here
 * for real: a port-randomizing NAT, a change of address, outages short and long, a browser
 * killed, and the server restarted under a running call.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signalingAddress, SimulatedInternet, wanPrefix } from '../support/simulated-internet';
import type { Profile } from './support/browser';
import { newTurnSecret, personAt, type SignalingNode, startProxyIn, startRedisIn, startSignalingNode, startTurnIn } from './support/internet-services';
import {
  gapsOver,
  liveConnectionMarks,
  markConnections,
  mediaSteadyAgain,
  recordFrames,
  remoteVideoProgress,
  selectedCandidateTypes,
  shownStates,
  watchShownStates,
} from './support/media-probes';
import { type CallTab, openPopup } from './support/pages';

let internet: SimulatedInternet;
let node: SignalingNode;
let turnSecret: string;
const people: Profile[] = [];
let ann: CallTab;
let ben: CallTab;
let callId: string;

/** A person in `home`, closed with the internet at the end. */
async function person(home: string, settings: { reconnectGraceSeconds?: number; askToJoin?: boolean } = {}): Promise<Profile> {
  const profile = await personAt(internet, home, node.url, settings);
  people.push(profile);
  return profile;
}

/**
 * Closes every browser but those of `keep`: each test's load stays its own, so a later test
 * measuring gaps of 400 ms does not also pay for the encoders of calls that ended before it.
 */
async function closeAllBut(...keep: CallTab[]): Promise<void> {
  const kept = new Set(keep.map((call) => call.page.context()));
  const closing = people.filter((profile) => !kept.has(profile.context));
  people.splice(0, people.length, ...people.filter((profile) => kept.has(profile.context)));
  await Promise.all(closing.map((profile) => profile.close()));
}

/** Everyone in the call sees moving video from everyone else. */
async function everyoneMoving(calls: readonly CallTab[]): Promise<void> {
  for (const call of calls) {
    await expect.poll(async () => (await remoteVideoProgress(call.page, 500)).frames, { timeout: 15_000 }).toBeGreaterThan(3);
  }
}

/** Ready to watch a disruption: connections marked, frames and what the screen says recorded. */
async function watch(...calls: CallTab[]): Promise<void> {
  for (const call of calls) {
    await markConnections(call.page, 'before');
    await recordFrames(call.page);
    await watchShownStates(call.page);
  }
}

/** What a page showed between two moments: the signaling states and the presence of the tile named `name`. */
async function shownBetween(call: CallTab, name: string, fromMs: number, toMs: number): Promise<{ signaling: Set<string>; tile: string[] }> {
  const states = (await shownStates(call.page)).filter((s) => s.at >= fromMs && s.at <= toMs);
  return { signaling: new Set(states.map((s) => s.signaling)), tile: states.map((s) => s.tiles[name] ?? 'absent') };
}

beforeAll(async () => {
  internet = SimulatedInternet.build([
    { name: 'a', nat: 'port-preserving' },
    { name: 'b', nat: 'port-preserving' },
    { name: 'c', nat: 'port-randomizing' },
    { name: 'd', nat: 'port-preserving' },
  ]);
  turnSecret = newTurnSecret();
  await startTurnIn(internet, turnSecret);
  // The default configuration: no PEERCALL_TOKEN_SECRET, so the server keeps its own.
  node = await startSignalingNode(internet, { env: { PEERCALL_TURN_SECRET: turnSecret } });
}, 60_000);

afterAll(async () => {
  await Promise.all(people.map((profile) => profile.close()));
  internet?.destroy();
});

describe('calls across NATs', () => {
  it('between two port-preserving NATs the call goes direct, server-reflexive both ways', async () => {
    ann = await (await openPopup(await person('a'), { name: 'Ann' })).start();
    callId = await ann.callId();
    ben = await (await openPopup(await person('b'), { name: 'Ben' })).join(callId);
    await ben.waitForState('in-call', 20_000);
    await everyoneMoving([ann, ben]);
    expect(await selectedCandidateTypes(ann.page)).toEqual([{ local: 'srflx', remote: 'srflx' }]);
  });

  it('behind a port-randomizing NAT only the relay connects, and it does', async () => {
    const cat = await (await openPopup(await person('c'), { name: 'Cat' })).join(callId);
    await cat.waitForState('in-call', 20_000);
    await everyoneMoving([ann, ben, cat]);
    // Each of Cat's two connections goes through coturn on one side or the other.
    const pairs = await selectedCandidateTypes(cat.page);
    expect(pairs).toHaveLength(2);
    for (const pair of pairs) expect([pair.local, pair.remote]).toContain('relay');
    await cat.leave();
    await expect.poll(() => ann.tileLabels(), { timeout: 5_000 }).toEqual(['Ben']);
    await closeAllBut(ann, ben);
  });
});

describe('a gap is not a goodbye', () => {
  it("Ben's network changes under the call (Wi-Fi to 4G): media is back on both sides within 5 s, on the same connection", async () => {
    await watch(ann, ben);
    const changedAt = Date.now();
    internet.changeAddress('b');
    const [annSide, benSide] = await Promise.all([mediaSteadyAgain(ann.page, 'Ben', changedAt, 15_000), mediaSteadyAgain(ben.page, 'Ann', changedAt, 15_000)]);
    expect(annSide.backAtMs - changedAt).toBeLessThan(5_000);
    expect(benSide.backAtMs - changedAt).toBeLessThan(5_000);
    // Repaired, not redialed: the same RTCPeerConnection carries on, on a new path.
    expect(await liveConnectionMarks(ann.page)).toEqual(['before']);
    expect(await liveConnectionMarks(ben.page)).toEqual(['before']);
    // Ben's screen said what was happening while it happened.
    const shown = await shownBetween(ben, 'Ann', changedAt, benSide.backAtMs);
    expect([...shown.signaling].some((s) => s !== 'online') || shown.tile.includes('reconnecting')).toBe(true);
    expect(await ann.tileLabels()).toEqual(['Ben']);
  });

  it('a 3-second outage: nobody is removed, and media is back within 3 s of the network returning', async () => {
    await watch(ann, ben);
    internet.cutOff('b');
    await ann.page.waitForTimeout(3_000);
    const backAt = Date.now();
    internet.reconnect('b');
    const [annSide, benSide] = await Promise.all([mediaSteadyAgain(ann.page, 'Ben', backAt - 3_000, 10_000), mediaSteadyAgain(ben.page, 'Ann', backAt - 3_000, 10_000)]);
    expect(annSide.backAtMs - backAt).toBeLessThan(3_000);
    expect(benSide.backAtMs - backAt).toBeLessThan(3_000);
    expect(await ann.tileLabels()).toEqual(['Ben']);
    expect(await ben.tileLabels()).toEqual(['Ann']);
  });

  it("a 20-second outage: Ben sees Ann reconnecting the whole time and that he cannot reach the server; media is back within 5 s", async () => {
    await watch(ann, ben);
    const cutAt = Date.now();
    internet.cutOff('b');
    await ann.page.waitForTimeout(20_000);
    const backAt = Date.now();
    internet.reconnect('b');
    const [annSide, benSide] = await Promise.all([mediaSteadyAgain(ann.page, 'Ben', cutAt, 15_000), mediaSteadyAgain(ben.page, 'Ann', cutAt, 15_000)]);
    expect(annSide.backAtMs - backAt).toBeLessThan(5_000);
    expect(benSide.backAtMs - backAt).toBeLessThan(5_000);
    // From the moment silence shows (3.5 s) to the end of the outage, Ann's tile on Ben's
    // screen is there and says reconnecting, and his header never says connected.
    const during = await shownBetween(ben, 'Ann', cutAt + 5_000, backAt);
    expect(during.tile.length).toBeGreaterThan(50);
    expect(new Set(during.tile)).toEqual(new Set(['reconnecting']));
    expect(during.signaling.has('online')).toBe(false);
    const late = await shownBetween(ben, 'Ann', cutAt + 8_000, backAt);
    expect([...late.signaling].every((s) => s === 'retrying' || s === 'reconnecting' || s === 'no-network')).toBe(true);
    // Ann saw Ben reconnecting too, and kept him.
    expect((await shownBetween(ann, 'Ben', cutAt + 5_000, backAt)).tile.every((t) => t === 'reconnecting')).toBe(true);
    expect(await liveConnectionMarks(ann.page)).toEqual(['before']);
  });

  it('Ben\'s browser killed: Ann has him gone within 5 s', async () => {
    // Killed while the server holds his socket: its closing is what tells Ann at once. After
    // the 20 s outage his reconnect can wait seconds on Chromium's stalled connections (see
    // bench/network.ts), so wait for it rather than kill him while he has no socket.
    await ben.page.locator('[data-testid="signaling-status"][data-status="online"]').waitFor({ timeout: 20_000 });
    const killedAt = Date.now();
    people.find((p) => p.context === ben.page.context())!.kill();
    await expect.poll(() => ann.tileLabels(), { timeout: 5_000, interval: 100 }).toEqual([]);
    expect(Date.now() - killedAt).toBeLessThan(5_000);
    expect(await ann.notice().innerText()).toContain('Ben lost their connection');
  });

  it('an outage longer than the grace period: the person is removed, with a message saying they lost their connection', async () => {
    await ann.leave();
    await closeAllBut();
    // A call of two who wait 6 s for each other, instead of 30.
    const host = await (await openPopup(await person('a', { reconnectGraceSeconds: 6 }), { name: 'Ann' })).start();
    const guest = await (await openPopup(await person('d', { reconnectGraceSeconds: 6 }), { name: 'Dan' })).join(await host.callId());
    await guest.waitForState('in-call', 20_000);
    await everyoneMoving([host, guest]);
    const cutAt = Date.now();
    internet.cutOff('d');
    await expect.poll(() => host.tileLabels(), { timeout: 15_000, interval: 200 }).toEqual([]);
    const removedAfterMs = Date.now() - cutAt;
    internet.reconnect('d');
    // Removed after the grace, counted from Dan's last word (heartbeats come each second), not before.
    expect(removedAfterMs).toBeGreaterThan(6_000 - 1_000 - 250);
    expect(removedAfterMs).toBeLessThan(12_000);
    expect(await host.notice().innerText()).toContain('Dan lost their connection');
    expect(await host.state()).toBe('waiting');
    await host.leave();
    ann = host;
  });
});

describe('a server that restarts', () => {
  it('restarted under a running call with the default configuration: no media gap, both back online within 5 s, and a newcomer finds the call', async () => {
    await closeAllBut();
    // Ask to join as a new install has it: the call's door asks, and outlives the server.
    const host = await (await openPopup(await person('a', { askToJoin: true }), { name: 'Ann' })).start();
    const id = await host.callId();
    expect((await host.door()).policy).toBe('ask');
    const guest = await (await openPopup(await person('b', { askToJoin: true }), { name: 'Ben' })).join(id);
    await guest.waitForState('asking', 20_000);
    await expect.poll(() => host.joinRequests(), { timeout: 10_000 }).toHaveLength(1);
    await host.answerJoinRequest('Ben', 'admit');
    await guest.waitForState('in-call', 20_000);
    await everyoneMoving([host, guest]);
    await watch(host, guest);
    const stoppedAt = Date.now();
    // A redeploy: the node is told to stop (it closes every socket with 1012), then a new one starts.
    node.child.kill('SIGTERM');
    await node.exited;
    node = await startSignalingNode(internet, { env: { PEERCALL_TURN_SECRET: turnSecret } });
    const listeningAt = Date.now();
    for (const side of [host, guest]) {
      await side.page.locator('[data-testid="signaling-status"][data-status="online"]').waitFor({ timeout: 5_000 });
    }
    expect(Date.now() - listeningAt).toBeLessThan(5_000);
    // Media flowed peer to peer throughout: no stretch of 400 ms without a frame from the
    // stop until now, watched for at least 3 s.
    for (const [side, name] of [[host, 'Ben'], [guest, 'Ann']] as const) {
      const { gaps, frames, windowMs } = await gapsOver(side.page, name, stoppedAt, 3_000);
      expect(gaps).toEqual([]);
      expect(frames).toBeGreaterThan(windowMs / 400);
    }
    // The room came back with its members and its door: someone new asks to join it, and
    // both see only that request (neither was asked about the other again), so both are in.
    const cat = await (await openPopup(await person('c'), { name: 'Cat' })).join(id);
    await cat.waitForState('asking', 20_000);
    for (const side of [host, guest]) {
      await expect.poll(() => side.joinRequests(), { timeout: 10_000 }).toEqual([{ text: 'Cat asks to join', elements: 0 }]);
      expect((await side.door()).policy).toBe('ask');
    }
    // Ben, let in before the restart, may still let others in.
    await guest.answerJoinRequest('Cat', 'admit');
    await cat.waitForState('in-call', 20_000);
    await everyoneMoving([host, guest, cat]);
    await expect.poll(async () => (await cat.tileLabels()).sort(), { timeout: 5_000 }).toEqual(['Ann', 'Ben']);
  });
});

describe('two nodes on Redis behind one address', () => {
  it('the node holding the call is killed: everyone comes back through the other, media never stops, and the room is still there', async () => {
    await closeAllBut();
    const redisUrl = await startRedisIn(internet);
    const secret = newTurnSecret();
    const nodes: SignalingNode[] = [];
    for (const [index, address] of [`${wanPrefix}.11`, `${wanPrefix}.12`].entries()) {
      internet.addPublicAddress(address);
      nodes.push(
        await startSignalingNode(internet, {
          host: address,
          port: 9001 + index,
          env: { PEERCALL_TURN_SECRET: turnSecret, REDIS_URL: redisUrl, PEERCALL_TOKEN_SECRET: secret, PEERCALL_ALIVE_TIMEOUT_MS: '8000' },
        }),
      );
    }
    const proxy = await startProxyIn(internet, signalingAddress, 9100, [`${wanPrefix}.11:9001`, `${wanPrefix}.12:9002`]);
    const at = async (home: string) => {
      const profile = await personAt(internet, home, proxy.url);
      people.push(profile);
      return profile;
    };
    const host = await (await openPopup(await at('a'), { name: 'Ann' })).start();
    const id = await host.callId();
    const guest = await (await openPopup(await at('b'), { name: 'Ben' })).join(id);
    await guest.waitForState('in-call', 20_000);
    await everyoneMoving([host, guest]);
    await watch(host, guest);
    // The proxy sends everyone to the first node while it is healthy: that is the one to kill.
    expect(nodes[0]!.child.exitCode).toBeNull();
    const killedAt = Date.now();
    nodes[0]!.child.kill('SIGKILL');
    // Both are registered on the survivor (asked from inside the wan, where it listens).
    const survivorPeers = () =>
      JSON.parse(internet.exec(internet.wan, process.execPath, ['-e', `fetch('http://${wanPrefix}.12:9002/health').then((r) => r.text()).then(console.log)`])) as { peers: number };
    await expect.poll(() => survivorPeers().peers, { timeout: 10_000 }).toBe(2);
    for (const side of [host, guest]) {
      await side.page.locator('[data-testid="signaling-status"][data-status="online"]').waitFor({ timeout: 10_000 });
    }
    // Watched from the kill until 2 s after both were back online.
    const watchMs = Date.now() - killedAt + 2_000;
    for (const [side, name] of [[host, 'Ben'], [guest, 'Ann']] as const) {
      const { gaps, frames, windowMs } = await gapsOver(side.page, name, killedAt, watchMs);
      expect(gaps).toEqual([]);
      expect(frames).toBeGreaterThan(windowMs / 400);
    }
    // Once the survivor has reaped the dead node, the room still holds both: a newcomer finds them.
    await host.page.waitForTimeout(6_000);
    const cat = await (await openPopup(await at('c'), { name: 'Cat' })).join(id);
    await cat.waitForState('in-call', 20_000);
    await everyoneMoving([host, guest, cat]);
    await expect.poll(async () => (await cat.tileLabels()).sort(), { timeout: 5_000 }).toEqual(['Ann', 'Ben']);
    proxy.stop();
  });
});
