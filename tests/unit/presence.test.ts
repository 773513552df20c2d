import { describe, expect, it } from 'vitest';
import { arriving, defaultPresenceRules as rules, nextPresence, type Presence, type PresenceEvent } from '../../lib/call/presence';

const at = (phase: Presence['phase'], sinceMs: number, lastHeardMs: number | null, serverGoneAtMs: number | null = null): Presence => ({
  phase,
  sinceMs,
  lastHeardMs,
  serverGoneAtMs,
  why: null,
});
const sure = rules.serverWordMs;
const connected = at('connected', 1_000, 1_000);
const reconnecting = at('reconnecting', 10_000, 10_000);

describe('whether another person is here', () => {
  it.each<[string, Presence, PresenceEvent, Partial<Presence>]>([
    ['a first word connects them', arriving(0), { type: 'heard', atMs: 500 }, { phase: 'connected', sinceMs: 500, lastHeardMs: 500 }],
    ['silence short of the gap changes nothing', connected, { type: 'tick', atMs: 1_000 + rules.silentAfterMs }, { phase: 'connected' }],
    ['a gap makes them reconnecting, counted from their last word', connected, { type: 'tick', atMs: 1_001 + rules.silentAfterMs }, { phase: 'reconnecting', sinceMs: 1_000 }],
    ['a lost transport makes them reconnecting at once', connected, { type: 'transport-lost', atMs: 2_000 }, { phase: 'reconnecting', sinceMs: 2_000 }],
    ['a word while reconnecting brings them back', reconnecting, { type: 'heard', atMs: 12_000 }, { phase: 'connected', sinceMs: 12_000, lastHeardMs: 12_000 }],
    ['reconnecting within the grace period stays so', reconnecting, { type: 'tick', atMs: 10_000 + rules.graceMs }, { phase: 'reconnecting', sinceMs: 10_000 }],
    ['past the grace period they lost their connection', reconnecting, { type: 'tick', atMs: 10_001 + rules.graceMs }, { phase: 'gone', why: 'lost-connection' }],
    ['the server losing a silent person is noted first', reconnecting, { type: 'server-left', atMs: 11_000 }, { phase: 'reconnecting', serverGoneAtMs: 11_000 }],
    ['their old socket closing as they come back gives them time to come back on a new one', at('reconnecting', 10_000, 10_000, 11_000), { type: 'tick', atMs: 10_999 + sure }, { phase: 'reconnecting' }],
    ['and removes them if they do not', at('reconnecting', 10_000, 10_000, 11_000), { type: 'tick', atMs: 11_000 + sure }, { phase: 'gone', why: 'lost-connection' }],
    ['but not if they came back meanwhile', at('reconnecting', 10_000, 10_000, 11_000), { type: 'server-back', atMs: 11_100 }, { phase: 'reconnecting', serverGoneAtMs: null }],
    ['the server losing a person still talking to us removes nobody', connected, { type: 'server-left', atMs: 2_000 }, { phase: 'connected', serverGoneAtMs: 2_000 }],
    ['then silence removes them at once: a socket gone while talking, then silence, is a crash', at('connected', 1_000, 1_000, 1_000), { type: 'tick', atMs: 1_001 + rules.silentAfterMs }, { phase: 'gone', why: 'lost-connection' }],
    ['then a lost transport removes them too', at('connected', 1_000, 1_000, 1_500), { type: 'transport-lost', atMs: 2_000 }, { phase: 'gone', why: 'lost-connection' }],
    ['back on the server, silence is a gap again', at('connected', 1_000, 1_000, 1_000), { type: 'server-back', atMs: 2_000 }, { phase: 'connected', serverGoneAtMs: null }],
    ['a goodbye removes them at once', connected, { type: 'bye', atMs: 2_000 }, { phase: 'gone', why: 'left' }],
    ['a closed connection removes them at once, even reconnecting', reconnecting, { type: 'closed', atMs: 11_000 }, { phase: 'gone', why: 'left' }],
    ['no first word in time: they never connected', arriving(0), { type: 'tick', atMs: rules.firstWordMs + 1 }, { phase: 'gone', why: 'never-connected' }],
    ['gone from the server before their first word, for long enough', at('connecting', 0, null, 100), { type: 'tick', atMs: 100 + sure }, { phase: 'gone', why: 'left' }],
    ['a lost transport before the first word is still connecting', arriving(0), { type: 'transport-lost', atMs: 100 }, { phase: 'connecting' }],
    ['gone is final', at('gone', 5_000, 1_000), { type: 'heard', atMs: 6_000 }, { phase: 'gone' }],
  ])('%s', (_name, before, event, expected) => {
    expect(nextPresence(before, event)).toMatchObject(expected);
  });

  it('never changes the presence it is given', () => {
    const before = Object.freeze({ ...connected });
    nextPresence(before, { type: 'tick', atMs: 100_000 });
    expect(before).toEqual(connected);
  });

  it('honours a shorter grace period from the settings', () => {
    expect(nextPresence(reconnecting, { type: 'tick', atMs: 15_001 }, { ...rules, graceMs: 5_000 })).toMatchObject({ phase: 'gone', why: 'lost-connection' });
  });
});
