/**
 * A full mesh sends one copy of our video per person, so the uplink grows with the
 * room. This splits a fixed budget across the copies and lowers resolution to match,
 * so a bigger room degrades sharpness instead of stalling everyone's video.
 */
export const defaultUplinkBudgetKbps = 2_500;

export interface VideoCap {
  readonly maxBitrateBps: number;
  readonly scaleResolutionDownBy: number;
}

/** Bitrate floors for each downscale step, roughly what 720p, 480p and 360p need. */
const steps: readonly { minKbps: number; scale: number }[] = [
  { minKbps: 1_200, scale: 1 },
  { minKbps: 600, scale: 1.5 },
  { minKbps: 300, scale: 2 },
];

export function videoCapPerPeer(budgetKbps: number, peerCount: number): VideoCap {
  const perPeerKbps = budgetKbps / Math.max(1, peerCount);
  const scale = steps.find((step) => perPeerKbps >= step.minKbps)?.scale ?? 4;
  return { maxBitrateBps: Math.floor(perPeerKbps * 1000), scaleResolutionDownBy: scale };
}
