/**
 * The call screen fits the window, as Meet's does: at 1920x1080, 1280x720 and a phone's
 * 390x844 the document does not scroll, every control in the bar is on screen, and the
 * tiles fill the stage without overlapping (one person, two with ourselves in the corner,
 * three, and six). The chat's unread count rises while the chat is closed and clears when
 * it is opened.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../signaling/config';
import { type RunningSignalingServer, startSignalingServer } from '../../signaling/server';
import { launchProfile, type Profile } from './support/browser';
import { type CallTab, configure, openPopup } from './support/pages';
import { saveScreenshot } from './support/screenshots';
import { stageLaidOut, videoColour } from './support/media-probes';

const sizes = [
  { width: 1920, height: 1080 },
  { width: 1280, height: 720 },
  { width: 390, height: 844 },
] as const;

let server: RunningSignalingServer;
const people: Profile[] = [];
const calls: CallTab[] = [];
let callId: string;

beforeAll(async () => {
  server = await startSignalingServer(parseConfig({ PEERCALL_PORT: '0' }, []));
  people.push(...(await Promise.all(Array.from({ length: 6 }, () => launchProfile({ fakeDevices: 'device-count=1' })))));
  await Promise.all(people.map((p) => configure(p, { signalingUrl: server.url })));
}, 120_000);

afterAll(async () => {
  await Promise.all(people.map((p) => p.close()));
  await server?.close();
});

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** What the screen shows: the document's scroll size, the bar's buttons, the stage and its tiles, in CSS pixels. */
function shown(page: Page) {
  return page.evaluate(() => {
    const box = (el: Element) => {
      const r = el.getBoundingClientRect();
      return { x: r.x, y: r.y, width: r.width, height: r.height };
    };
    const stage = document.querySelector('.stage')!;
    return {
      scrollWidth: document.documentElement.scrollWidth,
      scrollHeight: document.documentElement.scrollHeight,
      controls: [...document.querySelectorAll('.control-bar button')].map((b) => ({ action: b.getAttribute('data-action'), name: b.getAttribute('aria-label'), ...box(b) })),
      stage: box(stage),
      layout: stage.getAttribute('data-layout'),
      panelOpen: (document.querySelector('.side-panel')?.getBoundingClientRect().width ?? 0) > 0,
      tiles: [...stage.querySelectorAll('.slot')].map((slot) => ({ self: slot.classList.contains('self'), ...box(slot) })),
    };
  });
}

const inside = (inner: Box, outer: Box) =>
  inner.x >= outer.x - 0.5 && inner.y >= outer.y - 0.5 && inner.x + inner.width <= outer.x + outer.width + 0.5 && inner.y + inner.height <= outer.y + outer.height + 0.5;
const overlap = (a: Box, b: Box) => Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x)) * Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y));

async function expectFits(page: Page, size: { width: number; height: number }, tileCount: number, layout: 'gallery' | 'one-to-one' | 'presenter') {
  await page.setViewportSize(size);
  await stageLaidOut(page);
  expect((await shown(page)).tiles.filter((t) => t.width > 0)).toHaveLength(tileCount);
  const screen = await shown(page);
  expect(screen.scrollWidth, 'no sideways scroll').toBeLessThanOrEqual(size.width);
  expect(screen.scrollHeight, 'no page scroll').toBeLessThanOrEqual(size.height);
  const viewport = { x: 0, y: 0, ...size };
  for (const control of screen.controls) {
    expect(control.name, `${control.action} has a name`).toBeTruthy();
    expect(control.width, `${control.action} is drawn`).toBeGreaterThan(0);
    expect(inside(control, viewport), `${control.action} is on screen at ${size.width}x${size.height}`).toBe(true);
  }
  expect(screen.layout).toBe(layout);
  expect(screen.stage.height, 'the stage has room').toBeGreaterThan(size.height / 3);
  if (!screen.panelOpen) expect(screen.stage.width, 'a closed side panel takes no room').toBeGreaterThan(size.width * 0.9);
  for (const tile of screen.tiles) expect(inside(tile, screen.stage), 'tile inside the stage').toBe(true);
  const others = screen.tiles.filter((t) => layout === 'gallery' || !t.self);
  for (let i = 0; i < others.length; i++) for (let j = i + 1; j < others.length; j++) expect(overlap(others[i]!, others[j]!), 'tiles overlap').toBe(0);
  // Filling the stage: the tiles take a good part of it, as the gallery's largest fit does.
  const covered = others.reduce((sum, t) => sum + t.width * t.height, 0) / (screen.stage.width * screen.stage.height);
  expect(covered, `tiles cover the stage at ${size.width}x${size.height}`).toBeGreaterThan(tileCount >= 3 ? 0.3 : 0.25);
  if (layout === 'one-to-one') {
    const self = screen.tiles.find((t) => t.self)!;
    expect(self.width * self.height, 'our own picture is small').toBeLessThan((screen.stage.width * screen.stage.height) / 10);
  }
  return screen;
}

describe('the call screen at three window sizes', () => {
  it('alone: the stage and the bar fit, nothing scrolls', async () => {
    calls.push(await (await openPopup(people[0]!, { name: 'P1' })).start());
    await calls[0]!.waitForState('waiting');
    callId = await calls[0]!.callId();
    await calls[0]!.page.keyboard.press('Escape');
    for (const size of sizes) await expectFits(calls[0]!.page, size, 2, 'gallery');
  });

  it('two: the other person large, ourselves small in the corner', async () => {
    calls.push(await (await openPopup(people[1]!, { name: 'P2' })).join(callId));
    await calls[1]!.waitForState('in-call');
    for (const size of sizes) await expectFits(calls[1]!.page, size, 2, 'one-to-one');
    await calls[1]!.page.setViewportSize(sizes[1]);
    await saveScreenshot(calls[1]!.page, 'call-one-to-one');
  });

  it('three: a gallery of three, and the chat\'s unread count rises and clears', async () => {
    calls.push(await (await openPopup(people[2]!, { name: 'P3' })).join(callId));
    await calls[2]!.waitForState('in-call');
    await expect.poll(async () => (await calls[0]!.tileLabels()).length, { timeout: 10_000 }).toBe(2);
    for (const size of sizes) await expectFits(calls[0]!.page, size, 3, 'gallery');

    expect(await calls[0]!.unreadChat()).toBe(0);
    await calls[1]!.sendChat('one');
    await calls[2]!.sendChat('two');
    await expect.poll(() => calls[0]!.unreadChat(), { timeout: 5_000 }).toBe(2);
    expect(await calls[0]!.page.locator('button[data-action="panel-chat"]').getAttribute('aria-label')).toBe('Chat, 2 unread');
    await calls[0]!.openPanel('chat');
    await expect.poll(() => calls[0]!.unreadChat(), { timeout: 5_000 }).toBe(0);
    expect((await calls[0]!.chatMessages()).map((m) => m.text)).toEqual(['one', 'two']);
    // While the chat is open, new messages are read as they come.
    await calls[1]!.sendChat('three');
    await expect.poll(async () => (await calls[0]!.chatMessages()).length, { timeout: 5_000 }).toBe(3);
    expect(await calls[0]!.unreadChat()).toBe(0);
    await calls[0]!.page.setViewportSize(sizes[1]);
    await saveScreenshot(calls[0]!.page, 'call-with-chat');
  });

  it('three: pinning someone shows them large with the rest in a strip, speaker view follows the speaker, and a tile goes full screen', async () => {
    const page = calls[0]!.page;
    await page.setViewportSize(sizes[1]);
    const slot = (name: string) => page.locator('.stage .slot').filter({ has: page.locator('figcaption .name', { hasText: name }) });
    const focusedIsLargest = async (name: string) => {
      await expect.poll(() => page.getAttribute('.stage', 'data-layout'), { timeout: 5_000 }).toBe('focus');
      const screen = await shown(page);
      const focused = await slot(name).boundingBox();
      expect(focused).not.toBeNull();
      for (const tile of screen.tiles) {
        expect(inside(tile, screen.stage)).toBe(true);
        if (Math.abs(tile.x - focused!.x) > 1 || Math.abs(tile.y - focused!.y) > 1) expect(tile.width * tile.height).toBeLessThan((focused!.width * focused!.height) / 3);
      }
      for (let i = 0; i < screen.tiles.length; i++) for (let j = i + 1; j < screen.tiles.length; j++) expect(overlap(screen.tiles[i]!, screen.tiles[j]!)).toBe(0);
    };
    await slot('P3').locator('button[data-action="pin"]').click();
    await focusedIsLargest('P3');
    expect(await slot('P3').locator('button[data-action="pin"]').getAttribute('aria-label')).toBe('Unpin P3');
    await slot('P3').locator('button[data-action="pin"]').click();
    await expect.poll(() => page.getAttribute('.stage', 'data-layout'), { timeout: 5_000 }).toBe('gallery');

    // Speaker view: the fake microphones all beep, so whoever the call thinks speaks is large.
    await page.click('button[data-action="speaker-view"]');
    await expect.poll(() => page.getAttribute('.stage', 'data-layout'), { timeout: 5_000 }).toBe('focus');
    await page.click('button[data-action="speaker-view"]');
    await expect.poll(() => page.getAttribute('.stage', 'data-layout'), { timeout: 5_000 }).toBe('gallery');

    await slot('P2').locator('button[data-action="fullscreen"]').click();
    await expect.poll(() => page.evaluate(() => document.fullscreenElement?.querySelector('figcaption .name')?.textContent ?? null), { timeout: 5_000 }).toBe('P2');
    await page.evaluate(() => document.exitFullscreen());
  });

  it('three, then four: P2 shares a screen and everyone sees it large with the people in a strip, someone joining meanwhile too; when P2 stops, the gallery is back', async () => {
    const presenter = calls[1]!;
    // Chromium's fake camera and its fake screen are both green: with P2's camera off, a green
    // picture on P2's tile can only be the screen.
    await presenter.toggleCamera();
    for (const watcher of [calls[0]!, calls[2]!]) {
      await expect.poll(() => watcher.page.locator('.stage .slot').filter({ hasText: 'P2' }).getByText('Camera is off').count(), { timeout: 5_000 }).toBe(1);
    }
    await presenter.toggleScreenShare();
    /** What a watcher's stage shows large: whose tile, how much of the stage, and how green its picture is. */
    const presented = async (page: Page) => {
      const tile = await page.evaluate(() => {
        const stage = document.querySelector('.stage')!;
        const slot = stage.querySelector('.slot.presenting');
        const video = slot?.querySelector('video');
        if (!slot || !video || video.videoWidth === 0) return null;
        const s = stage.getBoundingClientRect();
        const r = slot.getBoundingClientRect();
        return {
          name: slot.querySelector('figcaption .name')?.textContent ?? null,
          badge: slot.querySelector('[data-testid="tile-presenting"]')?.textContent ?? null,
          fit: getComputedStyle(video).objectFit,
          share: (r.width * r.height) / (s.width * s.height),
          across: Math.max(r.width / s.width, r.height / s.height),
        };
      });
      return tile && { ...tile, green: (await videoColour(page, '.stage .slot.presenting video'))?.g ?? 0 };
    };
    for (const watcher of [calls[0]!, calls[2]!]) {
      await expect.poll(() => watcher.page.getAttribute('.stage', 'data-layout'), { timeout: 5_000 }).toBe('presenter');
      // Their screen itself, not their camera, is what is large, drawn whole.
      await expect.poll(async () => (await presented(watcher.page))?.green ?? 0, { timeout: 5_000 }).toBeGreaterThan(136);
      expect(await presented(watcher.page)).toMatchObject({ name: 'P2', badge: 'Presenting', fit: 'contain' });
      for (const size of sizes) {
        const screen = await expectFits(watcher.page, size, 3, 'presenter');
        const large = (await presented(watcher.page))!;
        // The screen is as large as the stage's shape lets a screen be beside the strip (all
        // of a phone's width, most of a wide window's height), and every other tile is far smaller.
        expect(large.across, `the screen spans the stage at ${size.width}x${size.height}`).toBeGreaterThan(0.75);
        const stageArea = screen.stage.width * screen.stage.height;
        const small = screen.tiles.map((t) => (t.width * t.height) / stageArea).sort((a, b) => b - a).slice(1);
        for (const share of small) expect(share).toBeLessThan(large.share / 3);
      }
      expect(await watcher.page.locator('[data-testid="roster-person"][data-presenting="true"] .name').allInnerTexts()).toEqual(['P2']);
    }
    await calls[0]!.page.setViewportSize(sizes[1]);
    await saveScreenshot(calls[0]!.page, 'call-presenter');

    // Someone who joins while P2 presents is told at once, and sees the screen large too.
    const late = await (await openPopup(people[3]!, { name: 'P4' })).joinToLobby(callId);
    await late.page.locator('button[data-action="enter"]').waitFor({ timeout: 15_000 });
    await late.page.check('input[name="joinCameraOff"]');
    await late.page.click('button[data-action="enter"]');
    calls.push(late);
    await late.waitForState('in-call', 20_000);
    await expect.poll(() => late.page.getAttribute('.stage', 'data-layout'), { timeout: 10_000 }).toBe('presenter');
    await expect.poll(async () => (await presented(late.page))?.green ?? 0, { timeout: 10_000 }).toBeGreaterThan(136);
    expect((await presented(late.page))?.name).toBe('P2');

    // A pin still wins over the screen, and unpinning gives the screen back.
    const pin = (name: string) =>
      calls[0]!.page
        .locator('.stage .slot')
        .filter({ has: calls[0]!.page.locator('figcaption .name', { hasText: name }) })
        .locator('button[data-action="pin"]');
    await pin('P3').click();
    await expect.poll(() => calls[0]!.page.getAttribute('.stage', 'data-layout'), { timeout: 5_000 }).toBe('focus');
    expect(await calls[0]!.page.locator('.stage .slot.focused figcaption .name').innerText()).toBe('P3');
    await pin('P3').click();
    await expect.poll(() => calls[0]!.page.getAttribute('.stage', 'data-layout'), { timeout: 5_000 }).toBe('presenter');

    await presenter.toggleScreenShare();
    for (const watcher of [calls[0]!, calls[2]!, late]) {
      await expect.poll(() => watcher.page.getAttribute('.stage', 'data-layout'), { timeout: 5_000 }).toBe('gallery');
      expect(await watcher.page.locator('[data-testid="tile-presenting"]').count()).toBe(0);
      // Back to P2's camera, which is still off.
      await expect.poll(() => watcher.page.locator('.stage .slot').filter({ hasText: 'P2' }).getByText('Camera is off').count(), { timeout: 5_000 }).toBe(1);
    }
    await presenter.toggleCamera();
  });

  it('six: a gallery of six fills the stage without overlaps', async () => {
    // Six browsers encoding video to each other would take all of a small machine's CPU, and
    // the layout is the same without pictures: everyone's camera is off from here on.
    for (const call of calls) await call.toggleCamera();
    for (let i = calls.length; i < 6; i++) {
      const lobby = await (await openPopup(people[i]!, { name: `P${i + 1}` })).joinToLobby(callId);
      await lobby.page.locator('button[data-action="enter"]').waitFor({ timeout: 15_000 });
      await lobby.page.check('input[name="joinCameraOff"]');
      await lobby.page.click('button[data-action="enter"]');
      calls.push(lobby);
      await lobby.waitForState('in-call', 20_000);
    }
    await expect.poll(async () => (await calls[5]!.tileLabels()).length, { timeout: 20_000 }).toBe(5);
    for (const size of sizes) await expectFits(calls[5]!.page, size, 6, 'gallery');
    await calls[5]!.page.setViewportSize(sizes[1]);
    await saveScreenshot(calls[5]!.page, 'call-of-six');
  }, 90_000);
});
