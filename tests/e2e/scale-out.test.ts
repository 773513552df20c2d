/**
 * Two signaling nodes sharing a real redis-server are one service: a person on one
 * node calls a person on the other, and video flows both ways.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../signaling/config';
import { type RunningSignalingServer, startSignalingServer } from '../../signaling/server';
import { startRedis, type RunningRedis } from '../support/redis-server';
import { launchProfile, type Profile } from './support/browser';
import { remoteVideoProgress } from './support/media-probes';
import { configure, openPopup } from './support/pages';

let redis: RunningRedis;
let nodes: RunningSignalingServer[] = [];
let alice: Profile;
let bob: Profile;

beforeAll(async () => {
  redis = await startRedis();
  const env = { PEERCALL_PORT: '0', REDIS_URL: redis.url, PEERCALL_TOKEN_SECRET: randomBytes(32).toString('base64url') };
  nodes = await Promise.all([startSignalingServer(parseConfig(env, [])), startSignalingServer(parseConfig(env, []))]);
  [alice, bob] = await Promise.all([launchProfile(), launchProfile()]);
  await configure(alice, { signalingUrl: nodes[0]!.url });
  await configure(bob, { signalingUrl: nodes[1]!.url });
});

afterAll(async () => {
  await Promise.all([alice?.close(), bob?.close()]);
  await Promise.all(nodes.map((node) => node.close()));
  await redis?.stop();
});

describe('a call across two signaling nodes', () => {
  it('the person on node B joins the call started on node A, and both see moving video', async () => {
    const host = await (await openPopup(alice, { name: 'Alice' })).start();
    const guest = await (await openPopup(bob, { name: 'Bob' })).join(await host.callId());
    await Promise.all([guest.waitForState('in-call'), host.waitForState('in-call')]);
    expect([nodes[0]!.peerCount(), nodes[1]!.peerCount()]).toEqual([1, 1]);
    expect(await nodes[1]!.roomCount()).toBe(1);
    for (const side of [host, guest]) {
      const progress = await remoteVideoProgress(side.page, 1_000);
      expect(progress.width).toBeGreaterThan(0);
      expect(progress.frames).toBeGreaterThan(5);
    }
    // Names travel on the data channel, apart from the media: wait for Alice's to arrive.
    await expect.poll(() => guest.tileLabels(), { timeout: 5_000 }).toEqual(['Alice']);
  });
});
