// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { CallDoor } from '../../lib/call/call-door';
import type { CallId } from '../../lib/call/call-id';

const room = 'k3f9-x2ab-7mqz-0h1c-wv8e-5rt4-nd6p' as CallId;
const other = 'a3f9-x2ab-7mqz-0h1c-wv8e-5rt4-nd6p' as CallId;
const ben = { request: 'aaaaaaaaaaaaaaaa', name: 'Ben' };

describe("the call's door", () => {
  it.each([
    { askToJoin: true, policy: 'ask' },
    { askToJoin: false, policy: 'open' },
  ] as const)('a room we open first asks or not as Settings say (askToJoin $askToJoin)', ({ askToJoin, policy }) => {
    const door = new CallDoor(askToJoin);
    expect(door.policy.value).toBeNull();
    expect(door.createRequest(room)).toEqual({ type: 'ROOM-CREATE', payload: { room, policy } });
  });

  it('a room opened again after the server forgot it keeps its door: a locked call stays locked', () => {
    const door = new CallDoor(true);
    door.entered(room, 'ask', undefined);
    door.heard('locked');
    expect(door.createRequest(room)).toEqual({ type: 'ROOM-CREATE', payload: { room, policy: 'locked' } });
  });

  it.each([
    { name: 'unlocks back to asking', heard: ['ask', 'locked'], unlock: 'ask' },
    { name: 'unlocks back to open when it was open', heard: ['open', 'locked'], unlock: 'open' },
    { name: 'remembers the last unlocked policy, not the first', heard: ['ask', 'open', 'locked', 'locked'], unlock: 'open' },
  ] as const)('$name', ({ heard, unlock }) => {
    const door = new CallDoor(true);
    for (const policy of heard) door.heard(policy);
    expect(door.policyFor(false)).toBe(unlock);
    expect(door.policyFor(true)).toBe('locked');
  });

  it('a join carries our name, and our pass only for the room that gave it', () => {
    const door = new CallDoor(true);
    expect(door.joinRequest(room, 'Ann')).toEqual({ type: 'ROOM-JOIN', payload: { room, name: 'Ann' } });
    door.entered(room, 'ask', 'pass-1');
    expect(door.joinRequest(room, 'Ann')).toEqual({ type: 'ROOM-JOIN', payload: { room, name: 'Ann', pass: 'pass-1' } });
    expect(door.joinRequest(other, 'Ann')).toEqual({ type: 'ROOM-JOIN', payload: { room: other, name: 'Ann' } });
    // Entering again without a new pass keeps the one we have.
    door.entered(room, 'ask', undefined);
    expect(door.joinRequest(room, 'Ann')).toMatchObject({ payload: { pass: 'pass-1' } });
  });

  it('entering a room with no policy said means open, and forgets the cards from before', () => {
    const door = new CallDoor(true);
    door.changeRequests({ type: 'asked', ...ben });
    expect(door.requests.value).toEqual([ben]);
    door.entered(room, undefined, undefined);
    expect(door.policy.value).toBe('open');
    expect(door.requests.value).toEqual([]);
  });

  it('closing it drops whoever waited', () => {
    const door = new CallDoor(true);
    door.changeRequests({ type: 'asked', ...ben });
    door.close();
    expect(door.requests.value).toEqual([]);
  });
});
