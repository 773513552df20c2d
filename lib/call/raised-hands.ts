/**
 * The raised hands, in the order they went up: what People lists and the tiles mark.
 * A hand goes down when its owner lowers it, when its owner has spoken for a while (they
 * had their turn), or when they leave.
 *
 * Each side applies `speaking` to its own hand only and then sends the lowered hand: a
 * receiver judging by what it hears could lower a hand the owner's screen still shows.
 */
export interface RaisedHand {
  readonly peerId: string;
  /** On the owner's clock, as the hand message carries it. */
  readonly raisedAtMs: number;
  /** Since when they have been speaking with the hand up, on our clock; null when not. */
  readonly speakingSinceMs: number | null;
}

export type RaisedHands = readonly RaisedHand[];

export const noRaisedHands: RaisedHands = [];
/** Speaking this long with the hand up lowers it: a word or a cough does not. */
export const lowerAfterSpeakingMs = 2_000;
/** A room lists at most this many members (lib/signaling/room-signaling.ts), so this bound is never reached honestly. */
export const maxRaisedHands = 64;

export type HandEvent =
  | { readonly type: 'raised'; readonly peerId: string; readonly raisedAtMs: number }
  | { readonly type: 'lowered'; readonly peerId: string }
  /** One speaking sample, fed every sample and not only on changes, so the time spoken adds up. */
  | { readonly type: 'speaking'; readonly peerId: string; readonly speaking: boolean; readonly atMs: number }
  | { readonly type: 'left'; readonly peerId: string };

// The peer ID breaks ties, so two hands raised in the same millisecond are in the same order on every screen.
const earlier = (a: RaisedHand, b: RaisedHand): number => a.raisedAtMs - b.raisedAtMs || (a.peerId < b.peerId ? -1 : a.peerId > b.peerId ? 1 : 0);

function without(hands: RaisedHands, peerId: string): RaisedHands {
  return hands.some((h) => h.peerId === peerId) ? hands.filter((h) => h.peerId !== peerId) : hands;
}

/** The next hands; the same array when nothing changed, so nothing re-renders. */
export function nextHands(hands: RaisedHands, event: HandEvent): RaisedHands {
  switch (event.type) {
    case 'raised': {
      const current = hands.find((h) => h.peerId === event.peerId);
      // Sent again to a new connection, the same raise keeps the time already spoken.
      if (current?.raisedAtMs === event.raisedAtMs) return hands;
      const others = without(hands, event.peerId);
      if (others.length >= maxRaisedHands) return hands;
      return [...others, { peerId: event.peerId, raisedAtMs: event.raisedAtMs, speakingSinceMs: null }].sort(earlier);
    }
    case 'lowered':
    case 'left':
      return without(hands, event.peerId);
    case 'speaking': {
      const current = hands.find((h) => h.peerId === event.peerId);
      if (!current) return hands;
      if (!event.speaking) return current.speakingSinceMs === null ? hands : hands.map((h) => (h === current ? { ...h, speakingSinceMs: null } : h));
      const sinceMs = current.speakingSinceMs ?? event.atMs;
      if (event.atMs - sinceMs >= lowerAfterSpeakingMs) return without(hands, event.peerId);
      return sinceMs === current.speakingSinceMs ? hands : hands.map((h) => (h === current ? { ...h, speakingSinceMs: sinceMs } : h));
    }
  }
}
