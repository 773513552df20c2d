/**
 * People without the extension join from the invite link: the signaling server serves the
 * guest web page at /join, built from the same components and call core as the call tab.
 * A person with the extension starts a call and copies the invite; a plain Chromium with
 * no extension, and then Firefox ESR with none, open the link, and each side gets the
 * other's moving video and chat.
 */
import puppeteer from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../signaling/config';
import { type RunningSignalingServer, startSignalingServer } from '../../signaling/server';
import { launchPlainBrowser, launchProfile, type PlainBrowser, type Profile } from './support/browser';
import { firefoxPath, inPage } from './support/firefox';
import { allRemoteVideosProgress, inboundDuring, liveConnectionCount, remoteVideoProgress } from './support/media-probes';
import { type CallTab, callTab, configure, openPopup } from './support/pages';

let server: RunningSignalingServer;
let ann: Profile;
let annCall: CallTab;
let invite: string;
let guestBrowser: PlainBrowser;
let guest: CallTab;
/** Every request the guest page made, as URLs, and what its console said about its policy. */
const guestRequests: string[] = [];
const policyComplaints: string[] = [];

beforeAll(async () => {
  server = await startSignalingServer(parseConfig({ PEERCALL_PORT: '0' }, []));
  [ann, guestBrowser] = await Promise.all([launchProfile(), launchPlainBrowser()]);
  // As a person starts a call with the defaults: whoever comes from the link asks to join.
  await configure(ann, { signalingUrl: server.url, askToJoin: true });
  annCall = await (await openPopup(ann, { name: 'Ann' })).start();
  await annCall.waitForState('waiting');
  const copied = await annCall.copyInvite();
  invite = /https?:\/\/\S+\/join#[0-9a-z-]+/.exec(copied)?.[0] ?? '';
}, 60_000);

afterAll(async () => {
  await Promise.all([ann?.close(), guestBrowser?.close()]);
  await server?.close();
});

describe('a guest with no extension', () => {
  it('opens the invite link on the server that carries the call, and sees the lobby with a moving preview', async () => {
    expect(invite.startsWith(new URL(server.url).origin)).toBe(true);
    const page = await guestBrowser.newPage();
    page.on('request', (request) => guestRequests.push(request.url()));
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) policyComplaints.push(message.text());
    });
    const response = await page.goto(invite);
    const policy = response!.headers()['content-security-policy'] ?? '';
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(response!.headers()['referrer-policy']).toBe('no-referrer');
    guest = callTab(page);
    await guest.waitForState('lobby');
    await expect
      .poll(() => page.evaluate(() => document.querySelector<HTMLVideoElement>('video[data-testid="lobby-video"]')?.getVideoPlaybackQuality().totalVideoFrames ?? 0), { timeout: 5_000 })
      .toBeGreaterThan(3);
  });

  it('asks to join, is admitted by the host, and both sides receive the other\'s moving video and voice', async () => {
    await guest.page.fill('input[name="lobbyName"]', 'Gus');
    await guest.page.click('button[data-action="enter"]');
    await guest.waitForState('asking');
    await expect.poll(() => annCall.joinRequests(), { timeout: 10_000 }).toEqual([{ text: 'Gus asks to join', elements: 0 }]);
    // Until admitted, the guest reached nobody: no connection on either side.
    expect(await liveConnectionCount(guest.page)).toBe(0);
    expect(await liveConnectionCount(annCall.page)).toBe(0);
    await annCall.answerJoinRequest('Gus', 'admit');
    await guest.waitForState('in-call');
    await annCall.waitForState('in-call');
    await expect.poll(async () => (await remoteVideoProgress(guest.page, 500)).frames, { timeout: 10_000 }).toBeGreaterThan(3);
    await expect.poll(async () => (await remoteVideoProgress(annCall.page, 500)).frames, { timeout: 10_000 }).toBeGreaterThan(3);
    await expect.poll(() => annCall.tileLabels(), { timeout: 5_000 }).toEqual(['Gus']);
    await expect.poll(() => guest.tileLabels(), { timeout: 5_000 }).toEqual(['Ann']);
    // The fake microphones beep: energy arrives both ways.
    expect((await inboundDuring(guest.page, 1_000)).audioEnergy).toBeGreaterThan(0);
    expect((await inboundDuring(annCall.page, 1_000)).audioEnergy).toBeGreaterThan(0);
  });

  it('chats both ways', async () => {
    await guest.sendChat('hello from a plain tab');
    await expect.poll(async () => (await annCall.chatMessages()).map((m) => m.text), { timeout: 5_000 }).toContain('hello from a plain tab');
    await annCall.sendChat('welcome, Gus');
    await expect.poll(async () => (await guest.chatMessages()).map((m) => m.text), { timeout: 5_000 }).toContain('welcome, Gus');
  });

  it('loaded nothing from anywhere but the server, broke none of its own policy, and sent the call ID to nobody', () => {
    expect(policyComplaints).toEqual([]);
    const origin = new URL(server.url).origin;
    const elsewhere = guestRequests.filter((url) => !url.startsWith(`${origin}/`) && !url.startsWith('ws://' + new URL(server.url).host + '/'));
    expect(elsewhere).toEqual([]);
    const callId = invite.split('#')[1]!;
    // The fragment never leaves the browser; the server learns the call only in POST bodies and over the socket.
    expect(guestRequests.filter((url) => url.includes(callId) || url.includes(callId.replace(/-/g, '')))).toEqual([]);
  });

  it('fits a phone-sized window: nothing wider than the screen, the call controls on it', async () => {
    await guest.page.setViewportSize({ width: 390, height: 844 });
    const fit = await guest.page.evaluate(() => {
      const leave = document.querySelector<HTMLElement>('button[data-action="leave"]')!.getBoundingClientRect();
      const mute = document.querySelector<HTMLElement>('button[data-action="mute"]')!.getBoundingClientRect();
      return { scrollWidth: document.documentElement.scrollWidth, leaveRight: leave.right, muteRight: mute.right, leaveWidth: leave.width };
    });
    expect(fit.scrollWidth).toBeLessThanOrEqual(390);
    expect(fit.leaveRight).toBeLessThanOrEqual(390);
    expect(fit.muteRight).toBeLessThanOrEqual(390);
    expect(fit.leaveWidth).toBeGreaterThan(0);
    expect((await remoteVideoProgress(guest.page, 500)).frames).toBeGreaterThan(3);
  });

  it('the guest page without a call ID says so and offers a call of one\'s own', async () => {
    const page = await guestBrowser.newPage();
    await page.goto(`${new URL(server.url).origin}/join`);
    await expect.poll(() => page.getByTestId('guest-no-call-id').innerText()).toContain('no call ID');
    await page.click('button[data-action="start"]');
    await callTab(page).waitForState('lobby');
    await page.close();
  });
});

describe('a guest on Firefox ESR with no extension', () => {
  it('joins the same call from the link, and everyone receives moving video', async () => {
    const firefox = await puppeteer.launch({
      browser: 'firefox',
      executablePath: firefoxPath(),
      headless: true,
      extraPrefsFirefox: { 'media.navigator.streams.fake': true, 'media.navigator.permission.disabled': true },
    });
    try {
      const page = (await firefox.pages())[0] ?? (await firefox.newPage());
      await page.goto(invite);
      await inPage(page, () => (document.querySelector('[data-testid="call-status"][data-state="lobby"]') ? true : null), undefined, 20_000);
      // Typed events from BiDi do not reach Preact's handlers in Firefox: the page's own click does.
      await inPage(page, () => {
        document.querySelector<HTMLButtonElement>('button[data-action="enter"]')!.click();
        return true;
      });
      await inPage(page, () => (document.querySelector('[data-testid="call-status"][data-state="asking"]') ? true : null), undefined, 20_000);
      await expect.poll(async () => (await annCall.joinRequests()).map((r) => r.text), { timeout: 10_000 }).toEqual(['Guest asks to join']);
      await annCall.answerJoinRequest('Guest', 'admit');
      await inPage(page, () => (document.querySelector('[data-testid="call-status"][data-state="in-call"]') ? true : null), undefined, 20_000);
      const framesInFirefox = await inPage(
        page,
        async () => {
          const videos = [...document.querySelectorAll<HTMLVideoElement>('video[data-testid="remote-video"]')];
          if (videos.length < 2) return null;
          // Firefox leaves getVideoPlaybackQuality() at 0 for a MediaStream; count presented frames instead.
          const moved = videos.map(() => 0);
          videos.forEach((video, i) => {
            const count = () => {
              moved[i]! += 1;
              video.requestVideoFrameCallback(count);
            };
            video.requestVideoFrameCallback(count);
          });
          await new Promise((r) => setTimeout(r, 1_000));
          return moved.every((n) => n > 3) ? moved : null;
        },
        undefined,
        20_000,
      );
      expect(framesInFirefox).toHaveLength(2);
      await expect
        .poll(async () => (await allRemoteVideosProgress(annCall.page, 500)).map((v) => v.frames > 3), { timeout: 15_000 })
        .toEqual([true, true]);
    } finally {
      await firefox.close();
    }
  });
});
