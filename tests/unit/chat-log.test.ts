// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { type ChatEntry, maxChatEntries, unreadChatCount, withChatEntry } from '../../lib/call/chat-log';

const entry = (id: string, sentAtMs: number): ChatEntry => ({ kind: 'chat', id, from: 'Ana', mine: false, text: id, sentAtMs });

describe('the chat log', () => {
  it('shows messages in the order they were written, whatever order they arrive in', () => {
    const log = [entry('b', 2), entry('a', 1), entry('c', 3)].reduce<readonly ChatEntry[]>(withChatEntry, []);
    expect(log.map((e) => e.id)).toEqual(['a', 'b', 'c']);
  });

  it('keeps a message that arrives twice once', () => {
    const once = withChatEntry([], entry('a', 1));
    expect(withChatEntry(once, entry('a', 1))).toBe(once);
  });

  it('lets the oldest scroll away past the limit', () => {
    let log: readonly ChatEntry[] = [];
    for (let i = 0; i <= maxChatEntries; i++) log = withChatEntry(log, entry(`m${i}`, i));
    expect(log).toHaveLength(maxChatEntries);
    expect(log[0]?.id).toBe('m1');
  });
});

describe('unread chat', () => {
  const entry = (id: string, sentAtMs: number, mine = false) => ({ kind: 'chat' as const, id, from: mine ? 'me' : 'Ann', mine, text: id, sentAtMs });
  const entries = [entry('a', 1), entry('b', 2, true), entry('c', 3), entry('d', 4)];

  it.each([
    ['never opened: every message from others', null, 3],
    ['seen up to the first', { id: 'a', sentAtMs: 1 }, 2],
    ['seen up to our own message', { id: 'b', sentAtMs: 2 }, 2],
    ['seen all', { id: 'd', sentAtMs: 4 }, 0],
    ['the last seen one scrolled away, older than all shown', { id: 'gone', sentAtMs: 0 }, 3],
    ['the last seen one scrolled away, between shown ones', { id: 'gone', sentAtMs: 3.5 }, 1],
  ])('%s → %d', (_name, lastSeen, count) => {
    expect(unreadChatCount(entries, lastSeen)).toBe(count);
  });

  it('counts none of our own messages', () => {
    expect(unreadChatCount([entry('x', 1, true), entry('y', 2, true)], null)).toBe(0);
  });
});
