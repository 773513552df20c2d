/**
 * Reactions and raised hands between three people, checked on the other people's screens:
 * A's reaction floats over A's tile for B and C (and over A's own), and fades; hands show on
 * the tiles and in People in the order they went up, and come down when their owner lowers
 * them or speaks; a burst past the sending limit reaches nobody beyond the limit and tells
 * the sender so.
 *
 * The fake microphone beeps without pause, which counts as speaking: everyone mutes on the way in,
 * so a raised hand stays up until the one check that unmutes on purpose.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reactionShownMs } from '../../lib/call/floating-reactions';
import { lowerAfterSpeakingMs } from '../../lib/call/raised-hands';
import { reactionSendLimit } from '../../lib/call/reaction-limit';
import { parseConfig } from '../../signaling/config';
import { type RunningSignalingServer, startSignalingServer } from '../../signaling/server';
import { launchProfile, type Profile } from './support/browser';
import { type CallTab, configure, openPopup } from './support/pages';

let server: RunningSignalingServer;
const profiles: Profile[] = [];
let a: CallTab;
let b: CallTab;
let c: CallTab;

/** Mutes and turns the camera off once in the call: three encoders would only slow the machine. */
async function muteWithoutCamera(tab: CallTab): Promise<CallTab> {
  await tab.mute();
  await tab.toggleCamera();
  await expect.poll(() => Promise.all([tab.pressed('mute'), tab.pressed('camera')]), { timeout: 5_000 }).toEqual([true, true]);
  return tab;
}

beforeAll(async () => {
  server = await startSignalingServer(parseConfig({ PEERCALL_PORT: '0' }, []));
  profiles.push(...(await Promise.all(Array.from({ length: 3 }, () => launchProfile({ fakeDevices: 'device-count=1' })))));
  await Promise.all(profiles.map((p) => configure(p, { signalingUrl: server.url })));
}, 120_000);

afterAll(async () => {
  await Promise.all(profiles.map((p) => p.close()));
  await server?.close();
});

describe('reactions and raised hands', () => {
  it('three people, muted and without cameras, see each other', async () => {
    a = await (await openPopup(profiles[0]!, { name: 'A' })).start();
    await a.waitForState('waiting');
    await muteWithoutCamera(a);
    const callId = await a.callId();
    await a.page.keyboard.press('Escape');
    b = await (await openPopup(profiles[1]!, { name: 'B' })).join(callId);
    await b.waitForState('in-call');
    await muteWithoutCamera(b);
    c = await (await openPopup(profiles[2]!, { name: 'C' })).join(callId);
    await c.waitForState('in-call');
    await muteWithoutCamera(c);
    for (const call of [a, b, c]) await expect.poll(() => call.tileLabels(), { timeout: 15_000 }).toHaveLength(2);
  }, 60_000);

  it("A's reaction floats over A's tile on B's and C's screens, and over A's own, then fades", async () => {
    await a.react('heart');
    const heart = [{ reaction: 'heart', label: 'Heart' }];
    for (const other of [b, c]) await expect.poll(() => other.reactionsOnTile('A'), { timeout: 5_000 }).toEqual(heart);
    expect(await a.reactionsOnTile('self')).toEqual(heart);
    // Nobody else's tile shows it.
    expect(await b.reactionsOnTile('C')).toEqual([]);
    expect(await c.reactionsOnTile('self')).toEqual([]);
    await expect.poll(() => b.reactionsOnTile('A'), { timeout: reactionShownMs + 2_000 }).toEqual([]);
    expect(await a.reactionsOnTile('self')).toEqual([]);
  });

  it('hands show on the tile and in People in the order they went up, and go when lowered', async () => {
    await a.toggleHand();
    expect(await a.pressed('raise-hand')).toBe(true);
    for (const other of [b, c]) {
      await expect.poll(() => other.handOnTile('A'), { timeout: 5_000 }).toEqual({ place: 1, label: 'Hand raised, number 1 in line' });
      expect(await other.raisedHands()).toEqual(['A']);
    }
    expect(await a.handOnTile('self')).toMatchObject({ place: 1 });

    await b.toggleHand();
    await expect.poll(() => c.raisedHands(), { timeout: 5_000 }).toEqual(['A', 'B']);
    expect(await c.handOnTile('B')).toMatchObject({ place: 2 });
    await expect.poll(() => a.raisedHands(), { timeout: 5_000 }).toEqual(['A (you)', 'B']);

    await a.toggleHand();
    expect(await a.pressed('raise-hand')).toBe(false);
    await expect.poll(() => c.raisedHands(), { timeout: 5_000 }).toEqual(['B']);
    expect(await c.handOnTile('A')).toBeNull();
    expect(await c.handOnTile('B')).toMatchObject({ place: 1 });
    await expect.poll(() => b.raisedHands(), { timeout: 5_000 }).toEqual(['B (you)']);
  });

  it('a burst past the sending limit reaches B no further than the limit, and A is told', async () => {
    await b.watchReactions();
    await a.reactBurst('clap', reactionSendLimit.burst * 3);
    await expect.poll(async () => (await a.notice().getAttribute('data-code', { timeout: 1_000 }).catch(() => null)), { timeout: 5_000 }).toBe('info');
    expect(await a.notice().innerText()).toContain('That is a lot of reactions at once');
    // Once a token is back, a last reaction goes; the channel is ordered, so when B sees it every clap sent before it is in.
    await a.page.waitForTimeout(reactionSendLimit.refillMs + 50);
    await a.react('party');
    await expect.poll(async () => (await b.reactionsSeen('A')).some((r) => r.startsWith('party#')), { timeout: 5_000 }).toBe(true);
    const claps = (await b.reactionsSeen('A')).filter((r) => r.startsWith('clap#'));
    expect(claps.length).toBeGreaterThan(0);
    expect(claps.length).toBeLessThanOrEqual(reactionSendLimit.burst);
  });

  it("an unmuted raiser's hand comes down by itself once they have spoken for a while; a muted one's stays", async () => {
    // C muted on the way in: the button unmutes.
    await c.mute();
    await c.toggleHand();
    await expect.poll(() => b.raisedHands(), { timeout: 5_000 }).toEqual(['B (you)', 'C']);
    // Two seconds of the beeping microphone, plus the sampling of speech and the message's trip.
    await expect.poll(() => b.raisedHands(), { timeout: lowerAfterSpeakingMs + 4_000 }).toEqual(['B (you)']);
    expect(await c.pressed('raise-hand')).toBe(false);
    expect(await a.handOnTile('C')).toBeNull();
    // B, muted all along, still has theirs up.
    expect(await a.handOnTile('B')).toMatchObject({ place: 1 });
  });
});
