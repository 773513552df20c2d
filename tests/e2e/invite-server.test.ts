/**
 * An invite from another server: Dora's PeerCall talks to server A, and Hal hosts a call on
 * server B. Pasting Hal's invite, Dora is asked once whether to join via B's host; she
 * joins through B (not A), and both get moving video. The next invite from B joins without
 * asking; a bare ID still goes to A, the server in her Settings.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../signaling/config';
import { type RunningSignalingServer, startSignalingServer } from '../../signaling/server';
import { launchProfile, type Profile } from './support/browser';
import { remoteVideoProgress } from './support/media-probes';
import { configure, openPopup } from './support/pages';

let serverA: RunningSignalingServer;
let serverB: RunningSignalingServer;
let dora: Profile;
let hal: Profile;

beforeAll(async () => {
  [serverA, serverB] = await Promise.all([startSignalingServer(parseConfig({ PEERCALL_PORT: '0' }, [])), startSignalingServer(parseConfig({ PEERCALL_PORT: '0' }, []))]);
  [dora, hal] = await Promise.all([launchProfile(), launchProfile()]);
  await Promise.all([configure(dora, { signalingUrl: serverA.url }), configure(hal, { signalingUrl: serverB.url })]);
}, 60_000);

afterAll(async () => {
  await Promise.all([dora?.close(), hal?.close()]);
  await Promise.all([serverA?.close(), serverB?.close()]);
});

async function halInvites() {
  const host = await (await openPopup(hal, { name: 'Hal' })).start();
  await host.waitForState('waiting');
  const invite = /https?:\/\/\S+\/join#[0-9a-z-]+/.exec(await host.copyInvite())?.[0] ?? '';
  return { host, invite };
}

describe('an invite from another server', () => {
  it('asks once "Join via <host>?", then joins through that server, and both see moving video', async () => {
    const { host, invite } = await halInvites();
    const hostB = new URL(serverB.url).host;
    expect(invite.startsWith(`http://${hostB}/join#`)).toBe(true);
    const popup = await openPopup(dora, { name: 'Dora' });
    expect(await popup.joinAskingServer(invite)).toContain(`Join via ${hostB}?`);
    const guest = await popup.joinViaInviteServer();
    await guest.waitForState('in-call');
    await host.waitForState('in-call');
    await expect.poll(async () => (await remoteVideoProgress(guest.page, 500)).frames, { timeout: 10_000 }).toBeGreaterThan(3);
    await expect.poll(async () => (await remoteVideoProgress(host.page, 500)).frames, { timeout: 10_000 }).toBeGreaterThan(3);
    // Dora's socket is on B, where the call is; A, the server in her Settings, never saw her.
    expect(serverB.peerCount()).toBe(2);
    expect(serverA.peerCount()).toBe(0);
    await guest.leave();
    await host.leave();
    await Promise.all([guest.page.close(), host.page.close()]);
  });

  it('joins without asking the next time an invite comes from that server', async () => {
    const { host, invite } = await halInvites();
    const guest = await (await openPopup(dora, { name: 'Dora' })).join(invite);
    await guest.waitForState('in-call');
    await expect.poll(async () => (await remoteVideoProgress(guest.page, 500)).frames, { timeout: 10_000 }).toBeGreaterThan(3);
    expect(serverA.peerCount()).toBe(0);
    await guest.leave();
    await guest.page.close();

    // A bare ID names no server: it goes to the one in Settings, where this call is not.
    const bare = await (await openPopup(dora, { name: 'Dora' })).join(invite.split('#')[1]!);
    await expect.poll(() => bare.endMessage().getAttribute('data-code'), { timeout: 20_000 }).toBe('room-unknown');
    await bare.page.close();
    await host.leave();
  });
});
