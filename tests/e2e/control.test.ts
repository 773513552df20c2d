/**
 * Controlling a running 1:1 call from outside its tab: the toolbar badge, the popup's
 * running-call view and its buttons, and the mute shortcut, between two real Chromium
 * profiles through a real signaling server on loopback.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSignalingServer, startSignalingServer } from '../../signaling/server';
import { parseConfig } from '../../signaling/config';
import { launchProfile, type Profile } from './support/browser';
import { inboundDuring, sentAudioTrack } from './support/media-probes';
import { type CallTab, configure, fireShortcut, openPopup, openRunningCallPopup, toolbarBadge } from './support/pages';

const green = [26, 127, 55, 255];
const red = [201, 55, 44, 255];

let server: RunningSignalingServer;
let alice: Profile;
let bob: Profile;
let aliceCall: CallTab;
let bobCall: CallTab;
let alicePopup: Awaited<ReturnType<typeof openRunningCallPopup>>;

/** Audio energy B received from A during one second. */
const secondOfAudioAtBob = async () => (await inboundDuring(bobCall.page, 1_000)).audioEnergy;

/** Whether the call tab is its window's active tab and that window has the focus. */
async function inFront(call: CallTab): Promise<boolean> {
  return call.page.evaluate(async () => {
    type Tabs = { getCurrent(): Promise<{ active: boolean; windowId: number }> };
    type Windows = { getLastFocused(): Promise<{ id: number }> };
    const { tabs, windows } = (window as unknown as { chrome: { tabs: Tabs; windows: Windows } }).chrome;
    const [tab, focused] = await Promise.all([tabs.getCurrent(), windows.getLastFocused()]);
    return tab.active && tab.windowId === focused.id;
  });
}

beforeAll(async () => {
  server = await startSignalingServer(parseConfig({ PEERCALL_PORT: '0' }, []));
  [alice, bob] = await Promise.all([launchProfile(), launchProfile()]);
  await Promise.all([alice, bob].map((profile) => configure(profile, { signalingUrl: server.url })));
});

afterAll(async () => {
  await Promise.all([alice?.close(), bob?.close()]);
  await server?.close();
});

describe('controlling a call from any tab', () => {
  it('with no call, the popup offers Start and Join and the toolbar shows no badge', async () => {
    const popup = await openRunningCallPopup(alice);
    await popup.waitForStartAndJoin();
    expect(await popup.page.getByTestId('running-call').count()).toBe(0);
    expect(await popup.toolbar()).toMatchObject({ text: '', title: 'PeerCall' });
    await popup.page.close();
  });

  it('while A waits in the room, the badge and the popup say so', async () => {
    aliceCall = await (await openPopup(alice, { name: 'Alice' })).start();
    await aliceCall.waitForState('waiting');
    await expect.poll(() => toolbarBadge(aliceCall.page), { timeout: 5_000 }).toEqual({ text: 'WAIT', title: 'PeerCall: waiting for others to join', colour: green });
    const popup = await openRunningCallPopup(alice);
    await popup.waitForRunningCall();
    expect(await popup.phase()).toBe('waiting');
    expect(await popup.participants()).toBe(0);
    await popup.page.close();
  });

  it("once B joins, A's popup shows the running call with one other person and a duration that counts up", async () => {
    bobCall = await (await openPopup(bob, { name: 'Bob' })).join(await aliceCall.callId());
    await Promise.all([aliceCall.waitForState('in-call'), bobCall.waitForState('in-call')]);
    alicePopup = await openRunningCallPopup(alice);
    await alicePopup.waitForRunningCall();
    await expect.poll(() => alicePopup.phase(), { timeout: 5_000 }).toBe('in-call');
    expect(await alicePopup.participants()).toBe(1);
    const first = await alicePopup.elapsedSeconds();
    await expect.poll(() => alicePopup.elapsedSeconds(), { timeout: 3_000, interval: 100 }).toBeGreaterThan(first);
    await expect.poll(() => alicePopup.toolbar(), { timeout: 5_000 }).toEqual({ text: 'LIVE', title: 'PeerCall: in a call with 1 other person', colour: green });
  });

  it("Mute in A's popup silences what B receives and disables A's sent track; Unmute restores it", async () => {
    expect(await alicePopup.muteButton()).toBe('Mute');
    await expect.poll(secondOfAudioAtBob, { timeout: 8_000, interval: 0 }).toBeGreaterThan(0.001);
    await alicePopup.toggleMute();
    // Audio already in B's jitter buffer still plays out: wait for a whole silent second.
    await expect.poll(secondOfAudioAtBob, { timeout: 8_000, interval: 0 }).toBeLessThan(0.0001);
    expect(await sentAudioTrack(aliceCall.page)).toMatchObject({ readyState: 'live', enabled: false });
    await expect.poll(() => alicePopup.muteButton(), { timeout: 5_000 }).toBe('Unmute');
    await expect.poll(() => alicePopup.toolbar(), { timeout: 5_000 }).toEqual({
      text: 'MUTE',
      title: 'PeerCall: in a call with 1 other person (microphone muted)',
      colour: red,
    });
    // The call tab's own controls show the same state.
    expect(await aliceCall.page.locator('button[data-action="mute"]').getAttribute('aria-label')).toBe('Unmute');
    expect(await aliceCall.page.locator('button[data-action="mute"]').getAttribute('aria-pressed')).toBe('true');

    await alicePopup.toggleMute();
    await expect.poll(secondOfAudioAtBob, { timeout: 8_000, interval: 0 }).toBeGreaterThan(0.001);
    expect(await sentAudioTrack(aliceCall.page)).toMatchObject({ readyState: 'live', enabled: true });
    await expect.poll(() => alicePopup.muteButton(), { timeout: 5_000 }).toBe('Mute');
    await expect.poll(async () => (await alicePopup.toolbar()).text, { timeout: 5_000 }).toBe('LIVE');
  });

  it("Camera off in A's popup stops B receiving A's picture; Camera on brings it back", async () => {
    await alicePopup.toggleCamera();
    await bobCall.remotePlaceholder().waitFor({ timeout: 5_000 });
    await expect.poll(() => alicePopup.cameraButton(), { timeout: 5_000 }).toBe('Camera on');
    await expect.poll(async () => (await alicePopup.toolbar()).title, { timeout: 5_000 }).toBe('PeerCall: in a call with 1 other person (camera off)');
    await alicePopup.toggleCamera();
    await bobCall.remotePlaceholder().waitFor({ state: 'detached', timeout: 5_000 });
    await expect.poll(async () => (await inboundDuring(bobCall.page, 1_000)).frames, { timeout: 5_000 }).toBeGreaterThan(5);
    await expect.poll(() => alicePopup.cameraButton(), { timeout: 5_000 }).toBe('Camera off');
  });

  it("the mute shortcut, handled by the service worker's own listener, toggles A's microphone", async () => {
    await fireShortcut(alice, 'toggle-mute');
    await expect.poll(async () => (await sentAudioTrack(aliceCall.page))?.enabled, { timeout: 5_000 }).toBe(false);
    await expect.poll(async () => (await alicePopup.toolbar()).text, { timeout: 5_000 }).toBe('MUTE');
    await expect.poll(secondOfAudioAtBob, { timeout: 8_000, interval: 0 }).toBeLessThan(0.0001);
    await fireShortcut(alice, 'toggle-mute');
    await expect.poll(async () => (await sentAudioTrack(aliceCall.page))?.enabled, { timeout: 5_000 }).toBe(true);
    await expect.poll(async () => (await alicePopup.toolbar()).text, { timeout: 5_000 }).toBe('LIVE');
  });

  it("Go to call brings A's call tab to the front", async () => {
    await alicePopup.page.bringToFront();
    await expect.poll(() => inFront(aliceCall), { timeout: 5_000 }).toBe(false);
    await alicePopup.goToCall();
    await expect.poll(() => inFront(aliceCall), { timeout: 5_000 }).toBe(true);
  });

  it("Hang up in A's popup ends A's call: B sees the empty stage, A's popup offers Start and Join again, the badge goes", async () => {
    const popup = await openRunningCallPopup(alice);
    await popup.waitForRunningCall();
    await popup.hangUp();
    await bobCall.page.getByTestId('empty-stage').waitFor({ timeout: 5_000 });
    expect(await aliceCall.endMessage().innerText()).toContain('You left the call');
    await popup.waitForStartAndJoin();
    expect(await popup.page.getByTestId('running-call').count()).toBe(0);
    await expect.poll(() => popup.toolbar(), { timeout: 5_000 }).toMatchObject({ text: '', title: 'PeerCall' });
  });

  it("B, left waiting, sees WAIT; closing B's call tab clears B's badge", async () => {
    const page = await bob.context.newPage();
    await page.goto(bob.url('options.html'));
    await expect.poll(async () => (await toolbarBadge(page)).text, { timeout: 5_000 }).toBe('WAIT');
    await bobCall.page.close();
    await expect.poll(() => toolbarBadge(page), { timeout: 5_000 }).toMatchObject({ text: '', title: 'PeerCall' });
  });
});
