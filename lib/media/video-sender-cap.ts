/**
 * How much of our video one person gets: their share of the uplink budget, and no more
 * pixels than they show. Both change at any time (people arrive, windows resize, the
 * camera or a shared screen takes over), and a peer may send sizes as fast as it likes,
 * so changes are coalesced and applied one setParameters at a time.
 */
import { fitCap, type PixelSize, type VideoCap } from './uplink-budget';

/** A hostile or jittery peer cannot make us reconfigure the encoder more often than this. */
export const minCapIntervalMs = 500;
/**
 * A fresh picture is asked of the encoder by changing the size it encodes at by this
 * factor (fewer pixels, never more than the cap): a new size starts with a keyframe.
 */
export const freshPictureScale = 1.02;

/** The part of RTCRtpSender this needs, so the rules can be tested without a browser. */
export interface CappableSender {
  readonly track: Pick<MediaStreamTrack, 'getSettings'> | null;
  getParameters(): RTCRtpSendParameters;
  setParameters(parameters: RTCRtpSendParameters): Promise<void>;
}

export class VideoSenderCap {
  readonly #sender: CappableSender;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #now: () => number;
  /** When the encoder last started over; the next change waits `minCapIntervalMs` from then. */
  #changedAtMs: number;
  #budget: VideoCap | null = null;
  #shown: PixelSize | null = null;
  #dirty = false;
  #freshPicture = false;
  #running: Promise<void> | null = null;

  constructor(sender: CappableSender, sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)), now: () => number = Date.now) {
    this.#sender = sender;
    this.#sleep = sleep;
    this.#now = now;
    // The encoder starts with a keyframe when the connection comes up, about when a link is
    // made; a cap applied in the same moment reconfigures it while that first picture is on
    // its way. So the start counts as a change, and the first cap waits its interval too.
    this.#changedAtMs = now();
  }

  /** Our share of the uplink for this person. */
  setBudget(budget: VideoCap): Promise<void> {
    this.#budget = budget;
    return this.#apply();
  }

  /** The box they draw us in, as they told us. */
  setShown(size: PixelSize): Promise<void> {
    this.#shown = size;
    return this.#apply();
  }

  /** The sender's track changed (camera, screen): its size may have too. */
  sourceChanged(): Promise<void> {
    return this.#apply();
  }

  /**
   * Makes the encoder start over with a keyframe. After a gap (an outage, a new path), the
   * receiver asks for one with a PLI, but the PLI it sends while the path is still down is
   * lost, and libwebrtc asks again only after 3 s without a decodable frame: video would stay
   * frozen that long after the network is back. Browsers offer no call to send a keyframe, but
   * every change of encoded size begins with one, so this toggles the size by 2 %.
   */
  freshPicture(): Promise<void> {
    // Nothing is encoded under a cap yet; the first cap starts with a keyframe anyway.
    if (!this.#budget) return Promise.resolve();
    this.#freshPicture = true;
    return this.#apply();
  }

  #apply(): Promise<void> {
    this.#dirty = true;
    this.#running ??= this.#drain().finally(() => (this.#running = null));
    return this.#running;
  }

  /**
   * One change per `minCapIntervalMs`, counted from the last change that went through, not
   * only while one is in flight: sizes that come one by one (a peer's stage settling as the
   * call starts, or a peer sending them on purpose) would otherwise each reconfigure the
   * encoder at once. Every new size starts with a keyframe, and reconfiguring while the call's
   * first keyframe was on its way delayed the first picture by ~70 ms (`npm run bench`).
   */
  async #drain(): Promise<void> {
    while (this.#dirty) {
      const waitMs = this.#changedAtMs + minCapIntervalMs - this.#now();
      if (waitMs > 0) await this.#sleep(waitMs);
      this.#dirty = false;
      if (await this.#set()) this.#changedAtMs = this.#now();
    }
  }

  /** Applies the cap; false when there was nothing to change. */
  async #set(): Promise<boolean> {
    if (!this.#budget) return false;
    const settings = this.#sender.track?.getSettings();
    const source = settings?.width && settings.height ? { width: settings.width, height: settings.height } : null;
    const cap = fitCap(this.#budget, source, this.#shown);
    const parameters = this.#sender.getParameters();
    // No encodings until negotiation made them; the next change applies the cap.
    if (parameters.encodings.length === 0) return false;
    let scale = cap.scaleResolutionDownBy;
    if (this.#freshPicture) {
      this.#freshPicture = false;
      // Off the cap's exact size (a previous fresh picture), back to it is a change of size too.
      const atCap = parameters.encodings.every((e) => (e.scaleResolutionDownBy ?? 1) === scale);
      if (atCap) scale *= freshPictureScale;
    }
    const same = parameters.encodings.every((e) => e.maxBitrate === cap.maxBitrateBps && (e.scaleResolutionDownBy ?? 1) === scale);
    if (same) return false;
    parameters.encodings = parameters.encodings.map((encoding) => ({
      ...encoding,
      maxBitrate: cap.maxBitrateBps,
      scaleResolutionDownBy: scale,
    }));
    await this.#sender.setParameters(parameters);
    return true;
  }
}
