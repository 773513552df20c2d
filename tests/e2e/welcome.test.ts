/**
 * The first thing a new user sees: installing PeerCall opens its welcome page, which says
 * what PeerCall is, how to pin it, which server it uses and the shortcuts, and whose big
 * button starts a call as the popup's does.
 */
import { realpathSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../signaling/config';
import { type RunningSignalingServer, startSignalingServer } from '../../signaling/server';
import { unpackedExtensionId } from '../../scripts/extension-id';
import { extensionDir, launchProfile, type Profile } from './support/browser';
import { type CallTab, configure, openRunningCallPopup, welcomePage } from './support/pages';
import { saveScreenshot } from './support/screenshots';

let server: RunningSignalingServer;
let profile: Profile;
let call: CallTab;

beforeAll(async () => {
  server = await startSignalingServer(parseConfig({ PEERCALL_PORT: '0' }, []));
  profile = await launchProfile();
});

afterAll(async () => {
  await profile?.close();
  await server?.close();
});

describe('the welcome page', () => {
  it('opens once on install, and says what PeerCall is, how to pin it, its server and its shortcuts', async () => {
    const welcome = welcomePage(profile.welcome);
    expect(profile.context.pages().filter((page) => page.url() === profile.url('welcome.html'))).toHaveLength(1);
    expect(await welcome.page.title()).toBe('Welcome to PeerCall');
    expect(await welcome.heading()).toBe('Welcome to PeerCall');
    const text = await welcome.page.locator('body').innerText();
    expect(text).toContain('Video calls straight from your browser.');
    expect(text).toContain('Click the puzzle piece at the right of the address bar, then the pin beside PeerCall.');
    expect(await welcome.pinPicture()).toEqual({
      name: 'The toolbar: the puzzle piece opens the list of extensions, and the pin beside PeerCall keeps its icon in the toolbar.',
      browser: 'chromium',
      iconType: 'image/png',
    });
    expect(await welcome.server()).toBe('http://127.0.0.1:9000/peerjs');
    expect(await welcome.shortcuts()).toEqual([
      { command: 'toggle-mute', keys: 'Alt+Shift+M', text: 'Alt+Shift+M Mute or unmute your microphone in the call' },
      { command: 'toggle-camera', keys: 'Alt+Shift+V', text: 'Alt+Shift+V Turn your camera off or on in the call' },
    ]);
    expect(text).toContain('chrome://extensions/shortcuts');
    await welcome.page.setViewportSize({ width: 900, height: 900 });
    await saveScreenshot(welcome.page, 'welcome');
  });

  it('shows the server set in Settings as soon as it changes', async () => {
    await configure(profile, { signalingUrl: server.url });
    await expect.poll(() => welcomePage(profile.welcome).server(), { timeout: 5_000 }).toBe(server.url);
  });

  it('starts a call with its button, as the popup does: a call tab opens on the lobby and the call waits for others', async () => {
    call = await welcomePage(profile.welcome).start();
    await call.waitForState('waiting');
    expect(await call.callId()).toMatch(/^([0-9a-z]{4}-){6}[0-9a-z]{4}$/);
    const popup = await openRunningCallPopup(profile);
    await popup.waitForRunningCall();
    expect(await popup.phase()).toBe('waiting');
    await popup.page.close();
  });

  it('while that call runs, its button says so instead of opening a second call tab', async () => {
    const pagesBefore = profile.context.pages().length;
    expect(await welcomePage(profile.welcome).startExpectingError()).toBe('You are already in a call: it is in the PeerCall tab. Leave it there first.');
    expect(profile.context.pages().length).toBe(pagesBefore);
    await call.leave();
  });

  it('lives at the address npm start computes from the extension folder', () => {
    expect(unpackedExtensionId(realpathSync(extensionDir))).toBe(profile.extensionId);
  });
});
