/**
 * What a person sees when something goes wrong: each failure is shown in the page
 * with a way forward, and the call recovers where it can.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../signaling/config';
import { type RunningSignalingServer, startSignalingServer } from '../../signaling/server';
import { launchProfile, type Profile } from './support/browser';
import { configure, openPopup, openRunningCallPopup } from './support/pages';
import { inboundDuring, liveConnectionCount, liveLocalTracks } from './support/media-probes';

let server: RunningSignalingServer;
let profile: Profile;

beforeAll(async () => {
  server = await startSignalingServer(parseConfig({ PEERCALL_PORT: '0' }, []));
  profile = await launchProfile();
  await configure(profile, { signalingUrl: server.url });
});

afterAll(async () => {
  await profile?.close();
  await server?.close();
});

describe('when a call cannot go ahead', () => {
  it('a malformed ID is refused in the popup with what an ID looks like, and no tab opens', async () => {
    const popup = await openPopup(profile);
    const pagesBefore = profile.context.pages().length;
    expect(await popup.joinExpectingError('not-a-call-id')).toContain('7 groups of 4');
    expect(await popup.joinExpectingError('   ')).toContain('Paste the call ID');
    expect(profile.context.pages().length).toBe(pagesBefore);
    await popup.page.close();
  });

  it('joining an ID no call has says the call has ended or the ID is wrong, and releases the camera', async () => {
    const call = await (await openPopup(profile)).join('k3f9-x2ab-7mqz-0h1c-wv8e-5rt4-nd6p');
    await call.endMessage().waitFor({ timeout: 10_000 });
    expect(await call.endMessage().getAttribute('data-code')).toBe('room-unknown');
    expect(await call.endMessage().innerText()).toContain('Nobody is in a call with this ID');
    expect(await call.state()).toBe('failed');
    expect(await liveConnectionCount(call.page)).toBe(0);
    await call.page.close();
  });

  it('an invite link to a call nobody is in says so, and a link with a damaged ID is refused in the popup', async () => {
    const origin = new URL(server.url).origin;
    const call = await (await openPopup(profile)).join(`Join my PeerCall: ${origin}/join#q7m2-k9dx-0a4e-zz81-h6pc-3rtw-b5nf.`);
    await call.endMessage().waitFor({ timeout: 10_000 });
    expect(await call.endMessage().getAttribute('data-code')).toBe('room-unknown');
    expect(await call.endMessage().innerText()).toContain('Nobody is in a call with this ID');
    expect(await liveConnectionCount(call.page)).toBe(0);
    await call.page.close();

    const popup = await openPopup(profile);
    const pagesBefore = profile.context.pages().length;
    expect(await popup.joinExpectingError(`${origin}/join#q7m2-k9dx-0a4e`)).toContain('7 groups of 4');
    expect(await popup.joinExpectingError(`${origin}/elsewhere#q7m2-k9dx-0a4e-zz81-h6pc-3rtw-b5nf`)).toContain('7 groups of 4');
    expect(profile.context.pages().length).toBe(pagesBefore);
    await popup.page.close();
  });

  it('a stopped signaling server is shown with retries, and the call registers once the server is back', async () => {
    const port = server.port;
    await server.close();
    const call = await (await openPopup(profile)).start();
    await call.page.locator('[data-testid="signaling-status"][data-status="retrying"]').waitFor({ timeout: 10_000 });
    expect(await call.notice().getAttribute('data-code')).toBe('signaling-unreachable');
    expect(await call.notice().innerText()).toContain('Cannot reach the PeerCall server');
    expect(await call.signalingStatus().innerText()).toMatch(/Retry \d+ in \d+ s/);
    expect(await call.state()).toBe('starting');

    server = await startSignalingServer(parseConfig({ PEERCALL_PORT: String(port) }, []));
    await call.waitForState('waiting', 40_000);
    expect(await call.signalingStatus().getAttribute('data-status')).toBe('online');
    expect(server.peerCount()).toBe(1);
    await call.leave();
    await call.page.close();
  });

  it('the popup brings back the running call instead of opening a second call tab', async () => {
    const first = await openPopup(profile);
    const call = await first.start();
    await call.waitForState('waiting');
    await first.page.close();
    const tabsBefore = profile.context.pages().length;
    const popup = await openRunningCallPopup(profile);
    await popup.waitForRunningCall();
    // While a call runs the popup offers only the way back to it, never a second call.
    expect(await popup.phase()).toBe('waiting');
    expect(await popup.page.locator('button[data-action="start"], button[data-action="join"]').count()).toBe(0);
    // The popup page itself is the only page added.
    expect(profile.context.pages().length).toBe(tabsBefore + 1);
    expect(await call.state()).toBe('waiting');
    await call.leave();
    await call.page.close();
  });
});

describe('when camera or microphone cannot be used', () => {
  it('blocked permission says how to allow it, and the call still opens for seeing and hearing the other person', async () => {
    const blocked = await launchProfile({ denyMedia: true });
    try {
      await configure(blocked, { signalingUrl: server.url });
      const call = await (await openPopup(blocked)).start();
      await call.waitForState('waiting');
      expect(await call.notice().getAttribute('data-code')).toBe('permission-denied');
      expect(await call.notice().innerText()).toContain('allow');
      expect(await call.page.locator('button[data-action="retry-media"]').isVisible()).toBe(true);
      expect(await liveLocalTracks(call.page)).toBe(0);
    } finally {
      await blocked.close();
    }
  });

  it('with no camera the call goes on audio-only and says so, and the other side hears it', async () => {
    const cameraless = await launchProfile({ fakeDevices: 'device-count=0' });
    try {
      await configure(cameraless, { signalingUrl: server.url });
      const host = await (await openPopup(cameraless)).start();
      await host.waitForState('waiting');
      expect(await host.notice().getAttribute('data-code')).toBe('no-camera');
      expect(await host.page.getByTestId('local-video-placeholder').innerText()).toBe('No camera');

      const guest = await (await openPopup(profile)).join(await host.callId());
      await guest.waitForState('in-call');
      await guest.remotePlaceholder().waitFor();
      await expect.poll(async () => (await inboundDuring(guest.page, 1_000)).audioEnergy, { timeout: 10_000 }).toBeGreaterThan(0.001);
      expect((await inboundDuring(guest.page, 1_000)).frames).toBe(0);
      await guest.leave();
      await guest.page.close();
    } finally {
      await cameraless.close();
    }
  });
});
