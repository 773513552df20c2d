/**
 * Which layout the stage takes, and who is drawn large in it: the rules people know from
 * Meet. A pin wins; then a shared screen (the presenter layout); then speaker view; a call
 * of two puts the other person large and us in a corner; everyone else gets the gallery.
 */

export type StageLayoutName = 'gallery' | 'one-to-one' | 'focus' | 'presenter';

export interface StageChoice {
  readonly layout: StageLayoutName;
  /** The peer drawn large; null in the gallery and one-to-one. */
  readonly large: string | null;
}

export interface StageInputs {
  /** Everyone else on the stage, by peer ID, in order. */
  readonly others: readonly string[];
  /** Whom we pinned; ignored once they are gone. */
  readonly pinned: string | null;
  /** Who presents a shared screen (see presenterOf); ignored once they are gone. */
  readonly presenter: string | null;
  /** In speaker view, whoever speaks (or the first person); null in the gallery. */
  readonly speaker: string | null;
}

export function stageMode({ others, pinned, presenter, speaker }: StageInputs): StageChoice {
  const here = (peerId: string | null) => peerId !== null && others.includes(peerId);
  // With one other person they are large already: a pin or speaker view changes nothing.
  if (others.length > 1 && here(pinned)) return { layout: 'focus', large: pinned };
  // A screen needs the room: large even in a call of two, with us beside it, not over it.
  if (here(presenter)) return { layout: 'presenter', large: presenter };
  if (others.length > 1 && here(speaker)) return { layout: 'focus', large: speaker };
  if (others.length === 1) return { layout: 'one-to-one', large: null };
  return { layout: 'gallery', large: null };
}

/**
 * Who is presented when people share screens: the newest share, as in Meet, where starting
 * a share takes over from the one before. Ties go to the first in the call's order.
 */
export function presenterOf(people: readonly { readonly peerId: string; readonly sharingSinceMs: number | null }[]): string | null {
  let newest: { readonly peerId: string; readonly sharingSinceMs: number | null } | null = null;
  for (const person of people) {
    if (person.sharingSinceMs === null) continue;
    if (newest === null || person.sharingSinceMs > newest.sharingSinceMs!) newest = person;
  }
  return newest?.peerId ?? null;
}
