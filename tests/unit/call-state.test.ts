// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { callError } from '../../lib/call/call-error';
import type { CallId } from '../../lib/call/call-id';
import { type CallEvent, type CallState, endMessage, idle, isActive, transition } from '../../lib/call/call-state';

const callId = 'aaaa-bbbb-cccc-dddd-eeee-ffff-gggg' as CallId;
const otherId = '0000-1111-2222-3333-4444-5555-6666' as CallId;

const lobbyHost: CallState = { kind: 'lobby', role: 'host', callId };
const lobbyGuest: CallState = { kind: 'lobby', role: 'guest', callId };
const startingHost: CallState = { kind: 'starting', role: 'host', callId };
const startingGuest: CallState = { kind: 'starting', role: 'guest', callId };
const waiting: CallState = { kind: 'waiting', role: 'host', callId };
const dialing: CallState = { kind: 'dialing', role: 'guest', callId };
const asking: CallState = { kind: 'asking', role: 'guest', callId };
const inCallHost: CallState = { kind: 'in-call', role: 'host', callId };
const inCallGuest: CallState = { kind: 'in-call', role: 'guest', callId };
const endedHost: CallState = { kind: 'ended', role: 'host', callId };
const endedGuest: CallState = { kind: 'ended', role: 'guest', callId };
const failedHost: CallState = { kind: 'failed', role: 'host', callId, error: callError('id-taken') };
const failedGuest: CallState = { kind: 'failed', role: 'guest', callId, error: callError('peer-unavailable') };

const activeStates = { lobbyHost, lobbyGuest, startingHost, startingGuest, waiting, dialing, asking, inCallHost, inCallGuest };
const finishedStates = { endedHost, endedGuest, failedHost, failedGuest };
const allStates = { idle, ...activeStates, ...finishedStates };

const rows = (states: Record<string, CallState>) => Object.entries(states).map(([name, state]) => ({ name, state }));

const notice = callError('signaling-unreachable');
const fatal = callError('connection-failed');

describe('transition on start', () => {
  const hostStart: CallEvent = { type: 'start', role: 'host', callId: otherId };
  const guestStart: CallEvent = { type: 'start', role: 'guest', callId: otherId };

  it.each(rows({ idle, ...finishedStates }))('a host can start a call from $name', ({ state }) => {
    expect(transition(state, hostStart)).toEqual({ kind: 'lobby', role: 'host', callId: otherId });
  });

  it.each(rows({ idle, ...finishedStates }))('a guest can start a call from $name', ({ state }) => {
    expect(transition(state, guestStart)).toEqual({ kind: 'lobby', role: 'guest', callId: otherId });
  });

  it.each(rows(activeStates))('a second start is ignored while $name', ({ state }) => {
    expect(transition(state, hostStart)).toBe(state);
    expect(transition(state, guestStart)).toBe(state);
  });
});

describe('transition on enter', () => {
  it.each([
    { name: 'a host in the lobby starts the call', state: lobbyHost, next: startingHost },
    { name: 'a guest in the lobby joins', state: lobbyGuest, next: startingGuest },
  ])('$name', ({ state, next }) => {
    expect(transition(state, { type: 'enter' })).toEqual(next);
  });

  it.each(rows({ idle, startingHost, startingGuest, waiting, dialing, asking, inCallHost, inCallGuest, ...finishedStates }))(
    'entering again changes nothing in $name',
    ({ state }) => {
      expect(transition(state, { type: 'enter' })).toBe(state);
    },
  );
});

describe('transition on signaling-open', () => {
  it('a starting guest dials the host', () => {
    expect(transition(startingGuest, { type: 'signaling-open' })).toEqual(dialing);
  });

  it.each(rows({ idle, lobbyHost, lobbyGuest, startingHost, waiting, dialing, asking, inCallHost, inCallGuest, ...finishedStates }))(
    'a reopened signaling link changes nothing in $name',
    ({ state }) => {
      expect(transition(state, { type: 'signaling-open' })).toBe(state);
    },
  );
});

describe('transition on room-open', () => {
  it('a starting host waits for a guest once the server has its room', () => {
    expect(transition(startingHost, { type: 'room-open' })).toEqual(waiting);
  });

  it.each(rows({ idle, lobbyHost, lobbyGuest, startingGuest, waiting, dialing, asking, inCallHost, inCallGuest, ...finishedStates }))(
    'an open room changes nothing in $name',
    ({ state }) => {
      expect(transition(state, { type: 'room-open' })).toBe(state);
    },
  );
});

describe('transition on asked', () => {
  it('a joiner whose room asks waits at its door', () => {
    expect(transition(dialing, { type: 'asked' })).toEqual(asking);
  });

  it.each(rows({ idle, lobbyHost, lobbyGuest, startingHost, startingGuest, waiting, asking, inCallHost, inCallGuest, ...finishedStates }))(
    'being asked to wait changes nothing in $name',
    ({ state }) => {
      expect(transition(state, { type: 'asked' })).toBe(state);
    },
  );
});

describe('transition on admitted', () => {
  it('a joiner let in dials the people in the room', () => {
    expect(transition(asking, { type: 'admitted' })).toEqual(dialing);
  });

  it.each(rows({ idle, lobbyHost, lobbyGuest, startingHost, startingGuest, waiting, dialing, inCallHost, inCallGuest, ...finishedStates }))(
    'being let in changes nothing in $name',
    ({ state }) => {
      expect(transition(state, { type: 'admitted' })).toBe(state);
    },
  );
});

describe('transition on remote-connected', () => {
  it.each([
    { name: 'a waiting host is in the call once the guest connects', state: waiting, next: inCallHost },
    { name: 'a dialing guest is in the call once the host answers', state: dialing, next: inCallGuest },
  ])('$name', ({ state, next }) => {
    expect(transition(state, { type: 'remote-connected' })).toEqual(next);
  });

  it.each(rows({ idle, lobbyHost, lobbyGuest, startingHost, startingGuest, asking, inCallHost, inCallGuest, ...finishedStates }))(
    'a remote connection is ignored in $name',
    ({ state }) => {
      expect(transition(state, { type: 'remote-connected' })).toBe(state);
    },
  );
});

describe('transition on remote-left', () => {
  it.each([
    { name: 'a host whose last guest leaves waits in the room', state: inCallHost, next: waiting },
    { name: 'a joiner whose last peer leaves waits in the room it outlives', state: inCallGuest, next: { kind: 'waiting', role: 'guest', callId } },
  ])('$name', ({ state, next }) => {
    expect(transition(state, { type: 'remote-left', remaining: 0 })).toEqual(next);
  });

  it.each(rows({ inCallHost, inCallGuest }))('$name stays in the call while others remain', ({ state }) => {
    expect(transition(state, { type: 'remote-left', remaining: 2 })).toBe(state);
  });

  it.each(rows({ idle, lobbyHost, lobbyGuest, startingHost, startingGuest, waiting, dialing, asking, ...finishedStates }))(
    'a remote leaving is ignored in $name',
    ({ state }) => {
      expect(transition(state, { type: 'remote-left', remaining: 0 })).toBe(state);
    },
  );
});

describe('transition on leave', () => {
  it.each(rows(activeStates))('leaving ends the call from $name', ({ state }) => {
    if (state.kind === 'idle') throw new Error('active states have a role');
    expect(transition(state, { type: 'leave' })).toEqual({ kind: 'ended', role: state.role, callId });
  });

  it.each(rows({ idle, ...finishedStates }))('leaving changes nothing in $name', ({ state }) => {
    expect(transition(state, { type: 'leave' })).toBe(state);
  });
});

describe('transition on error', () => {
  it.each(rows(allStates))('a notice leaves $name as it is', ({ state }) => {
    expect(transition(state, { type: 'error', error: notice })).toBe(state);
  });

  it.each(rows(activeStates))('a fatal error fails the call from $name', ({ state }) => {
    if (state.kind === 'idle') throw new Error('active states have a role');
    expect(transition(state, { type: 'error', error: fatal })).toEqual({
      kind: 'failed',
      role: state.role,
      callId,
      error: fatal,
    });
  });

  it.each(rows({ idle, ...finishedStates }))('a fatal error after the call is over is ignored in $name', ({ state }) => {
    expect(transition(state, { type: 'error', error: fatal })).toBe(state);
  });
});

describe('a whole call', () => {
  it('a host starts, is joined, loses the guest, is rejoined and leaves', () => {
    const events: CallEvent[] = [
      { type: 'start', role: 'host', callId },
      { type: 'signaling-open' },
      { type: 'enter' },
      { type: 'room-open' },
      { type: 'remote-connected' },
      { type: 'remote-left', remaining: 0 },
      { type: 'signaling-open' },
      { type: 'remote-connected' },
      { type: 'leave' },
    ];
    const kinds = events.reduce<{ state: CallState; seen: string[] }>(
      ({ state, seen }, event) => {
        const next = transition(state, event);
        return { state: next, seen: [...seen, next.kind] };
      },
      { state: idle, seen: [] },
    ).seen;
    expect(kinds).toEqual(['lobby', 'lobby', 'starting', 'waiting', 'in-call', 'waiting', 'waiting', 'in-call', 'ended']);
  });
});

describe('a joiner at the door', () => {
  const run = (events: CallEvent[]) =>
    events.reduce<{ state: CallState; seen: string[] }>(
      ({ state, seen }, event) => {
        const next = transition(state, event);
        return { state: next, seen: [...seen, next.kind] };
      },
      { state: idle, seen: [] },
    ).seen;
  const toTheDoor: CallEvent[] = [{ type: 'start', role: 'guest', callId }, { type: 'enter' }, { type: 'signaling-open' }, { type: 'asked' }];

  it('asks, keeps asking across a reconnect, is let in, dials and is in the call', () => {
    expect(run([...toTheDoor, { type: 'signaling-open' }, { type: 'admitted' }, { type: 'remote-connected' }])).toEqual([
      'lobby',
      'starting',
      'dialing',
      'asking',
      'asking',
      'dialing',
      'in-call',
    ]);
  });

  it.each([{ code: 'join-denied' }, { code: 'room-locked' }, { code: 'join-unanswered' }, { code: 'waiting-full' }, { code: 'room-unknown' }] as const)(
    'is turned away with $code and reads why',
    ({ code }) => {
      const state = [...toTheDoor, { type: 'error', error: callError(code) } as const].reduce(transition, idle);
      expect(state).toEqual({ kind: 'failed', role: 'guest', callId, error: callError(code) });
      expect(endMessage(state)).toBe(callError(code).message);
    },
  );

  it('cancels, and the call is over', () => {
    expect(run([...toTheDoor, { type: 'leave' }]).at(-1)).toBe('ended');
  });
});

describe('isActive', () => {
  it.each([
    ...rows(activeStates).map((row) => ({ ...row, active: true })),
    ...rows({ idle, ...finishedStates }).map((row) => ({ ...row, active: false })),
  ])('$name is active: $active', ({ state, active }) => {
    expect(isActive(state)).toBe(active);
  });
});

describe('endMessage', () => {
  it.each([
    { name: 'someone who left is told so', state: endedHost, message: 'You left the call.' },
    { name: 'a joiner who left is told so too', state: endedGuest, message: 'You left the call.' },
    { name: 'a failed call shows its error', state: failedHost, message: callError('id-taken').message },
    { name: 'a failed guest call shows its error', state: failedGuest, message: callError('peer-unavailable').message },
  ])('$name', ({ state, message }) => {
    expect(endMessage(state)).toBe(message);
  });

  it.each(rows({ idle, ...activeStates }))('there is no end message in $name', ({ state }) => {
    expect(endMessage(state)).toBeNull();
  });
});
