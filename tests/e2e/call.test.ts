/**
 * A one-to-one call between two real Chromium profiles with the built extension,
 * through a real signaling server on loopback. Each step builds on the one before,
 * as a person's call would.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSignalingServer, startSignalingServer } from '../../signaling/server';
import { parseConfig } from '../../signaling/config';
import { launchProfile, type Profile } from './support/browser';
import { fitCap, shownSize } from '../../lib/media/uplink-budget';
import {
  videoSenderCaps,
  allRemoteVideosProgress,
  sentAudioTrack,
  compareVideoSender,
  liveConnectionCount,
  liveLocalTracks,
  inboundDuring,
  keepVideoSender,
  pictureColour,
  receivedFrameHeights,
  remoteVideoProgress,
  sentVideoSize,
  tileBox,
} from './support/media-probes';
import { type CallTab, configure, openDeviceMenu, openPopup } from './support/pages';
import { saveScreenshot } from './support/screenshots';

let server: RunningSignalingServer;
let alice: Profile;
let bob: Profile;
let carol: Profile;
let dave: Profile;
let carolCall: CallTab;
let sharedCallId: string;
let aliceCall: CallTab;
let bobCall: CallTab;

/** Marks the live connection's audio sender, or (mark = null) reads the mark of the one there now. */
async function audioSenderMark(side: CallTab, mark: string | null): Promise<{ mark: string | null; senders: number }> {
  return side.page.evaluate((newMark) => {
    const pc = (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs.find((p) => p.connectionState !== 'closed')!;
    const sender = pc.getSenders().find((s) => s.track?.kind === 'audio') as RTCRtpSender & { __mark?: string };
    if (newMark !== null) sender.__mark = newMark;
    return { mark: sender.__mark ?? null, senders: pc.getSenders().length };
  }, mark);
}

async function meanGreen(side: CallTab, testId: 'remote-video' | 'local-video', samples = 5): Promise<number> {
  let total = 0;
  for (let i = 0; i < samples; i++) {
    total += (await pictureColour(side.page, testId)).g;
    await side.page.waitForTimeout(50);
  }
  return total / samples;
}

/**
 * The downscale `sender` should apply to the copy `receiver` gets: the budget's, or more
 * if the receiver draws the sender's tile smaller than the camera captures.
 */
async function expectedScale(sender: CallTab, senderName: string, receiver: CallTab, budgetScale = 1): Promise<number> {
  const box = await tileBox(receiver.page, senderName);
  const shown = shownSize(box.cssWidth, box.cssHeight, box.dpr);
  return fitCap({ maxBitrateBps: 0, scaleResolutionDownBy: budgetScale }, await sentVideoSize(sender.page), shown).scaleResolutionDownBy;
}

beforeAll(async () => {
  // Capacity 3, so the fourth person can be turned away.
  server = await startSignalingServer(parseConfig({ PEERCALL_PORT: '0', PEERCALL_ROOM_CAPACITY: '3' }, []));
  [alice, bob, carol, dave] = await Promise.all([launchProfile(), launchProfile(), launchProfile(), launchProfile()]);
  await Promise.all([alice, bob, carol, dave].map((profile) => configure(profile, { signalingUrl: server.url })));
});

afterAll(async () => {
  await Promise.all([alice?.close(), bob?.close(), carol?.close(), dave?.close()]);
  await server?.close();
});

describe('a one-to-one call', () => {
  it('starting from the popup opens the call tab, which registers and shows the call ID', async () => {
    aliceCall = await (await openPopup(alice, { name: 'Alice' })).start();
    expect(aliceCall.page.url()).toBe(alice.url('call.html'));
    await aliceCall.waitForState('waiting');
    sharedCallId = await aliceCall.callId();
    expect(sharedCallId).toMatch(/^([0-9a-z]{4}-){6}[0-9a-z]{4}$/);
    expect(server.peerCount()).toBe(1);
    expect(await server.roomCount()).toBe(1);
  });

  it('the second profile joins by the ID and both sides reach the call', async () => {
    bobCall = await (await openPopup(bob, { name: 'Bob' })).join(sharedCallId);
    await Promise.all([bobCall.waitForState('in-call'), aliceCall.waitForState('in-call')]);
  });

  it('both sides receive moving video', async () => {
    for (const side of [aliceCall, bobCall]) {
      const progress = await remoteVideoProgress(side.page, 1_000);
      expect(progress.width).toBeGreaterThan(0);
      expect(progress.frames).toBeGreaterThan(5);
    }
  });

  it("A sends B no more pixels than B's tile for A shows, fewer when B's window shrinks, more when it grows again", async () => {
    const scaleNow = async () => (await videoSenderCaps(aliceCall.page))[0]?.scale;
    const wide = await expectedScale(aliceCall, 'Alice', bobCall);
    expect(wide).toBeGreaterThan(1);
    await expect.poll(scaleNow, { timeout: 5_000 }).toBe(wide);

    await bobCall.page.setViewportSize({ width: 480, height: 270 });
    const narrow = await expectedScale(aliceCall, 'Alice', bobCall);
    expect(narrow).toBeGreaterThan(wide);
    await expect.poll(scaleNow, { timeout: 5_000 }).toBe(narrow);
    // What B decodes shrinks to its tile, not just what A asked its encoder for.
    const tallest = Math.ceil((await sentVideoSize(aliceCall.page)).height / narrow);
    await expect.poll(async () => (await receivedFrameHeights(bobCall.page))[0], { timeout: 10_000 }).toBeLessThanOrEqual(tallest);

    await bobCall.page.setViewportSize({ width: 1280, height: 720 });
    await expect.poll(scaleNow, { timeout: 5_000 }).toBe(wide);
    expect((await remoteVideoProgress(bobCall.page, 1_000)).frames).toBeGreaterThan(5);
  });

  it("B's quality indicator for A shows the figures B's own getStats reports", async () => {
    const indicator = bobCall.page.getByTestId('quality');
    await indicator.locator('summary').click();
    await expect.poll(() => bobCall.page.getByTestId('quality-bitrate').innerText(), { timeout: 5_000 }).toMatch(/^\d+ kbit\/s$/);
    const shown = {
      rtt: await bobCall.page.getByTestId('quality-rtt').innerText(),
      loss: await bobCall.page.getByTestId('quality-loss').innerText(),
    };
    // The frame size the indicator shows against getStats' own, read just before and just
    // after one of the indicator's samples. The encoder may still be stepping its size after
    // the previous test's resize; a sample taken while getStats reads the same size on both
    // sides of it must show that size.
    const video = await bobCall.page.evaluate(async () => {
      const pc = (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs.find((p) => p.connectionState === 'connected')!;
      const text = () => document.querySelector('[data-testid="quality-video"]')!.textContent ?? '';
      // A new sample shows as a change of the whole figure list (the bitrate moves nearly every time).
      const figures = () => document.querySelector('[data-testid="quality"] dl')!.textContent ?? '';
      const nextSample = async () => {
        const after = figures();
        const deadline = performance.now() + 3_000;
        while (figures() === after && performance.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      };
      const size = async () => {
        for (const s of (await pc.getStats()).values()) {
          if (s.type === 'inbound-rtp' && (s as { kind?: string }).kind === 'video') {
            const v = s as { frameWidth?: number; frameHeight?: number };
            return `${v.frameWidth}×${v.frameHeight}`;
          }
        }
        return 'none';
      };
      const windows: { before: string; shown: string; after: string }[] = [];
      await nextSample();
      for (let i = 0; i < 8; i += 1) {
        const before = await size();
        await nextSample();
        const shownNow = text();
        const after = await size();
        windows.push({ before, shown: shownNow, after });
        if (before === after) break;
      }
      return windows;
    });
    const steady = video.find((w) => w.before === w.after);
    expect(steady, `the received size kept changing: ${JSON.stringify(video)}`).toBeDefined();
    expect(steady!.shown).toMatch(new RegExp(`^${steady!.before} at \\d+ fps$`));
    // Loopback: a round trip of a few ms, nothing lost.
    expect(shown.rtt).toMatch(/^\d ms$|^\d\d ms$/);
    expect(shown.loss).toBe('0 %');
    // The bitrate is what getStats counted between two of the indicator's own samples. The
    // encoder may still be ramping after the previous test's resize, so the figure is compared
    // with the truth over the same interval rather than with a fixed number.
    const rate = await bobCall.page.evaluate(async () => {
      const pc = (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs.find((p) => p.connectionState === 'connected')!;
      const bitrate = () => document.querySelector('[data-testid="quality-bitrate"]')!.textContent ?? '';
      const nextSample = async (after: string) => {
        const deadline = performance.now() + 5_000;
        while (bitrate() === after && performance.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      };
      const bytes = async () => {
        let sum = 0;
        for (const s of (await pc.getStats()).values()) if (s.type === 'inbound-rtp') sum += (s as { bytesReceived?: number }).bytesReceived ?? 0;
        return { sum, atMs: performance.now() };
      };
      // Four samples in a row (one a second), so one keyframe or one late getStats does not decide.
      await nextSample(bitrate());
      const first = await bytes();
      const figures: number[] = [];
      for (let i = 0; i < 4; i += 1) {
        await nextSample(bitrate());
        figures.push(Number.parseInt(bitrate(), 10));
      }
      const last = await bytes();
      return { shown: figures.reduce((a, b) => a + b, 0) / figures.length, truth: ((last.sum - first.sum) * 8) / (last.atMs - first.atMs) };
    });
    expect(rate.truth).toBeGreaterThan(30);
    expect(rate.shown).toBeGreaterThan(rate.truth * 0.75);
    expect(rate.shown).toBeLessThan(rate.truth * 1.33);
    expect(await indicator.getAttribute('data-level')).toBe('good');
  });

  it("mute on A: B's received audio falls to silence, unmute restores it", async () => {
    expect((await inboundDuring(bobCall.page, 1_500)).audioEnergy).toBeGreaterThan(0.001);
    // Audio already in B's jitter buffer still plays out, longer on a busy machine, so
    // wait for a whole silent second rather than a fixed delay.
    const secondOfAudio = async () => (await inboundDuring(bobCall.page, 1_000)).audioEnergy;
    // The fake microphone beeps: B's tile of A lights up while the beeps arrive.
    await expect.poll(async () => (await bobCall.tileStates())[0]?.speaking, { timeout: 5_000, interval: 50 }).toBe(true);
    await aliceCall.mute();
    await expect.poll(secondOfAudio, { timeout: 8_000, interval: 0 }).toBeLessThan(0.0001);
    expect(await sentAudioTrack(aliceCall.page)).toMatchObject({ readyState: 'live', enabled: false });
    // Silence in B's stats is what turns the ring off; the badge comes from A's media state.
    expect(await bobCall.tileStates()).toEqual([{ name: 'Alice', muted: true, speaking: false }]);
    expect(await bobCall.roster()).toEqual([
      { name: 'Bob (you)', muted: false, cameraOff: false },
      { name: 'Alice', muted: true, cameraOff: false },
    ]);
    await aliceCall.mute();
    await expect.poll(secondOfAudio, { timeout: 8_000, interval: 0 }).toBeGreaterThan(0.001);
    await expect.poll(async () => (await bobCall.tileStates())[0], { timeout: 5_000, interval: 50 }).toEqual({ name: 'Alice', muted: false, speaking: true });
  });

  it("camera off on A ends A's camera track and B stops receiving A's picture; camera on resumes it", async () => {
    await keepVideoSender(aliceCall.page, 'before-off');
    await aliceCall.toggleCamera();
    await bobCall.remotePlaceholder().waitFor({ timeout: 5_000 });
    expect((await bobCall.roster())[1]).toEqual({ name: 'Alice', muted: false, cameraOff: true });
    // B hears "camera off" over the data channel while A's sender still lets go of the camera.
    await expect.poll(async () => (await compareVideoSender(aliceCall.page, 'before-off')).keptTrackState, { timeout: 5_000 }).toBe('ended');
    const off = await compareVideoSender(aliceCall.page, 'before-off');
    expect(off.currentTrackLabel).toBeNull();
    await bobCall.page.waitForTimeout(300);
    expect((await inboundDuring(bobCall.page, 1_000)).frames).toBe(0);

    await aliceCall.toggleCamera();
    await bobCall.remotePlaceholder().waitFor({ state: 'detached', timeout: 5_000 });
    const on = await compareVideoSender(aliceCall.page, 'before-off');
    expect(on.sameSender).toBe(true);
    expect(on.currentTrackState).toBe('live');
    expect((await inboundDuring(bobCall.page, 1_000)).frames).toBeGreaterThan(5);
    expect((await remoteVideoProgress(bobCall.page, 1_000)).frames).toBeGreaterThan(5);
  });

  // Chromium's fake_device_1 delivers Y16 (depth) frames, which its WebRTC encoder drops, so
  // a call can never send it; fake_device_2 (MJPEG) can. Its picture is a darker green
  // (mean G about 128 against about 144 for fake_device_0), averaged over a few samples.
  it("switching A's camera changes B's picture while A's sender and connection stay the same", async () => {
    expect(await meanGreen(bobCall, 'remote-video')).toBeGreaterThan(136);
    await keepVideoSender(aliceCall.page, 'before-switch');
    await aliceCall.chooseCamera('fake_device_2');
    await expect.poll(() => meanGreen(bobCall, 'remote-video'), { timeout: 5_000, interval: 100 }).toBeLessThan(136);
    const [seenByBob, shownToAlice] = await Promise.all([meanGreen(bobCall, 'remote-video'), meanGreen(aliceCall, 'local-video')]);
    expect(Math.abs(seenByBob - shownToAlice)).toBeLessThan(4);
    const after = await compareVideoSender(aliceCall.page, 'before-switch');
    expect(after).toMatchObject({
      samePeerConnection: true,
      sameSender: true,
      connectionState: 'connected',
      keptTrackState: 'ended',
      currentTrackState: 'live',
    });
    expect(after.senderCount).toBe(after.keptSenderCount);
    expect(after.currentTrackLabel).toContain('fake_device_2');
    expect(await aliceCall.selectedDevice('camera')).toBe('fake_device_2');
  });

  it("switching A's microphone keeps the same audio sender and B keeps hearing A", async () => {
    expect(await aliceCall.selectedDevice('microphone')).toBe('Fake Default Audio Input');
    const before = await audioSenderMark(aliceCall, 'before-mic-switch');
    await aliceCall.chooseMicrophone('Fake Audio Input 1');
    await expect.poll(async () => (await sentAudioTrack(aliceCall.page))?.label, { timeout: 5_000 }).toBe('Fake Audio Input 1');
    expect(await audioSenderMark(aliceCall, null)).toEqual(before);
    expect(await aliceCall.selectedDevice('microphone')).toBe('Fake Audio Input 1');
    expect(await liveLocalTracks(aliceCall.page)).toBe(2);
    await expect.poll(async () => (await inboundDuring(bobCall.page, 1_000)).audioEnergy, { timeout: 8_000 }).toBeGreaterThan(0.001);
  });

  it("choosing another speaker plays every other person's voice on it", async () => {
    const speakers = await aliceCall.page.$$eval('select[name="speaker"] option', (options) => options.map((o) => ({ id: (o as HTMLOptionElement).value, label: o.textContent })));
    expect(speakers.length).toBeGreaterThan(1);
    const target = speakers.find((s) => s.id !== 'default')!;
    await openDeviceMenu(aliceCall.page, 'speaker');
    await aliceCall.page.selectOption('select[name="speaker"]', target.id);
    await expect
      .poll(() => aliceCall.page.$$eval('audio[data-testid="remote-audio"]', (els) => els.map((e) => (e as HTMLAudioElement & { sinkId: string }).sinkId)), { timeout: 5_000 })
      .toEqual([target.id]);
    expect(await aliceCall.page.$eval('select[name="speaker"]', (s) => (s as HTMLSelectElement).value)).toBe(target.id);
  });

  // Chromium's fake screen is the same bright green as fake_device_0; A sends fake_device_2 (darker) by now.
  it("screen share replaces A's sent picture on the same sender, and stopping (button or browser) returns to the camera", async () => {
    expect(await meanGreen(bobCall, 'remote-video')).toBeLessThan(136);
    await keepVideoSender(aliceCall.page, 'before-share');
    await aliceCall.toggleScreenShare();
    await expect.poll(() => meanGreen(bobCall, 'remote-video'), { timeout: 5_000, interval: 100 }).toBeGreaterThan(136);
    const sharing = await compareVideoSender(aliceCall.page, 'before-share');
    expect(sharing).toMatchObject({ samePeerConnection: true, sameSender: true, connectionState: 'connected', keptTrackState: 'live' });
    expect(sharing.currentTrackLabel).toMatch(/^screen:/);
    expect(await bobCall.remotePlaceholder().count()).toBe(0);

    await aliceCall.toggleScreenShare();
    await expect.poll(() => meanGreen(bobCall, 'remote-video'), { timeout: 5_000, interval: 100 }).toBeLessThan(136);
    expect((await compareVideoSender(aliceCall.page, 'before-share')).currentTrackLabel).toContain('fake_device_2');

    // The browser's own "Stop sharing" bar ends the track; headless has no bar, so end it as the bar would.
    await aliceCall.toggleScreenShare();
    await expect.poll(async () => (await compareVideoSender(aliceCall.page, 'before-share')).currentTrackLabel, { timeout: 5_000 }).toMatch(/^screen:/);
    await aliceCall.page.evaluate(() => {
      const pc = (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs.find((p) => p.connectionState !== 'closed')!;
      pc.getSenders().find((s) => s.track?.kind === 'video')!.track!.dispatchEvent(new Event('ended'));
    });
    await expect.poll(async () => (await compareVideoSender(aliceCall.page, 'before-share')).currentTrackLabel, { timeout: 5_000 }).toContain('fake_device_2');
    await expect.poll(() => meanGreen(bobCall, 'remote-video'), { timeout: 5_000, interval: 100 }).toBeLessThan(136);
    expect(await aliceCall.page.locator('button[data-action="share-screen"]').getAttribute('aria-label')).toBe('Share screen');
    expect(await aliceCall.page.locator('button[data-action="share-screen"]').getAttribute('aria-pressed')).toBe('false');
  });

  it("a third person joins with the same ID and everyone receives everyone's moving video", async () => {
    carolCall = await (await openPopup(carol, { name: 'Carol' })).join(sharedCallId);
    await carolCall.waitForState('in-call');
    for (const side of [aliceCall, bobCall, carolCall]) {
      await expect.poll(async () => (await allRemoteVideosProgress(side.page, 500)).filter((v) => v.width > 0 && v.frames > 2).length, { timeout: 10_000 }).toBe(2);
      expect(await liveConnectionCount(side.page)).toBe(2);
      // The default 2,500 kbit/s upload budget is split between the two copies sent.
      await expect.poll(async () => (await videoSenderCaps(side.page)).map((cap) => cap.maxBitrate), { timeout: 5_000 }).toEqual([1_250_000, 1_250_000]);
    }
    // Each copy is no larger than the tile it is drawn in on the other side.
    const people = [
      { call: aliceCall, name: 'Alice' },
      { call: bobCall, name: 'Bob' },
      { call: carolCall, name: 'Carol' },
    ];
    for (const sender of people) {
      const expected = await Promise.all(people.filter((p) => p !== sender).map((receiver) => expectedScale(sender.call, sender.name, receiver.call)));
      await expect.poll(async () => (await videoSenderCaps(sender.call.page)).map((cap) => cap.scale).sort(), { timeout: 5_000 }).toEqual(expected.sort());
    }
    expect(await server.roomCount()).toBe(1);
  });

  it('each tile shows the name its person chose, and a chat message reaches both others with the sender name', async () => {
    for (const [side, others] of [[aliceCall, ['Bob', 'Carol']], [bobCall, ['Alice', 'Carol']], [carolCall, ['Alice', 'Bob']]] as const) {
      await expect.poll(async () => (await side.tileLabels()).sort(), { timeout: 5_000 }).toEqual([...others]);
    }
    await bobCall.sendChat('Hello <b>both</b>, notes at https://example.org/notes. javascript:alert(1)');
    for (const side of [aliceCall, carolCall]) {
      await expect.poll(() => side.chatMessages(), { timeout: 5_000 }).toEqual([
        {
          from: 'Bob',
          text: 'Hello <b>both</b>, notes at https://example.org/notes. javascript:alert(1)',
          links: [{ href: 'https://example.org/notes', rel: 'noopener noreferrer nofollow' }],
        },
      ]);
      expect(await side.page.locator('[data-testid="chat-text"] b').count()).toBe(0);
    }
    expect((await bobCall.chatMessages())[0]?.from).toBe('You');
    await bobCall.page.setViewportSize({ width: 1280, height: 900 });
    // The quality details opened earlier would cover a tile.
    await bobCall.page.evaluate(() => document.querySelectorAll('details.quality').forEach((d) => d.removeAttribute('open')));
    await saveScreenshot(bobCall.page, 'call-of-three');
  });

  it('pop out shows the active speaker in a picture-in-picture window whose Mute mutes the call', async () => {
    await aliceCall.page.click('button[data-action="pop-out"]');
    type PipWindow = { documentPictureInPicture: { window: Window | null } };
    const pip = () =>
      aliceCall.page.evaluate(async () => {
        const doc = (window as unknown as PipWindow).documentPictureInPicture.window?.document;
        const video = doc?.querySelector<HTMLVideoElement>('video[data-testid="pip-video"]');
        if (!video) return null;
        const before = video.getVideoPlaybackQuality().totalVideoFrames;
        await new Promise((r) => setTimeout(r, 500));
        return { name: doc!.querySelector('figcaption .name')?.textContent, width: video.videoWidth, frames: video.getVideoPlaybackQuality().totalVideoFrames - before };
      });
    await expect.poll(async () => (await pip())?.frames ?? 0, { timeout: 5_000 }).toBeGreaterThan(2);
    const shown = (await pip())!;
    expect(['Bob', 'Carol']).toContain(shown.name);
    expect(shown.width).toBeGreaterThan(0);
    const clickInPip = (action: string) =>
      aliceCall.page.evaluate((a) => {
        (window as unknown as PipWindow).documentPictureInPicture.window!.document.querySelector<HTMLButtonElement>(`button[data-action="${a}"]`)!.click();
      }, action);
    await clickInPip('pip-mute');
    await expect.poll(async () => (await sentAudioTrack(aliceCall.page))?.enabled, { timeout: 5_000 }).toBe(false);
    await clickInPip('pip-mute');
    await expect.poll(async () => (await sentAudioTrack(aliceCall.page))?.enabled, { timeout: 5_000 }).toBe(true);
    await aliceCall.page.evaluate(() => (window as unknown as PipWindow).documentPictureInPicture.window?.close());
  });

  it('with the room at capacity, the next person is told the call is full and the call goes on', async () => {
    const daveCall = await (await openPopup(dave)).join(sharedCallId);
    await daveCall.endMessage().waitFor({ timeout: 10_000 });
    expect(await daveCall.endMessage().getAttribute('data-code')).toBe('room-full');
    expect(await daveCall.endMessage().innerText()).toContain('This call is full');
    expect(await liveConnectionCount(daveCall.page)).toBe(0);
    expect((await allRemoteVideosProgress(bobCall.page, 1_000)).every((v) => v.frames > 2)).toBe(true);
    await daveCall.page.close();
  });

  it('a person closing their tab disappears from the others within 5 s while their own call stays up', async () => {
    const closedAt = Date.now();
    await carolCall.page.close();
    await Promise.all(
      [aliceCall, bobCall].map((side) =>
        expect.poll(() => side.page.locator('video[data-testid="remote-video"]').count(), { timeout: 5_000, interval: 100 }).toBe(1),
      ),
    );
    expect(Date.now() - closedAt).toBeLessThan(5_000);
    for (const side of [aliceCall, bobCall]) {
      expect(await liveConnectionCount(side.page)).toBe(1);
      expect((await remoteVideoProgress(side.page, 1_000)).frames).toBeGreaterThan(5);
      expect(await side.state()).toBe('in-call');
      // With one person left to send to, that copy gets the whole budget back.
      await expect.poll(async () => (await videoSenderCaps(side.page)).map((cap) => cap.maxBitrate), { timeout: 5_000 }).toEqual([2_500_000]);
    }
  });

  it('a person whose browser hangs shows as reconnecting, not gone; killed, they are gone within 5 s', async () => {
    const daveCall = await (await openPopup(dave, { name: 'Dave' })).join(sharedCallId);
    await daveCall.waitForState('in-call');
    // Only once Dave's video flows both ways is his connection fully up.
    for (const side of [aliceCall, bobCall]) {
      await expect.poll(async () => (await allRemoteVideosProgress(side.page, 500)).filter((v) => v.frames > 2).length, { timeout: 10_000 }).toBe(2);
    }
    // Frozen, his sockets stay open: nothing tells anyone he is gone, so he is only silent.
    dave.freeze();
    const daveTile = (side: CallTab) => side.page.locator('figure.tile[data-peer]', { has: side.page.locator('figcaption .name', { hasText: 'Dave' }) });
    for (const side of [aliceCall, bobCall]) {
      await expect.poll(() => daveTile(side).getAttribute('data-presence'), { timeout: 6_000, interval: 100 }).toBe('reconnecting');
      expect(await daveTile(side).getByTestId('tile-reconnecting').innerText()).toMatch(/Reconnecting… \d+ s/);
      expect(await side.state()).toBe('in-call');
    }
    // Killed, his sockets close: the server reports him gone while he is silent.
    const killedAt = Date.now();
    dave.kill();
    await Promise.all(
      [aliceCall, bobCall].map((side) =>
        expect.poll(() => side.page.locator('video[data-testid="remote-video"]').count(), { timeout: 5_000, interval: 100 }).toBe(1),
      ),
    );
    expect(Date.now() - killedAt).toBeLessThan(5_000);
    for (const side of [aliceCall, bobCall]) {
      expect(await side.state()).toBe('in-call');
      expect(await side.notice().innerText()).toContain('Dave lost their connection');
    }
  });

  it('leave on A: B shows within 3 s that A left and stays in the room, which outlives A', async () => {
    const started = Date.now();
    await aliceCall.leave();
    await bobCall.page.getByTestId('empty-stage').waitFor({ timeout: 3_000 });
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(await bobCall.notice().innerText()).toContain('Everyone else left');
    expect(await bobCall.state()).toBe('waiting');
    expect(await aliceCall.endMessage().innerText()).toContain('You left the call');
    expect(await liveConnectionCount(aliceCall.page)).toBe(0);
    expect(await liveConnectionCount(bobCall.page)).toBe(0);
    expect(await liveLocalTracks(aliceCall.page)).toBe(0);
  });
});
