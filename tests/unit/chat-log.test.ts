// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { type ChatEntry, maxChatEntries, withChatEntry } from '../../lib/call/chat-log';

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
