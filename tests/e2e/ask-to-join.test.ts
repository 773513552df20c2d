/**
 * The host decides who comes in: Ann starts a call that asks before letting anyone in
 * (the default), Ben asks and is admitted, Cal asks, gives up, asks again and is denied,
 * and once the call is locked nobody new gets in. Real Chromium profiles with the built
 * extension, through a real signaling server; each step builds on the one before.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callError } from '../../lib/call/call-error';
import { parseConfig } from '../../signaling/config';
import { type RunningSignalingServer, startSignalingServer } from '../../signaling/server';
import { launchProfile, type Profile } from './support/browser';
import { liveConnectionCount, remoteVideoProgress } from './support/media-probes';
import { type CallTab, configure, openPopup } from './support/pages';
import { saveScreenshot } from './support/screenshots';

let server: RunningSignalingServer;
let ann: Profile;
let ben: Profile;
let cal: Profile;
let annCall: CallTab;
let benCall: CallTab;
let callId: string;

/** A name that would be markup if anything put it into the page as HTML. */
const calName = 'Cal <img src=x>';

/**
 * Peer connections a call tab ever negotiated (made or took an offer), closed ones included.
 * PeerJS's feature test makes one at start that never does.
 */
const connectionsEverMade = (tab: CallTab) =>
  tab.page.evaluate(() => (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs.filter((pc) => pc.localDescription !== null || pc.remoteDescription !== null).length);

/** What the server counted as turned away at a room's door, for one reason. */
async function joinsRefused(reason: 'denied' | 'locked'): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${server.port}/metrics`)).text();
  return Number(new RegExp(`^peercall_joins_refused_total\\{reason="${reason}"\\} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
}

/** Cal opens the popup afresh and joins: a new call tab, so a newcomer the server has never seen. */
async function calJoins(): Promise<CallTab> {
  await Promise.all(cal.context.pages().filter((page) => page.url() === cal.url('call.html')).map((page) => page.close()));
  return (await openPopup(cal, { name: calName })).join(callId);
}

beforeAll(async () => {
  server = await startSignalingServer(parseConfig({ PEERCALL_PORT: '0' }, []));
  [ann, ben, cal] = await Promise.all([launchProfile(), launchProfile(), launchProfile()]);
  await Promise.all([
    configure(ann, { signalingUrl: server.url, askToJoin: true }),
    configure(ben, { signalingUrl: server.url }),
    configure(cal, { signalingUrl: server.url }),
  ]);
});

afterAll(async () => {
  await Promise.all([ann?.close(), ben?.close(), cal?.close()]);
  await server?.close();
});

describe('ask to join', () => {
  it('a host with ask to join on starts a call that says so', async () => {
    annCall = await (await openPopup(ann, { name: 'Ann' })).start();
    await annCall.waitForState('waiting');
    callId = await annCall.callId();
    const door = await annCall.door();
    expect(door.policy).toBe('ask');
    expect(door.text).toContain('Ask to join is on');
    expect(await annCall.page.isChecked('[data-testid="door"] input[name="askToJoin"]')).toBe(true);
  });

  it('a newcomer waits, "Asking to join…", while the host sees the request with their name, and nobody is connected', async () => {
    benCall = await (await openPopup(ben, { name: 'Ben' })).join(callId);
    await benCall.waitForState('asking');
    expect(await benCall.page.getByTestId('call-status').innerText()).toBe('Asking to join…');
    await benCall.page.locator('button[data-action="cancel-join"]').waitFor();

    await expect.poll(() => annCall.joinRequests(), { timeout: 10_000 }).toEqual([{ text: 'Ben asks to join', elements: 0 }]);
    await Promise.all([annCall.page.setViewportSize({ width: 1100, height: 720 }), benCall.page.setViewportSize({ width: 1100, height: 720 })]);
    await saveScreenshot(annCall.page, 'join-request');
    await saveScreenshot(benCall.page, 'asking-to-join');
    expect(await annCall.joinRequests('roster')).toEqual([{ text: 'Ben asks to join', elements: 0 }]);
    expect(await connectionsEverMade(annCall)).toBe(0);
    expect(await connectionsEverMade(benCall)).toBe(0);
  });

  it('the host admits: both are in the call, receive moving video, and the request is gone', async () => {
    await annCall.answerJoinRequest('Ben', 'admit');
    await Promise.all([benCall.waitForState('in-call'), annCall.waitForState('in-call')]);
    expect(await annCall.joinRequests()).toEqual([]);
    for (const side of [annCall, benCall]) {
      const progress = await remoteVideoProgress(side.page, 1_000);
      expect(progress.width).toBeGreaterThan(0);
      expect(progress.frames).toBeGreaterThan(5);
    }
    // Admitted, Ben hears the door as it is, and may lock it, but the ask switch is the host's.
    expect((await benCall.door()).policy).toBe('ask');
    expect(await benCall.page.locator('[data-testid="door"] input[name="askToJoin"]').count()).toBe(0);
  });

  it('every member sees a newcomer ask, by name and as text only; when the newcomer cancels, the request goes', async () => {
    const calCall = await calJoins();
    await calCall.waitForState('asking');
    const asking = [{ text: `${calName} asks to join`, elements: 0 }];
    await expect.poll(() => annCall.joinRequests(), { timeout: 10_000 }).toEqual(asking);
    await expect.poll(() => benCall.joinRequests(), { timeout: 10_000 }).toEqual(asking);

    await calCall.cancelAsking();
    await calCall.waitForState('ended');
    await expect.poll(() => annCall.joinRequests(), { timeout: 10_000 }).toEqual([]);
    await expect.poll(() => benCall.joinRequests(), { timeout: 10_000 }).toEqual([]);
  });

  it('a denied newcomer is told so and never reached anyone; the server counted the denial', async () => {
    const deniedBefore = await joinsRefused('denied');
    const calCall = await calJoins();
    await calCall.waitForState('asking');
    await expect.poll(() => benCall.joinRequests(), { timeout: 10_000 }).toHaveLength(1);
    await expect.poll(() => annCall.joinRequests(), { timeout: 10_000 }).toHaveLength(1);
    await annCall.answerJoinRequest('Cal', 'deny');

    await calCall.endMessage().waitFor({ timeout: 10_000 });
    expect(await calCall.endMessage().getAttribute('data-code')).toBe('join-denied');
    expect(await calCall.endMessage().innerText()).toContain(callError('join-denied').message);
    // The card went from every member's screen, Ben's too, though Ann answered.
    await expect.poll(() => benCall.joinRequests(), { timeout: 10_000 }).toEqual([]);
    expect(await annCall.joinRequests()).toEqual([]);
    expect(await connectionsEverMade(calCall)).toBe(0);
    expect(await liveConnectionCount(annCall.page)).toBe(1);
    expect(await annCall.tileLabels()).toEqual(['Ben']);
    expect(await joinsRefused('denied')).toBe(deniedBefore + 1);
  });

  it('once the host locks the call, every member sees it locked and a newcomer is refused with the locked message', async () => {
    const lockedBefore = await joinsRefused('locked');
    await annCall.toggleLock();
    await Promise.all([annCall.waitForPolicy('locked'), benCall.waitForPolicy('locked')]);
    expect((await benCall.door()).text).toContain('Locked');

    const calCall = await calJoins();
    await calCall.endMessage().waitFor({ timeout: 10_000 });
    expect(await calCall.endMessage().getAttribute('data-code')).toBe('room-locked');
    expect(await calCall.endMessage().innerText()).toContain(callError('room-locked').message);
    expect(await connectionsEverMade(calCall)).toBe(0);
    expect(await annCall.joinRequests()).toEqual([]);
    expect(await joinsRefused('locked')).toBe(lockedBefore + 1);
    // The call goes on.
    expect((await remoteVideoProgress(benCall.page, 1_000)).frames).toBeGreaterThan(5);
  });

  it('a member unlocks it back to asking; with ask to join switched off by the host, a newcomer walks straight in', async () => {
    await benCall.toggleLock();
    await Promise.all([annCall.waitForPolicy('ask'), benCall.waitForPolicy('ask')]);

    await annCall.setAskToJoin(false);
    await Promise.all([annCall.waitForPolicy('open'), benCall.waitForPolicy('open')]);
    const calCall = await calJoins();
    await calCall.waitForState('in-call', 20_000);
    expect(await annCall.joinRequests()).toEqual([]);
    await expect.poll(() => annCall.tileLabels(), { timeout: 10_000 }).toEqual(['Ben', calName]);
    expect((await remoteVideoProgress(calCall.page, 1_000)).frames).toBeGreaterThan(5);
  });
});

describe('a door that outlives the server', () => {
  it('a host alone when the server restarts opens the room again as it was: locked, so a newcomer is still refused', async () => {
    await Promise.all([ann, ben, cal].flatMap((profile) => profile.context.pages().filter((page) => page.url() === profile.url('call.html')).map((page) => page.close())));
    annCall = await (await openPopup(ann, { name: 'Ann' })).start();
    await annCall.waitForState('waiting');
    callId = await annCall.callId();
    await annCall.toggleLock();
    await annCall.waitForPolicy('locked');

    const port = server.port;
    await server.close();
    server = await startSignalingServer(parseConfig({ PEERCALL_PORT: String(port) }, []));
    await annCall.page.locator('[data-testid="signaling-status"][data-status="online"]').waitFor({ timeout: 20_000 });
    await expect.poll(() => server.roomCount(), { timeout: 10_000 }).toBe(1);
    expect((await annCall.door()).policy).toBe('locked');

    const calCall = await calJoins();
    await calCall.endMessage().waitFor({ timeout: 10_000 });
    expect(await calCall.endMessage().getAttribute('data-code')).toBe('room-locked');
  });
});
