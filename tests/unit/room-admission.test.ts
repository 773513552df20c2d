// @vitest-environment node
/** The room's door as a pure transition: who gets in, who waits, and what each party is told. */
import { describe, expect, it } from 'vitest';
import { checkPass, issuePass, maxPassChars, passPattern, passTtlMs, type PassCheck } from '../../signaling/admission-pass.js';
import {
  type DoorEvent,
  type DoorStep,
  doorView,
  type JoinRequest,
  maxJoinNameChars,
  maxRememberedPeers,
  maxWaitingPerRoom,
  newDoor,
  parseJoinName,
  type RoomDoor,
  step,
} from '../../signaling/room-admission.js';

const nowMs = 1_000_000;
const asks = (peer: string, request = `req-${peer}`.padEnd(16, 'x'), expiresAtMs = nowMs + 60_000): JoinRequest => ({ request, peer, name: `Name of ${peer}`, expiresAtMs });
const door = (over: Partial<RoomDoor> = {}): RoomDoor => ({ policy: 'ask', admitted: ['host'], denied: [], waiting: [], ...over });
const knock = (peer: string, passed = false): DoorEvent => ({ type: 'knock', asking: asks(peer), nowMs, passed });
const eve = asks('eve');

/** What one step told: each newcomer's word, the members' news, and an error to the asker. */
const told = (result: DoorStep) => ({ newcomers: result.newcomers, members: result.members, error: result.error });

describe('the door a room is created with', () => {
  it.each([
    ['open', null],
    ['ask', { policy: 'ask', admitted: ['host'], denied: [], waiting: [] }],
    ['locked', { policy: 'locked', admitted: ['host'], denied: [], waiting: [] }],
  ] as const)('%s: %j', (policy, expected) => {
    expect(newDoor(policy, 'host')).toEqual(expected);
  });
});

describe('a newcomer knocks', () => {
  it.each<[string, RoomDoor | null, string, DoorStep['newcomers'][number]['hears'], boolean?]>([
    ['a room without a door lets anyone in, as rooms always did', null, 'eve', 'enter'],
    ['an open door lets anyone in', door({ policy: 'open' }), 'eve', 'enter'],
    ['a door that asks makes a stranger wait', door(), 'eve', 'waiting'],
    ['a door that asks lets back in one let in before', door({ admitted: ['host', 'eve'] }), 'eve', 'enter'],
    ['a locked door refuses a stranger', door({ policy: 'locked' }), 'eve', 'room-locked'],
    ['a locked door lets back in a member whose network dropped', door({ policy: 'locked', admitted: ['host', 'eve'] }), 'eve', 'enter'],
    ['one denied before is refused at once, without asking the members', door({ denied: ['eve'] }), 'eve', 'join-denied'],
    ['one denied before is refused even when the door is open now', door({ policy: 'open', denied: ['eve'] }), 'eve', 'join-denied'],
    ['a full waiting line refuses one more', door({ waiting: Array.from({ length: maxWaitingPerRoom }, (_, i) => asks(`w${i}`)) }), 'eve', 'waiting-full'],
    ['with a pass, a door that asks lets in one it does not remember (the room was opened again)', door(), 'eve', 'enter', true],
    ['with a pass, a locked door lets in one it does not remember', door({ policy: 'locked' }), 'eve', 'enter', true],
    ['with a pass, a full waiting line is no obstacle: one let in before does not wait', door({ waiting: Array.from({ length: maxWaitingPerRoom }, (_, i) => asks(`w${i}`)) }), 'eve', 'enter', true],
    ['with a pass, a room without a door lets it in as it lets anyone', null, 'eve', 'enter', true],
    ['a pass does not outweigh a denial this door heard, which is newer', door({ denied: ['eve'] }), 'eve', 'join-denied', true],
  ])('%s', (_name, before, peer, hears, passed = false) => {
    expect(step(before, knock(peer, passed)).newcomers).toEqual([{ peer, hears }]);
  });

  it('one let in on its pass is remembered, and the members are told of no request', () => {
    const result = step(door({ policy: 'locked' }), knock('eve', true));
    expect(result.door).toEqual(door({ policy: 'locked', admitted: ['host', 'eve'] }));
    expect(result.members).toEqual([]);
    expect(step(result.door, knock('eve')).newcomers).toEqual([{ peer: 'eve', hears: 'enter' }]);
  });

  it('one waiting that then shows its pass is let in, and its request ends as admitted', () => {
    const result = step(door({ waiting: [eve, asks('fay')] }), { type: 'knock', asking: asks('eve', 'another-handle-00'), nowMs, passed: true });
    expect(told(result)).toEqual({ newcomers: [{ peer: 'eve', hears: 'enter' }], members: [{ kind: 'join-request-ended', request: eve.request, why: 'admitted' }], error: null });
    expect(result.door?.waiting).toEqual([asks('fay')]);
  });

  it('the members are shown a fresh request by name and handle, never by peer ID', () => {
    const result = step(door(), { type: 'knock', asking: eve, nowMs, passed: false });
    expect(result.door?.waiting).toEqual([eve]);
    expect(result.members).toEqual([{ kind: 'join-request', request: eve.request, name: eve.name }]);
    expect(JSON.stringify(result.members)).not.toContain('"eve"');
  });

  it('knocking again while waiting keeps the first request and does not ask the members twice', () => {
    const waiting = door({ waiting: [eve] });
    const again = step(waiting, { type: 'knock', asking: asks('eve', 'another-handle-00'), nowMs, passed: false });
    expect(again.door).toBe(waiting);
    expect(told(again)).toEqual({ newcomers: [{ peer: 'eve', hears: 'waiting' }], members: [], error: null });
  });

  it('requests past their expiry that nobody withdrew give up their place in a full line', () => {
    const stale = Array.from({ length: maxWaitingPerRoom }, (_, i) => asks(`w${i}`, undefined, nowMs - 1));
    const result = step(door({ waiting: stale }), knock('eve'));
    expect(result.newcomers).toEqual([{ peer: 'eve', hears: 'waiting' }]);
    expect(result.door?.waiting.map((w) => w.peer)).toEqual(['eve']);
  });

  it('one let in through an open door is remembered, so locking later does not shut it out', () => {
    const opened = step(door({ policy: 'open' }), knock('eve')).door;
    const locked = step(opened, { type: 'set-policy', policy: 'locked', members: ['host'] }).door;
    expect(step(locked, knock('eve')).newcomers).toEqual([{ peer: 'eve', hears: 'enter' }]);
  });
});

describe('the pass a peer let in is given', () => {
  const secret = Buffer.from('0123456789abcdef0123456789abcdef');
  const tag = 'room-tag-of-22-chars-x';
  const pass = issuePass(secret, tag, 'eve', nowMs);

  it('lets in the peer it was issued for, into the room it was issued for, until it expires', () => {
    expect(checkPass(secret, pass, tag, 'eve', nowMs)).toEqual({ ok: true });
    expect(checkPass(secret, pass, tag, 'eve', nowMs + passTtlMs - 1_000)).toEqual({ ok: true });
    expect(pass).toMatch(passPattern);
    expect(pass.length).toBeLessThanOrEqual(maxPassChars);
    expect(pass).not.toContain('eve');
  });

  it.each<[string, () => [pass: string, tag: string, peer: string, nowMs: number, key?: Buffer], PassCheck]>([
    ['shown by another peer', () => [pass, tag, 'mallory', nowMs], { ok: false, reason: 'bad-signature' }],
    ['shown at the door of another room', () => [pass, 'another-tag-of-22-char', 'eve', nowMs], { ok: false, reason: 'bad-signature' }],
    ['expired', () => [pass, tag, 'eve', nowMs + passTtlMs], { ok: false, reason: 'expired' }],
    ['signed with another secret', () => [pass, tag, 'eve', nowMs, Buffer.from('another secret')], { ok: false, reason: 'bad-signature' }],
    ['with its expiry pushed out', () => [pass.replace(/^p1\.(\d+)/, (_m, s: string) => `p1.${Number(s) + 3600}`), tag, 'eve', nowMs], { ok: false, reason: 'bad-signature' }],
    ['with the first character of its signature changed', () => [pass.replace(/\.(.)([^.]{42})$/, (_m, c: string, rest: string) => `.${c === 'A' ? 'B' : 'A'}${rest}`), tag, 'eve', nowMs], { ok: false, reason: 'bad-signature' }],
    ['of another version', () => [pass.replace(/^p1/, 'p2'), tag, 'eve', nowMs], { ok: false, reason: 'malformed' }],
    ['a peer token in its place', () => [`v1.${nowMs / 1000 + 600}.${tag}.${'A'.repeat(43)}`, tag, 'eve', nowMs], { ok: false, reason: 'malformed' }],
    ['with a short signature', () => [pass.slice(0, -1), tag, 'eve', nowMs], { ok: false, reason: 'malformed' }],
    ['with an extra part', () => [`${pass}.x`, tag, 'eve', nowMs], { ok: false, reason: 'malformed' }],
    ['empty', () => ['', tag, 'eve', nowMs], { ok: false, reason: 'malformed' }],
    ['garbage', () => ['p1.soon.letmein', tag, 'eve', nowMs], { ok: false, reason: 'malformed' }],
  ])('refuses a pass %s', (_name, presented, expected) => {
    const [given, atTag, peer, at, key] = presented();
    expect(checkPass(key ?? secret, given, atTag, peer, at)).toEqual(expected);
  });
});

describe('a member answers', () => {
  const waiting = door({ waiting: [eve, asks('fay')] });

  it.each([
    [
      'admit: the newcomer enters and is remembered, and the members see the request end',
      'admit' as const,
      { newcomers: [{ peer: 'eve', hears: 'enter' }], members: [{ kind: 'join-request-ended', request: eve.request, why: 'admitted' }], error: null },
      { admitted: ['host', 'eve'], denied: [] },
    ],
    [
      'deny: the newcomer is told so and remembered as denied',
      'deny' as const,
      { newcomers: [{ peer: 'eve', hears: 'join-denied' }], members: [{ kind: 'join-request-ended', request: eve.request, why: 'denied' }], error: null },
      { admitted: ['host'], denied: ['eve'] },
    ],
  ])('%s', (_name, verdict, expected, lists) => {
    const result = step(waiting, { type: 'answer', request: eve.request, verdict });
    expect(told(result)).toEqual(expected);
    expect(result.door).toMatchObject({ ...lists, waiting: [asks('fay')] });
  });

  it.each([
    ['a handle nobody waits with (another room\'s, or made up)', door({ waiting: [eve] }), 'zzzzzzzzzzzzzzzz'],
    ['an answer replayed after the first went through', step(door({ waiting: [eve] }), { type: 'answer', request: eve.request, verdict: 'admit' }).door, eve.request],
    ['a room without a door', null, eve.request],
  ])('%s is answered request-unknown and changes nothing', (_name, before, request) => {
    for (const verdict of ['admit', 'deny'] as const) {
      const result = step(before, { type: 'answer', request, verdict });
      expect(result.door).toBe(before);
      expect(told(result)).toEqual({ newcomers: [], members: [], error: 'request-unknown' });
    }
  });
});

describe('a request ends without an answer', () => {
  it.each([
    ['the newcomer left or its socket closed: the members see it go, the newcomer is not written to', 'withdrawn' as const, []],
    ['nobody answered in time: the newcomer is told so', 'expired' as const, [{ peer: 'eve', hears: 'join-unanswered' }]],
  ])('%s', (_name, why, newcomers) => {
    const result = step(door({ waiting: [eve] }), { type: 'withdraw', request: eve.request, why });
    expect(result.door?.waiting).toEqual([]);
    expect(told(result)).toEqual({ newcomers, members: [{ kind: 'join-request-ended', request: eve.request, why }], error: null });
  });

  it('withdrawing a request already answered does nothing', () => {
    expect(step(door(), { type: 'withdraw', request: eve.request, why: 'expired' }).error).toBe('request-unknown');
  });
});

describe('a member sets the policy', () => {
  it.each<[string, RoomDoor | null, 'open' | 'ask' | 'locked', RoomDoor | null, DoorStep['newcomers']]>([
    ['open stays without a door', null, 'open', null, []],
    ['ask on a room without a door: everyone present counts as let in', null, 'ask', { policy: 'ask', admitted: ['host', 'bob'], denied: [], waiting: [] }, []],
    ['lock turns away everyone waiting', door({ waiting: [eve] }), 'locked', door({ policy: 'locked', admitted: ['host', 'bob'] }), [{ peer: 'eve', hears: 'room-locked' }]],
    ['open lets nobody in by itself: those waiting still wait for an answer', door({ waiting: [eve] }), 'open', door({ policy: 'open', admitted: ['host', 'bob'], waiting: [eve] }), []],
  ])('%s', (_name, before, policy, after, newcomers) => {
    const result = step(before, { type: 'set-policy', policy, members: ['host', 'bob'] });
    expect(result.door).toEqual(after);
    expect(result.newcomers).toEqual(newcomers);
    expect(result.members[0]).toEqual({ kind: 'policy', policy });
  });

  it('locking tells the members every request it ended', () => {
    const fay = asks('fay');
    const result = step(door({ waiting: [eve, fay] }), { type: 'set-policy', policy: 'locked', members: ['host'] });
    expect(result.members).toEqual([
      { kind: 'policy', policy: 'locked' },
      { kind: 'join-request-ended', request: eve.request, why: 'locked' },
      { kind: 'join-request-ended', request: fay.request, why: 'locked' },
    ]);
  });
});

describe('what a door remembers, and shows', () => {
  it(`forgets the oldest past ${maxRememberedPeers} let in`, () => {
    let current: RoomDoor | null = door({ policy: 'open' });
    for (let i = 0; i <= maxRememberedPeers; i++) current = step(current, knock(`p${i}`)).door;
    expect(current?.admitted).toHaveLength(maxRememberedPeers);
    expect(current?.admitted).not.toContain('host');
    expect(current?.admitted.at(-1)).toBe(`p${maxRememberedPeers}`);
  });

  it('shows members the policy and the requests by name and handle alone', () => {
    expect(doorView(door({ waiting: [eve] }))).toEqual({ policy: 'ask', requests: [{ request: eve.request, name: eve.name }] });
    expect(doorView(null)).toBeNull();
  });
});

describe("a newcomer's name", () => {
  it.each([
    ['none given', undefined, ''],
    ['a plain name', 'Ann Lee', 'Ann Lee'],
    ['Korean', '김민지', '김민지'],
    ['spaces around and between, a no-break space too', '  Ann \u00A0  Lee ', 'Ann Lee'],
    ['an emoji counted as one character', '🙂'.repeat(maxJoinNameChars), '🙂'.repeat(maxJoinNameChars)],
  ])('accepts %s', (_name, value, expected) => {
    expect(parseJoinName(value)).toBe(expected);
  });

  it.each([
    ['one character too long', 'a'.repeat(maxJoinNameChars + 1)],
    ['a bidi override that would reverse what members read', 'Ann\u202Enimda'],
    ['an invisible zero-width joiner', 'A\u200Dnn'],
    ['a control character', 'Ann\u0007'],
    ['a tab', 'Ann\tLee'],
    ['a new line', 'Ann\nAdmin'],
    ['a line separator', 'Ann\u2028Lee'],
    ['a lone surrogate', 'Ann\uD800'],
    ['a number', 42],
    ['null', null],
    ['an object', { toString: () => 'Ann' }],
  ])('refuses %s', (_name, value) => {
    expect(parseJoinName(value)).toBeNull();
  });
});
