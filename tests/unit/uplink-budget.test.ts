// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { defaultUplinkBudgetKbps, videoCapPerPeer } from '../../lib/uplink-budget';

describe('splitting the uplink budget across the mesh', () => {
  it.each([
    { peers: 1, bitrate: 2_500_000, scale: 1 },
    { peers: 2, bitrate: 1_250_000, scale: 1 },
    { peers: 3, bitrate: 833_333, scale: 1.5 },
    { peers: 5, bitrate: 500_000, scale: 2 },
  ])('with $peers other people each copy gets $bitrate bps at 1/$scale resolution', ({ peers, bitrate, scale }) => {
    expect(videoCapPerPeer(defaultUplinkBudgetKbps, peers)).toEqual({ maxBitrateBps: bitrate, scaleResolutionDownBy: scale });
  });

  it('never sends more in total than the budget', () => {
    for (let peers = 1; peers <= 10; peers++) {
      expect(videoCapPerPeer(2_500, peers).maxBitrateBps * peers).toBeLessThanOrEqual(2_500_000);
    }
  });

  it('a tiny budget still sends something, at quarter resolution', () => {
    expect(videoCapPerPeer(500, 5)).toEqual({ maxBitrateBps: 100_000, scaleResolutionDownBy: 4 });
  });

  it('nobody to send to counts as one', () => {
    expect(videoCapPerPeer(2_500, 0)).toEqual(videoCapPerPeer(2_500, 1));
  });
});
