/**
 * The popup and the badge never show a call that is not running. A call tab can end
 * without clearing its status: its renderer crashes (no pagehide), it closes before its
 * last write lands, or the whole browser is killed. Each time, the popup opened right
 * after must offer Start and Join without a frame of the old call, and the badge must be
 * empty within 2 s.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../signaling/config';
import { type RunningSignalingServer, startSignalingServer } from '../../signaling/server';
import { launchProfile, type Profile } from './support/browser';
import { type CallTab, configure, openPopup, openRunningCallPopup, toolbarBadge } from './support/pages';

const badgeClearsWithinMs = 2_000;

let server: RunningSignalingServer;
let host: Profile;
let guest: Profile;
let hostCall: CallTab;

beforeAll(async () => {
  server = await startSignalingServer(parseConfig({ PEERCALL_PORT: '0' }, []));
  [host, guest] = await Promise.all([launchProfile(), launchProfile()]);
  await Promise.all([host, guest].map((profile) => configure(profile, { signalingUrl: server.url })));
  hostCall = await (await openPopup(host, { name: 'Host' })).start();
  await hostCall.waitForState('waiting');
});

afterAll(async () => {
  await Promise.all([host?.close(), guest?.close()]);
  await server?.close();
});

/** The guest's badge, read from an extension page of its own (closed again). */
async function guestBadge(): Promise<string> {
  const page = await guest.context.newPage();
  try {
    await page.goto(guest.url('options.html'));
    return (await toolbarBadge(page)).text;
  } finally {
    await page.close();
  }
}

async function guestInTheCall(): Promise<CallTab> {
  const call = await (await openPopup(guest, { name: 'Guest' })).join(await hostCall.callId());
  await call.waitForState('in-call');
  await expect.poll(guestBadge, { timeout: 5_000 }).toBe('LIVE');
  return call;
}

/** Opens the popup at once and checks it offers Start and Join, never the old call, and that the badge empties in time. */
async function expectNoCallShown(): Promise<void> {
  const deadline = Date.now() + badgeClearsWithinMs;
  const popup = await openRunningCallPopup(guest);
  await popup.waitForStartAndJoin();
  expect(await popup.everShowedRunningCall()).toBe(false);
  await expect.poll(async () => (await popup.toolbar()).text, { timeout: Math.max(0, deadline - Date.now()), interval: 50 }).toBe('');
  expect(await popup.toolbar()).toMatchObject({ text: '', title: 'PeerCall' });
  await popup.page.close();
}

describe('a call tab that ended without a word', () => {
  it("its renderer crashed: the popup opened next offers Start and Join, and the badge is empty within 2 s", async () => {
    const call = await guestInTheCall();
    await call.crash();
    await expectNoCallShown();
    await call.page.close();
  });

  it('it closed right after joining, and the write that clears its status was lost: the same', async () => {
    const lobby = await (await openPopup(guest, { name: 'Guest' })).joinToLobby(await hostCall.callId());
    await lobby.waitForState('lobby');
    await expect.poll(guestBadge, { timeout: 5_000 }).not.toBe('');
    // As in the simulated-internet run: this page's removals never reach storage.
    const removalsDropped = await lobby.page.evaluate(async () => {
      type Area = { remove(key: string): Promise<void>; set(items: object): Promise<void>; get(key: string): Promise<Record<string, unknown>> };
      const session = (globalThis as unknown as { chrome: { storage: { session: Area } } }).chrome.storage.session;
      session.remove = () => Promise.resolve();
      await session.set({ probe: 1 });
      await session.remove('probe');
      return (await session.get('probe')).probe === 1;
    });
    expect(removalsDropped).toBe(true);
    await lobby.page.click('button[data-action="enter"]');
    await lobby.page.close();
    await expectNoCallShown();
  });

  it('the browser was killed and started again on the same profile: the same', async () => {
    await guestInTheCall();
    guest = await guest.restartAfterKill();
    await expectNoCallShown();
  });

  it('all of it with no permission beyond storage: the extension lists only its own pages', async () => {
    const manifest = await guest.welcome.evaluate(() => (window as unknown as { chrome: { runtime: { getManifest(): Record<string, unknown> } } }).chrome.runtime.getManifest());
    expect(manifest.permissions).toEqual(['storage']);
    expect(manifest.host_permissions).toBeUndefined();
    expect(manifest.optional_permissions).toBeUndefined();
  });
});
