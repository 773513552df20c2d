/**
 * The reactions floating over the tiles right now: each shows for a moment and is gone.
 * Pure, so the bounds are table-tested; reaction-feed.ts keeps the clock.
 */
import type { Reaction } from './room-protocol';

export interface FloatingReaction {
  /** Unique on this screen, so a tile keys its animations and a test can count them. */
  readonly id: number;
  /** Who sent it; null for our own. */
  readonly from: string | null;
  readonly reaction: Reaction;
  readonly atMs: number;
}

export type FloatingReactions = readonly FloatingReaction[];

/** How long one floats before it is gone; the CSS animation lasts as long. */
export const reactionShownMs = 4_000;
/** A person's newest ones win: as many as the receive limit lets through in one burst. */
export const maxFloatingPerPerson = 10;
/** Over every tile together: a full room clapping at once stays drawable. */
export const maxFloatingReactions = 60;

/** With `added`, the oldest of a person (then of all) dropped past the bounds. */
export function withFloating(list: FloatingReactions, added: FloatingReaction): FloatingReactions {
  let next = [...list, added];
  const theirs = next.filter((r) => r.from === added.from);
  if (theirs.length > maxFloatingPerPerson) next = next.filter((r) => r !== theirs[0]);
  return next.length > maxFloatingReactions ? next.slice(next.length - maxFloatingReactions) : next;
}

/** Those still showing at `nowMs`; the same list when none expired, so nothing re-renders. */
export function unexpired(list: FloatingReactions, nowMs: number): FloatingReactions {
  const kept = list.filter((r) => nowMs - r.atMs < reactionShownMs);
  return kept.length === list.length ? list : kept;
}

/** A person who left takes their reactions along. */
export function withoutPerson(list: FloatingReactions, peerId: string): FloatingReactions {
  return list.some((r) => r.from === peerId) ? list.filter((r) => r.from !== peerId) : list;
}
