// @vitest-environment node
import { afterEach, describe, expect, it } from 'vitest';
import { type JoinRequest, type JoinRequestChange, maxJoinRequests, nextJoinRequests, requestName } from '../../lib/call/join-requests';
import { overrideLanguage } from '../../lib/i18n/i18n';

const ben: JoinRequest = { request: 'aaaaaaaaaaaaaaaa', name: 'Ben' };
const cal: JoinRequest = { request: 'bbbbbbbbbbbbbbbb', name: 'Cal' };
const nameless: JoinRequest = { request: 'cccccccccccccccc', name: '' };
const asked = ({ request, name }: JoinRequest): JoinRequestChange => ({ type: 'asked', request, name });
const ended = ({ request }: JoinRequest): JoinRequestChange => ({ type: 'ended', request });

const run = (changes: JoinRequestChange[], from: readonly JoinRequest[] = []) => changes.reduce(nextJoinRequests, from);

describe('the people asking to join', () => {
  it.each<[string, readonly JoinRequest[], JoinRequestChange[], readonly JoinRequest[]]>([
    ['a request shows a card', [], [asked(ben)], [ben]],
    ['cards are in the order people asked', [], [asked(ben), asked(cal), asked(nameless)], [ben, cal, nameless]],
    ['the same request told twice is one card', [], [asked(ben), asked(cal), asked({ ...ben, name: 'Ben again' })], [ben, cal]],
    ['an answered request goes, whoever answered', [ben, cal], [ended(ben)], [cal]],
    ['the last one going leaves no cards', [ben], [ended(ben)], []],
    ['an end for a request never shown changes nothing', [ben], [ended(cal)], [ben]],
    ['a request asked, ended and asked again (a new handle) shows once more', [], [asked(ben), ended(ben), asked(cal)], [cal]],
    ['entering the room again forgets the cards from before', [ben, cal], [{ type: 'entered' }], []],
    ['the server re-sends what still waits after we enter, and it shows', [ben, cal], [{ type: 'entered' }, asked(cal)], [cal]],
  ])('%s', (_name, from, changes, expected) => {
    expect(run(changes, from)).toEqual(expected);
  });

  it.each<[string, readonly JoinRequest[], JoinRequestChange]>([
    ['a repeated request', [ben], asked(ben)],
    ['an end for a request never shown', [ben], ended(cal)],
    ['entering with no cards', [], { type: 'entered' }],
  ])('%s keeps the very same list, so nothing redraws', (_name, from, change) => {
    expect(nextJoinRequests(from, change)).toBe(from);
  });

  it(`shows at most ${maxJoinRequests} cards, keeping the first ones when a flood comes`, () => {
    const flood = Array.from({ length: maxJoinRequests + 5 }, (_, i) => ({ request: `req${String(i).padStart(13, '0')}`, name: `N${i}` }));
    const shown = run(flood.map(asked));
    expect(shown).toHaveLength(maxJoinRequests);
    expect(shown).toEqual(flood.slice(0, maxJoinRequests));
    // Once one is answered, there is room for the next to ask.
    expect(run([ended(flood[0]!), asked(flood.at(-1)!)], shown).at(-1)).toEqual(flood.at(-1));
  });
});

describe('the name on a card', () => {
  afterEach(() => overrideLanguage(null));

  it.each([
    { name: 'a name is shown as given', request: ben, shown: 'Ben' },
    { name: 'no name reads "Someone"', request: nameless, shown: 'Someone' },
  ])('$name', ({ request, shown }) => {
    expect(requestName(request)).toBe(shown);
  });

  it('no name reads "누군가" in Korean', () => {
    overrideLanguage('ko-KR');
    expect(requestName(nameless)).toBe('누군가');
  });
});
