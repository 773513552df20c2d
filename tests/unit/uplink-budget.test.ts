// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { defaultUplinkBudgetKbps, fitCap, shownSize, videoCapPerPeer } from '../../lib/media/uplink-budget';

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

describe('sending no more pixels than the receiver shows', () => {
  const budget = { maxBitrateBps: 1_250_000, scaleResolutionDownBy: 1 };
  const hd = { width: 1280, height: 720 };

  it.each([
    { shown: { width: 1280, height: 720 }, scale: 1, why: 'a box as big as the camera takes it whole' },
    { shown: { width: 1920, height: 1080 }, scale: 1, why: 'a bigger box never asks us to upscale' },
    { shown: { width: 640, height: 352 }, scale: 2, why: 'half the width: half the resolution' },
    { shown: { width: 640, height: 640 }, scale: 1.13, why: 'a tall box crops the sides, so the height decides' },
    { shown: { width: 160, height: 90 }, scale: 8, why: 'a thumbnail gets the smallest copy' },
  ])('$why', ({ shown, scale }) => {
    expect(fitCap(budget, hd, shown)).toEqual({ maxBitrateBps: 1_250_000, scaleResolutionDownBy: scale });
  });

  it('keeps the budget when it already scales further, or when either size is unknown', () => {
    const tight = { maxBitrateBps: 300_000, scaleResolutionDownBy: 4 };
    expect(fitCap(tight, hd, { width: 1280, height: 720 })).toEqual(tight);
    expect(fitCap(budget, null, { width: 320, height: 180 })).toEqual(budget);
    expect(fitCap(budget, hd, null)).toEqual(budget);
  });

  it.each([
    { css: [620, 349], dpr: 1, size: { width: 640, height: 352 } },
    { css: [620, 349], dpr: 2, size: { width: 1248, height: 704 } },
    { css: [40, 20], dpr: 1, size: { width: 160, height: 90 } },
    { css: [100_000, 100_000], dpr: 1, size: { width: 7680, height: 4320 } },
  ])('a $css.0 x $css.1 box at $dpr x is reported as $size.width x $size.height', ({ css, dpr, size }) => {
    expect(shownSize(css[0]!, css[1]!, dpr)).toEqual(size);
  });

  it('a box not drawn at all is not reported', () => {
    expect(shownSize(0, 0, 1)).toBeNull();
    expect(shownSize(Number.NaN, 10, 1)).toBeNull();
  });
});
