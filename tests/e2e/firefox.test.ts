/**
 * The Firefox build works: a person on Firefox (firefox-esr, the package `wxt zip -b
 * firefox` makes) starts a call from the popup and a person on Chromium joins it; each
 * receives the other's moving video.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../signaling/config';
import { type RunningSignalingServer, startSignalingServer } from '../../signaling/server';
import { launchProfile, type Profile } from './support/browser';
import { buildFirefoxPackage, extensionPage, type FirefoxPerson, followLink, inPage, launchFirefox } from './support/firefox';
import { remoteVideoProgress } from './support/media-probes';
import { configure, openPopup } from './support/pages';

let server: RunningSignalingServer;
let firefox: FirefoxPerson;
let chromium: Profile;

beforeAll(async () => {
  server = await startSignalingServer(parseConfig({ PEERCALL_PORT: '0' }, []));
  const pkg = buildFirefoxPackage();
  [firefox, chromium] = await Promise.all([launchFirefox(pkg), launchProfile()]);
  await configure(chromium, { signalingUrl: server.url });
}, 120_000);

afterAll(async () => {
  await Promise.all([firefox?.close(), chromium?.close()]);
  await server?.close();
});

describe('PeerCall on Firefox', () => {
  it('opens the welcome page on install, with the way to pin the icon that Firefox has', async () => {
    const welcome = await extensionPage(firefox, 'welcome.html');
    const shown = await inPage(welcome, () => {
      const picture = document.querySelector('[data-testid="pin-picture"]');
      return picture ? { browser: picture.getAttribute('data-browser'), text: document.body.innerText } : null;
    });
    expect(shown.browser).toBe('firefox');
    expect(shown.text).toContain('then the gear beside PeerCall, and choose Pin to Toolbar');
    expect(shown.text).toContain('Manage Extension Shortcuts');
  });

  it('a Firefox user starts a call from the popup, a Chromium user joins, and both see moving video', async () => {
    const settings = firefox.firstPage;
    // Typed events from BiDi do not reach Preact's handlers in Firefox, so the server
    // address goes straight into the extension's storage, where the options page saves it;
    // ask to join goes off there too, so the Chromium user walks in as configure() has it.
    await inPage(settings, async (url) => {
      await (globalThis as unknown as { browser: { storage: { local: { set(items: object): Promise<void> } } } }).browser.storage.local.set({ signalingUrl: url, askToJoin: false });
      return true;
    }, server.url);

    // The popup, in this same tab.
    await followLink(settings, firefox.url('popup.html'));
    await inPage(settings, () => (location.pathname === '/popup.html' && document.querySelector('button[data-action="start"]') ? true : null));
    await inPage(settings, () => {
      document.querySelector<HTMLButtonElement>('button[data-action="start"]')!.click();
      return true;
    });

    const call = await extensionPage(firefox, 'call.html');
    await inPage(call, () => {
      const enter = document.querySelector<HTMLButtonElement>('button[data-action="enter"]');
      enter?.click();
      return enter ? true : null;
    });
    const callId = await inPage(call, () => document.querySelector('[data-testid="call-id"]')?.textContent || null);

    const guest = await (await openPopup(chromium, { name: 'Chromium' })).join(callId);
    await guest.waitForState('in-call', 20_000);
    await inPage(call, () => document.querySelector('[data-testid="call-status"][data-state="in-call"]') !== null || null, 20_000);

    const fromFirefox = await remoteVideoProgress(guest.page, 1_000);
    expect(fromFirefox.width).toBeGreaterThan(0);
    expect(fromFirefox.frames).toBeGreaterThan(5);
    const inFirefox = await inPage(call, async () => {
      // Firefox leaves getVideoPlaybackQuality() at 0 for a MediaStream; count presented frames instead.
      const video = document.querySelector<HTMLVideoElement>('video[data-testid="remote-video"]')!;
      let frames = 0;
      const count = () => {
        frames += 1;
        video.requestVideoFrameCallback(count);
      };
      video.requestVideoFrameCallback(count);
      await new Promise((r) => setTimeout(r, 1_000));
      return { width: video.videoWidth, frames };
    });
    expect(inFirefox.width).toBeGreaterThan(0);
    expect(inFirefox.frames).toBeGreaterThan(5);
  }, 90_000);

  it("its popup finds the running call's tab by its ID and shows the call; once that tab is gone, a status it left is discarded", async () => {
    // Each function below runs in the page, so each names Firefox's API itself.
    type Session = { get(key: string): Promise<Record<string, unknown>>; set(items: object): Promise<void> };
    type FirefoxApi = { tabs: { getCurrent(): Promise<{ id: number }> }; storage: { session: Session }; browserAction: { getBadgeText(details: object): Promise<string> } };
    const call = await extensionPage(firefox, 'call.html');
    const callTabId = await inPage(call, async () => (await (globalThis as unknown as { browser: FirefoxApi }).browser.tabs.getCurrent()).id);
    const tab = await extensionPage(firefox, 'welcome.html');
    await followLink(tab, firefox.url('popup.html'));
    const running = () => (location.pathname === '/popup.html' ? (document.querySelector('[data-testid="running-call"]')?.getAttribute('data-phase') ?? null) : null);
    expect(await inPage(tab, running)).toBe('in-call');

    await call.close();
    // What the call tab leaves when its last write is lost: its status, signed by its tab, unexpired.
    await inPage(tab, async (tabId) => {
      const now = Date.now();
      const status = { phase: 'in-call', startedAtMs: now - 60_000, micMuted: false, cameraOff: false, participants: 1, tabId, expiresAtMs: now + 60_000 };
      await (globalThis as unknown as { browser: FirefoxApi }).browser.storage.session.set({ callStatus: status });
      location.reload();
      return true;
    }, callTabId);
    const shown = await inPage(tab, () =>
      location.pathname === '/popup.html' && document.querySelector('button[data-action="start"]') ? { running: document.querySelector('[data-testid="running-call"]') !== null } : null,
    );
    expect(shown.running).toBe(false);
    expect(await inPage(tab, async () => ({ stored: (await (globalThis as unknown as { browser: FirefoxApi }).browser.storage.session.get('callStatus')).callStatus ?? 'none' }))).toEqual({ stored: 'none' });
    const badge = await inPage(tab, async () => ((await (globalThis as unknown as { browser: FirefoxApi }).browser.browserAction.getBadgeText({})) === '' ? 'empty' : null), undefined, 2_000);
    expect(badge).toBe('empty');
  }, 60_000);
});
