import { describe, expect, it } from 'vitest';
import { maxSpareTryMs, minSpareTryMs, parseSpareTicket, refusedOnlyTheTicket, spareTryTimeoutMs } from '../../lib/signaling/spare-ticket';

describe('the server\'s TICKET answer', () => {
  it('reads a ticket and its expiry', () => {
    expect(parseSpareTicket({ type: 'TICKET', payload: { ticket: 't1.123.abc.def.ghi', expiresAtMs: 123_000 } })).toEqual({ ticket: 't1.123.abc.def.ghi', expiresAtMs: 123_000 });
  });

  it.each([
    ['null', null],
    ['a string', 'TICKET'],
    ['another type', { type: 'OPEN', payload: { ticket: 'x', expiresAtMs: 1 } }],
    ['no payload', { type: 'TICKET' }],
    ['a null payload', { type: 'TICKET', payload: null }],
    ['a number as ticket', { type: 'TICKET', payload: { ticket: 5, expiresAtMs: 1 } }],
    ['an empty ticket', { type: 'TICKET', payload: { ticket: '', expiresAtMs: 1 } }],
    ['a ticket that would break a URL', { type: 'TICKET', payload: { ticket: 'a&id=victim', expiresAtMs: 1 } }],
    ['an overlong ticket', { type: 'TICKET', payload: { ticket: 'a'.repeat(257), expiresAtMs: 1 } }],
    ['no expiry', { type: 'TICKET', payload: { ticket: 'abc' } }],
    ['an infinite expiry', { type: 'TICKET', payload: { ticket: 'abc', expiresAtMs: Infinity } }],
    ['an expiry as text', { type: 'TICKET', payload: { ticket: 'abc', expiresAtMs: '1' } }],
  ])('ignores %s', (_name, message) => {
    expect(parseSpareTicket(message)).toBeNull();
  });
});

describe('a server refusal that only a fresh ticket needs', () => {
  it.each([
    ['ticket-used: a ticket is good for one connection; ask POST /ticket for a fresh one', true],
    ['ticket-expired: ask POST /ticket for a fresh one', true],
    ['ticket-invalid: get a session from POST /session first', false],
    ['bad-request: id repeated; connect as a PeerJS client does', false],
    ['server-busy: try again shortly', false],
    ['the peer said ticket-used: but not at the start', false],
    ['', false],
  ])('%s → %s', (message, freshTicketWouldDo) => {
    expect(refusedOnlyTheTicket(message)).toBe(freshTicketWouldDo);
  });
});

describe('how long a try with the spare may hang', () => {
  it.each([
    { name: 'before any connect was timed: a second', lastOpenMs: null, timeoutMs: maxSpareTryMs },
    { name: 'after a quick connect: the floor', lastOpenMs: 20, timeoutMs: minSpareTryMs },
    { name: 'after an instant one: the floor', lastOpenMs: 0, timeoutMs: minSpareTryMs },
    { name: 'four times a middling connect', lastOpenMs: 150, timeoutMs: 600 },
    { name: 'after a slow connect: a second at most', lastOpenMs: 900, timeoutMs: maxSpareTryMs },
    { name: 'a clock that went back counts as instant', lastOpenMs: -50, timeoutMs: minSpareTryMs },
    { name: 'garbage: a second', lastOpenMs: Number.NaN, timeoutMs: maxSpareTryMs },
  ])('$name', ({ lastOpenMs, timeoutMs }) => {
    expect(spareTryTimeoutMs(lastOpenMs)).toBe(timeoutMs);
  });
});
