/**
 * Our side of the reactions: whether we may send one now (the sending limit), and the
 * ones floating over the tiles, ours and everyone's, each gone after `reactionShownMs`.
 */
import { signal } from '@preact/signals-core';
import { type FloatingReactions, reactionShownMs, unexpired, withFloating, withoutPerson } from './floating-reactions';
import { fullBucket, reactionSendLimit, take } from './reaction-limit';
import type { Reaction } from './room-protocol';

export class ReactionFeed {
  readonly floating = signal<FloatingReactions>([]);
  #bucket = fullBucket;
  #nextId = 1;
  #sweep: ReturnType<typeof setTimeout> | undefined;

  /** Takes a token of the sending limit; on true the reaction floats over our tile and may go out. */
  trySend(reaction: Reaction, nowMs: number): boolean {
    const taken = take(this.#bucket, nowMs, reactionSendLimit);
    if (!taken.allowed) return false;
    this.#bucket = taken.bucket;
    this.show(null, reaction, nowMs);
    return true;
  }

  /** Floats a reaction over `from`'s tile (null: ours); the receive limit was applied by their link. */
  show(from: string | null, reaction: Reaction, nowMs: number): void {
    this.floating.value = withFloating(this.floating.peek(), { id: this.#nextId++, from, reaction, atMs: nowMs });
    this.#scheduleSweep(nowMs);
  }

  forget(peerId: string): void {
    this.floating.value = withoutPerson(this.floating.peek(), peerId);
  }

  dispose(): void {
    clearTimeout(this.#sweep);
    this.#sweep = undefined;
    this.floating.value = [];
  }

  /** One timer, for the oldest one showing: a burst of reactions does not start a burst of timers. */
  #scheduleSweep(nowMs: number): void {
    const oldest = this.floating.peek()[0];
    if (this.#sweep !== undefined || !oldest) return;
    this.#sweep = setTimeout(
      () => {
        this.#sweep = undefined;
        const now = Date.now();
        this.floating.value = unexpired(this.floating.peek(), now);
        this.#scheduleSweep(now);
      },
      Math.max(0, oldest.atMs + reactionShownMs - nowMs),
    );
  }
}
