/**
 * Calls through a real coturn on loopback with relay-only on: the server hands out
 * TURN REST credentials, ICE selects a relay pair, and credentials the relay refuses
 * (a wrong secret, an expired username) end the join with a message saying why.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../signaling/config';
import { type RunningSignalingServer, startSignalingServer } from '../../signaling/server';
import { startTurn, type RunningTurn } from '../support/turn-server';
import { launchProfile, type Profile } from './support/browser';
import { remoteVideoProgress, selectedCandidateTypes } from './support/media-probes';
import { configure, openPopup } from './support/pages';

let turn: RunningTurn;
const servers: RunningSignalingServer[] = [];
let alice: Profile;
let bob: Profile;

async function server(env: Record<string, string>): Promise<RunningSignalingServer> {
  const started = await startSignalingServer(parseConfig({ PEERCALL_PORT: '0', ...env }, []));
  servers.push(started);
  return started;
}

beforeAll(async () => {
  turn = await startTurn();
  [alice, bob] = await Promise.all([launchProfile(), launchProfile()]);
});

// Each call gets fresh tabs, so one failed test cannot leave a call tab that blocks the next.
afterEach(async () => {
  await Promise.all([alice, bob].flatMap((p) => p.context.pages()).map((page) => page.close()));
});

afterAll(async () => {
  await Promise.all([alice?.close(), bob?.close()]);
  await Promise.all(servers.map((s) => s.close()));
  await turn?.stop();
});

describe('the connectivity check in Settings', () => {
  it('says TURN gave a relay with the server\'s credentials, and that it refused wrong ones', async () => {
    const signaling = await server({ PEERCALL_TURN_URLS: turn.url, PEERCALL_TURN_SECRET: turn.secret });
    const page = await alice.context.newPage();
    await page.goto(alice.url('options.html'));
    await page.fill('input[name="signalingUrl"]', signaling.url);
    await page.fill('textarea[name="iceServers"]', '');
    await page.click('button[data-action="check-ice"]');
    await expect.poll(() => page.locator('[role="status"]').innerText(), { timeout: 15_000 }).toContain('TURN gave a relay');

    // The same check from the lobby, with the ICE servers of the call about to start.
    await configure(alice, { signalingUrl: signaling.url });
    const lobby = await (await openPopup(alice)).startToLobby();
    await lobby.waitForState('lobby');
    await lobby.page.locator('[data-testid="signaling-status"][data-status="online"]').waitFor();
    await lobby.page.click('button[data-action="check-ice"]');
    await expect.poll(() => lobby.page.getByTestId('ice-check').innerText(), { timeout: 15_000 }).toContain('TURN gave a relay');
    await lobby.page.close();

    await page.fill('input[name="signalingUrl"]', 'http://127.0.0.1:9/peerjs');
    await page.fill('textarea[name="iceServers"]', `${turn.url} 1:nobody wrong-credential`);
    await page.click('button[data-action="check-ice"]');
    await expect.poll(() => page.locator('[role="status"]').innerText(), { timeout: 15_000 }).toContain('TURN refused the credentials');
    expect(await page.locator('[role="status"]').innerText()).toContain('could not be reached');
  }, 60_000);
});

describe('relay-only calls through coturn', () => {
  it('connect through a relay pair with the credentials the server hands out, and video flows', async () => {
    const signaling = await server({ PEERCALL_TURN_URLS: turn.url, PEERCALL_TURN_SECRET: turn.secret });
    await Promise.all([alice, bob].map((p) => configure(p, { signalingUrl: signaling.url, relayOnly: true })));
    const host = await (await openPopup(alice, { name: 'Alice' })).start();
    const guest = await (await openPopup(bob, { name: 'Bob' })).join(await host.callId());
    await Promise.all([guest.waitForState('in-call', 20_000), host.waitForState('in-call', 20_000)]);
    for (const side of [host, guest]) {
      // "In call" comes with the remote tracks, which precede ICE's choice of a pair.
      await expect.poll(() => selectedCandidateTypes(side.page), { timeout: 10_000 }).toEqual([{ local: 'relay', remote: 'relay' }]);
      const progress = await remoteVideoProgress(side.page, 1_000);
      expect(progress.width).toBeGreaterThan(0);
      expect(progress.frames).toBeGreaterThan(5);
    }
  }, 60_000);

  it('a TURN secret the relay does not share ends the join with a message that says so', async () => {
    const signaling = await server({ PEERCALL_TURN_URLS: turn.url, PEERCALL_TURN_SECRET: randomBytes(24).toString('base64url') });
    await Promise.all([alice, bob].map((p) => configure(p, { signalingUrl: signaling.url, relayOnly: true })));
    const host = await (await openPopup(alice)).start();
    const guest = await (await openPopup(bob)).join(await host.callId());
    await guest.endMessage().waitFor({ timeout: 20_000 });
    expect(await guest.endMessage().getAttribute('data-code')).toBe('turn-refused');
    expect(await guest.endMessage().innerText()).toContain('TURN relay refused the credentials');
  }, 60_000);

  it('an expired TURN username, entered in Settings, is refused with the same message', async () => {
    const signaling = await server({});
    const username = `${Math.floor(Date.now() / 1000) - 60}:expired`;
    const credential = createHmac('sha1', turn.secret).update(username).digest('base64');
    const iceServers = `${turn.url} ${username} ${credential}`;
    await Promise.all([alice, bob].map((p) => configure(p, { signalingUrl: signaling.url, relayOnly: true, iceServers })));
    const host = await (await openPopup(alice)).start();
    const guest = await (await openPopup(bob)).join(await host.callId());
    await guest.endMessage().waitFor({ timeout: 20_000 });
    expect(await guest.endMessage().getAttribute('data-code')).toBe('turn-refused');
  }, 60_000);
});
