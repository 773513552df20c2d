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

/** Pixels on one side: of what we capture, or of the box a receiver shows us in. */
export interface PixelSize {
  readonly width: number;
  readonly height: number;
}

/** Smallest and largest box a receiver may ask for, and the step its requests are rounded up to. */
export const minShownSize: PixelSize = { width: 160, height: 90 };
export const maxShownSize: PixelSize = { width: 7680, height: 4320 };
const shownStepPx = 32;
/** Beyond this the picture is a smudge anyway; a receiver asking for less gets this. */
const maxScaleDownBy = 8;

/**
 * What a receiver tells us about the box it draws our video in (device pixels), rounded
 * up to a step so a window dragged by a pixel does not reconfigure anyone's encoder.
 */
export function shownSize(cssWidth: number, cssHeight: number, devicePixelRatio: number): PixelSize | null {
  if (!(cssWidth > 0 && cssHeight > 0 && devicePixelRatio > 0)) return null;
  const step = (px: number, min: number, max: number) => Math.min(max, Math.max(min, Math.ceil(px / shownStepPx) * shownStepPx));
  return {
    width: step(cssWidth * devicePixelRatio, minShownSize.width, maxShownSize.width),
    height: step(cssHeight * devicePixelRatio, minShownSize.height, maxShownSize.height),
  };
}

/**
 * The cap for one copy of our video: the budget's, and no more pixels than the receiver
 * shows. Its tile covers its box (object-fit: cover), so the picture needs a source pixel
 * per screen pixel along the tighter side only. A mesh encodes once per person, so
 * pixels nobody sees are CPU taken from everything else the call does.
 */
export function fitCap(budget: VideoCap, source: PixelSize | null, shown: PixelSize | null): VideoCap {
  if (!source || !shown || source.width <= 0 || source.height <= 0) return budget;
  const fit = Math.min(source.width / shown.width, source.height / shown.height);
  const scale = Math.min(maxScaleDownBy, Math.max(budget.scaleResolutionDownBy, fit, 1));
  return { maxBitrateBps: budget.maxBitrateBps, scaleResolutionDownBy: Math.round(scale * 100) / 100 };
}
