/**
 * The lobby before a call: the camera preview moves, the microphone meter moves with
 * the (fake) voice, and the choices made there are what the others get on entering.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../signaling/config';
import { type RunningSignalingServer, startSignalingServer } from '../../signaling/server';
import { launchProfile, type Profile } from './support/browser';
import { inboundDuring, liveLocalTracks, sentAudioTrack } from './support/media-probes';
import { configure, openPopup, throughLobby } from './support/pages';
import { saveScreenshot } from './support/screenshots';

let server: RunningSignalingServer;
let alice: Profile;
let bob: Profile;

beforeAll(async () => {
  server = await startSignalingServer(parseConfig({ PEERCALL_PORT: '0' }, []));
  [alice, bob] = await Promise.all([launchProfile(), launchProfile()]);
  await Promise.all([alice, bob].map((p) => configure(p, { signalingUrl: server.url })));
});

afterAll(async () => {
  await Promise.all([alice?.close(), bob?.close()]);
  await server?.close();
});

describe('the lobby', () => {
  it('shows a moving preview and a moving microphone meter, and enters with the name, microphone and camera chosen', async () => {
    const popup = await openPopup(alice, { name: 'Alice' });
    await saveScreenshot(popup.page.locator('main'), 'popup');
    const lobby = await popup.startToLobby();
    await lobby.waitForState('lobby');
    await lobby.page.setViewportSize({ width: 1100, height: 640 });
    expect(await lobby.page.inputValue('input[name="lobbyName"]')).toBe('Alice');
    const previewFrames = () =>
      lobby.page.evaluate(async () => {
        const video = document.querySelector<HTMLVideoElement>('video[data-testid="lobby-video"]')!;
        const before = video.getVideoPlaybackQuality().totalVideoFrames;
        await new Promise((r) => setTimeout(r, 500));
        return video.getVideoPlaybackQuality().totalVideoFrames - before;
      });
    await expect.poll(previewFrames, { timeout: 5_000 }).toBeGreaterThan(3);
    // The fake microphone beeps: the meter rises above silence within a few readings.
    await expect.poll(() => lobby.page.$eval('meter[data-testid="mic-level"]', (m) => (m as HTMLMeterElement).value), { timeout: 5_000, interval: 50 }).toBeGreaterThan(0.05);
    await saveScreenshot(lobby.page, 'lobby');
    // Nobody is in a room before entering.
    expect(await server.roomCount()).toBe(0);

    await lobby.page.fill('input[name="lobbyName"]', 'Alice L.');
    await lobby.page.check('input[name="joinMuted"]');
    await lobby.page.check('input[name="joinCameraOff"]');
    await lobby.page.click('button[data-action="enter"]');
    await lobby.waitForState('waiting');

    const guest = await throughLobby(await (await openPopup(bob, { name: 'Bob' })).joinToLobby(await lobby.callId()));
    await guest.waitForState('in-call');
    await expect.poll(() => guest.roster(), { timeout: 5_000 }).toEqual([
      { name: 'Bob (you)', muted: false, cameraOff: false },
      { name: 'Alice L.', muted: true, cameraOff: true },
    ]);
    expect(await sentAudioTrack(lobby.page)).toMatchObject({ enabled: false });
    // Only the microphone is open: the camera was released on entering.
    expect(await liveLocalTracks(lobby.page)).toBe(1);
    expect((await inboundDuring(guest.page, 1_000)).frames).toBe(0);
    await guest.remotePlaceholder().waitFor();
  });
});

describe('for keyboard and screen-reader users', () => {
  it('every control in the lobby and the call has an accessible name, Tab reaches Join, then Mute and Leave, and dark mode follows the system', async () => {
    const unnamed = (page: import('playwright-core').Page) =>
      page.evaluate(() =>
        [...document.querySelectorAll<HTMLElement>('button, input, select, textarea, a[href], summary, meter')]
          .filter((el) => !el.hidden && el.offsetParent !== null)
          .filter((el) => {
            const labelled = (el as HTMLInputElement).labels?.length || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby');
            return !labelled && (el.textContent ?? '').trim() === '' && !(el as HTMLInputElement).placeholder;
          })
          .map((el) => el.outerHTML.slice(0, 80)),
      );
    const tabTo = async (page: import('playwright-core').Page, action: string) => {
      for (let i = 0; i < 40; i++) {
        await page.keyboard.press('Tab');
        if ((await page.evaluate(() => document.activeElement?.getAttribute('data-action'))) === action) return true;
      }
      return false;
    };
    // The call before this one ends with its tab.
    await Promise.all(alice.context.pages().map((page) => page.close()));
    const lobby = await (await openPopup(alice)).startToLobby();
    await lobby.waitForState('lobby');
    expect(await unnamed(lobby.page)).toEqual([]);
    expect(await tabTo(lobby.page, 'enter')).toBe(true);
    await lobby.page.keyboard.press('Enter');
    await lobby.waitForState('waiting');
    expect(await unnamed(lobby.page)).toEqual([]);
    expect(await tabTo(lobby.page, 'mute')).toBe(true);
    // Focus is visible: the focused control draws an outline.
    expect(await lobby.page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle)).not.toBe('none');
    // Light and dark follow the system.
    const background = () => lobby.page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    await lobby.page.emulateMedia({ colorScheme: 'light' });
    const light = await background();
    await lobby.page.emulateMedia({ colorScheme: 'dark' });
    expect(await background()).not.toBe(light);
    expect(await tabTo(lobby.page, 'leave')).toBe(true);
    await lobby.page.keyboard.press('Enter');
    await lobby.waitForState('ended');
  });
});
