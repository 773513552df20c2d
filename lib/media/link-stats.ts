/**
 * What the peer connections' statistics say, sampled a few times a second: who is
 * speaking (each person, and us) and, once a second, how each connection is doing.
 * One getStats report per connection serves both.
 */
import { signal } from '@preact/signals-core';
import type { PeerLink } from '../call/peer-link';
import { audioLevels, nextSpeaking, notSpeaking, type SpeakingState } from './speaking';

/** Quality is measured on every this-many-th sample: once a second at four samples a second. */
const qualitySampleEvery = 4;

export class LinkStats {
  /** Whether our own microphone currently carries speech, as the others would hear it. */
  readonly speaking = signal(false);
  #ownSpeech: SpeakingState = notSpeaking;
  #sampling = false;
  #samples = 0;

  /**
   * Samples every link once; resolves to whether anything shown about a person changed.
   * `isCurrent` drops links that left while the reports were being fetched.
   */
  async sample(links: readonly PeerLink[], isCurrent: (link: PeerLink) => boolean, micMuted: boolean): Promise<boolean> {
    if (this.#sampling) return false;
    this.#sampling = true;
    try {
      const reports = await Promise.all(links.map((link) => link.remote.peerConnection.getStats().catch(() => null)));
      const now = Date.now();
      const measureQuality = this.#samples++ % qualitySampleEvery === 0;
      let changed = measureQuality && links.length > 0;
      let sent: number | null = null;
      links.forEach((link, i) => {
        const report = reports[i];
        if (!report || !isCurrent(link)) return;
        const stats = [...report.values()] as Record<string, unknown>[];
        const levels = audioLevels(stats);
        sent = sent ?? levels.sent;
        changed = link.hearLevel(levels.received, now) || changed;
        if (measureQuality) link.measureQuality(stats, now);
      });
      this.#ownSpeech = nextSpeaking(this.#ownSpeech, micMuted ? 0 : sent, now);
      this.speaking.value = this.#ownSpeech.speaking;
      return changed;
    } finally {
      this.#sampling = false;
    }
  }
}
