/**
 * `npm run demo` as CI runs it, headless: the demo's own steps leave its two profiles in one
 * call, the second having asked to join through the first's invite and been admitted, each
 * receiving the other's moving video.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../signaling/config';
import { type Demo, demoNames, startDemo } from '../../scripts/demo-call';
import { remoteVideoProgress } from './support/media-probes';

let demo: Demo;

beforeAll(async () => {
  demo = await startDemo(parseConfig({ PEERCALL_PORT: '0' }, []), { headed: false });
}, 90_000);

afterAll(async () => {
  await demo?.close();
});

describe('the demo', () => {
  it('puts both profiles in one call, the second through the invite the first copied', async () => {
    const [host, guest] = demo.people;
    const callId = await host.call.callId();
    expect(demo.invite).toContain(`${new URL(demo.server.url).origin}/join#${callId}`);
    expect(await guest.call.callId()).toBe(callId);
    await expect.poll(() => host.call.tileLabels(), { timeout: 5_000 }).toEqual([demoNames[1]]);
    await expect.poll(() => guest.call.tileLabels(), { timeout: 5_000 }).toEqual([demoNames[0]]);
    expect(demo.server.peerCount()).toBe(2);
  });

  it("shows the door as a new install has it: the first's call asks before letting anyone in, and no request is left waiting", async () => {
    const [host] = demo.people;
    expect((await host.call.door()).policy).toBe('ask');
    expect(await host.call.joinRequests()).toEqual([]);
  });

  it('ends with both profiles receiving moving video from each other', async () => {
    const received = await Promise.all(demo.people.map(({ call }) => remoteVideoProgress(call.page, 1_000)));
    for (const video of received) {
      expect(video.width).toBeGreaterThan(0);
      expect(video.frames).toBeGreaterThan(5);
    }
  });
});
