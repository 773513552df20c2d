/**
 * The raised hands as this screen shows them, and our own hand: raising and lowering it,
 * lowering it once we have spoken long enough, and telling the others within the hand
 * sending limit. Order and bounds are raised-hands.ts's; this keeps the clock and the timers.
 */
import { computed, signal } from '@preact/signals-core';
import { nextHands, noRaisedHands, type RaisedHands, lowerAfterSpeakingMs } from './raised-hands';
import { fullBucket, handSendLimit, take } from './reaction-limit';
import type { RoomMessage } from './room-protocol';

type HandMessage = Extract<RoomMessage, { type: 'hand' }>;

export interface HandQueueHooks {
  sendToAll(message: HandMessage): void;
  /** Our ID on the server: it breaks ties between hands alike on every screen. */
  localId(): string | null;
  /** Whether our microphone carries speech right now. */
  speaking(): boolean;
}

export class HandQueue {
  /** Whether our own hand is up. */
  readonly raised = signal(false);
  readonly #hands = signal<RaisedHands>(noRaisedHands);
  /** Our entry's key in the list while our hand is up. */
  readonly #ownKey = signal<string | null>(null);
  /** Who has a hand up, in the order they went up: a peer ID, or null for us. */
  readonly queue = computed(() => this.#hands.value.map((hand) => (hand.peerId === this.#ownKey.value ? null : hand.peerId)));
  readonly #hooks: HandQueueHooks;
  #raisedAtMs = 0;
  /** Counts our changes; a state is sent under the seq it got, however often it is sent. */
  #seq = 0;
  #sentSeq = 0;
  #bucket = fullBucket;
  #sendTimer: ReturnType<typeof setTimeout> | undefined;
  #speechTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(hooks: HandQueueHooks) {
    this.#hooks = hooks;
  }

  setRaised(up: boolean): void {
    if (up === this.raised.peek()) return;
    const key = this.#ownKey.peek() ?? this.#hooks.localId() ?? '';
    const nowMs = Date.now();
    this.#hands.value = nextHands(this.#hands.peek(), up ? { type: 'raised', peerId: key, raisedAtMs: nowMs } : { type: 'lowered', peerId: key });
    this.#ownKey.value = up ? key : null;
    this.#raisedAtMs = nowMs;
    this.raised.value = up;
    this.#seq += 1;
    this.#flush();
    // Raised mid-sentence: the count starts now, as no change of speaking will tell us.
    if (up) this.heardOurselves(this.#hooks.speaking());
  }

  /** A change in whether we are speaking; our hand comes down after `lowerAfterSpeakingMs` of it. */
  heardOurselves(speaking: boolean): void {
    clearTimeout(this.#speechTimer);
    const key = this.#ownKey.peek();
    if (key === null) return;
    const nowMs = Date.now();
    this.#hands.value = nextHands(this.#hands.peek(), { type: 'speaking', peerId: key, speaking, atMs: nowMs });
    const mine = this.#hands.peek().find((hand) => hand.peerId === key);
    if (!mine) return this.setRaised(false);
    // The signal says nothing while we go on speaking: look again when the time is up.
    if (mine.speakingSinceMs !== null) this.#speechTimer = setTimeout(() => this.heardOurselves(true), mine.speakingSinceMs + lowerAfterSpeakingMs - nowMs);
  }

  /** Someone's hand message, already ordered by its seq and within the receive limit. */
  heard(peerId: string, raisedAtMs: number | null): void {
    this.#hands.value = nextHands(this.#hands.peek(), raisedAtMs === null ? { type: 'lowered', peerId } : { type: 'raised', peerId, raisedAtMs });
  }

  left(peerId: string): void {
    this.#hands.value = nextHands(this.#hands.peek(), { type: 'left', peerId });
  }

  /** What a new connection is told: our hand, if it ever moved, so a late joiner sees it up. */
  greeting(): HandMessage[] {
    return this.#seq > 0 ? [this.#message()] : [];
  }

  dispose(): void {
    clearTimeout(this.#sendTimer);
    clearTimeout(this.#speechTimer);
  }

  /** Sends the latest state, or, over the limit, once a token is back: a change is late, never lost. */
  #flush(): void {
    if (this.#sentSeq === this.#seq || this.#sendTimer !== undefined) return;
    const taken = take(this.#bucket, Date.now(), handSendLimit);
    if (!taken.allowed) {
      this.#sendTimer = setTimeout(() => {
        this.#sendTimer = undefined;
        this.#flush();
      }, taken.waitMs);
      return;
    }
    this.#bucket = taken.bucket;
    this.#sentSeq = this.#seq;
    this.#hooks.sendToAll(this.#message());
  }

  #message(): HandMessage {
    return this.raised.peek() ? { v: 1, type: 'hand', seq: this.#seq, raised: true, raisedAtMs: this.#raisedAtMs } : { v: 1, type: 'hand', seq: this.#seq, raised: false };
  }
}
