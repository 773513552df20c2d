/** The chat as shown: one entry per message, in the order they were written. */
export interface ChatEntry {
  readonly kind: 'chat';
  readonly id: string;
  readonly from: string;
  readonly mine: boolean;
  readonly text: string;
  readonly sentAtMs: number;
}

/** Older messages scroll away past this many, so a chatty call cannot grow the tab without bound. */
export const maxChatEntries = 500;

/**
 * Adds a message. The data channel is unordered, so entries are kept sorted by send
 * time, and a message that arrives twice (same ID) is kept once.
 */
export function withChatEntry(entries: readonly ChatEntry[], entry: ChatEntry): readonly ChatEntry[] {
  if (entries.some((e) => e.id === entry.id)) return entries;
  return [...entries, entry].sort((a, b) => a.sentAtMs - b.sentAtMs).slice(-maxChatEntries);
}

/**
 * Messages from others that came after the last one the person saw (its ID; null when they
 * never opened the chat). Counted by ID rather than by position, since old messages scroll
 * away; if the last seen one has scrolled away too, everything still shown is older or newer
 * by its send time.
 */
export function unreadChatCount(entries: readonly ChatEntry[], lastSeen: { id: string; sentAtMs: number } | null): number {
  if (lastSeen === null) return entries.filter((entry) => !entry.mine).length;
  const index = entries.findIndex((entry) => entry.id === lastSeen.id);
  const after = index === -1 ? entries.filter((entry) => entry.sentAtMs > lastSeen.sentAtMs) : entries.slice(index + 1);
  return after.filter((entry) => !entry.mine).length;
}
