// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { maxPassChars } from '../../signaling/admission-pass.js';
import { parseRoomRequest } from '../../signaling/room-messages.js';
import { RoomRegistry } from '../../signaling/rooms.js';

const room = 'k3f9-x2ab-7mqz-0h1c-wv8e-5rt4-nd6p';
const other = 'a1b2-c3d4-e5f6-g7h8-j9k0-m1n2-p3q4';

describe('room registry', () => {
  it('a joiner learns the current members, and each member learns of the joiner', () => {
    const rooms = new RoomRegistry(6);
    expect(rooms.create(room, 'ann')).toEqual({ ok: true, members: [], notices: [] });
    expect(rooms.join(room, 'bob')).toEqual({
      ok: true,
      members: ['ann'],
      notices: [{ to: 'ann', event: 'peer-joined', room, peer: 'bob' }],
    });
    const third = rooms.join(room, 'cat');
    expect(third.ok && third.members).toEqual(['ann', 'bob']);
    expect(third.notices.map((n) => n.to)).toEqual(['ann', 'bob']);
  });

  it.each([
    ['joining a room nobody created', (r: RoomRegistry) => r.join(room, 'bob'), 'room-unknown'],
    ['creating a room that exists', (r: RoomRegistry) => (r.create(room, 'ann'), r.create(room, 'bob')), 'room-exists'],
    ['joining past capacity', (r: RoomRegistry) => (r.create(room, 'ann'), r.join(room, 'bob'), r.join(room, 'cat')), 'room-full'],
  ])('refuses %s', (_name, act, refusal) => {
    const outcome = act(new RoomRegistry(2));
    expect(outcome).toEqual({ ok: false, refusal, notices: [] });
  });

  it('the room survives its creator leaving and ends with its last member', () => {
    const rooms = new RoomRegistry(6);
    rooms.create(room, 'ann');
    rooms.join(room, 'bob');
    expect(rooms.leave('ann')).toEqual([{ to: 'bob', event: 'peer-left', room, peer: 'ann' }]);
    expect(rooms.join(room, 'cat').ok).toBe(true);
    rooms.leave('bob');
    rooms.leave('cat');
    expect(rooms.roomCount).toBe(0);
    expect(rooms.join(room, 'dan')).toMatchObject({ ok: false, refusal: 'room-unknown' });
  });

  it('a peer is in one room at a time: joining another leaves the first', () => {
    const rooms = new RoomRegistry(6);
    rooms.create(room, 'ann');
    rooms.join(room, 'bob');
    rooms.create(other, 'cat');
    const moved = rooms.join(other, 'bob');
    expect(moved.notices).toEqual([
      { to: 'ann', event: 'peer-left', room, peer: 'bob' },
      { to: 'cat', event: 'peer-joined', room: other, peer: 'bob' },
    ]);
    expect(rooms.roomOf('bob')).toBe(other);
  });

  it('joining again is harmless and notifies nobody', () => {
    const rooms = new RoomRegistry(2);
    rooms.create(room, 'ann');
    rooms.join(room, 'bob');
    expect(rooms.join(room, 'bob')).toEqual({ ok: true, members: ['ann'], notices: [] });
  });

  it('leaving when in no room does nothing', () => {
    expect(new RoomRegistry(6).leave('nobody')).toEqual([]);
  });
});

describe('room requests on the signaling socket', () => {
  it.each([
    ['an OFFER', { type: 'OFFER', payload: {} }, null],
    ['a HEARTBEAT', { type: 'HEARTBEAT' }, null],
    ['null', null, null],
    ['a join', { type: 'ROOM-JOIN', payload: { room } }, { type: 'ROOM-JOIN', room }],
    ['a create', { type: 'ROOM-CREATE', payload: { room } }, { type: 'ROOM-CREATE', room }],
    ['a leave', { type: 'ROOM-LEAVE' }, { type: 'ROOM-LEAVE' }],
    ['an unknown room type', { type: 'ROOM-LIST' }, { type: 'invalid' }],
    ['a join without payload', { type: 'ROOM-JOIN' }, { type: 'invalid' }],
    ['a join with a short room ID', { type: 'ROOM-JOIN', payload: { room: 'abcd' } }, { type: 'invalid' }],
    ['a join with an uppercase room ID', { type: 'ROOM-JOIN', payload: { room: room.toUpperCase() } }, { type: 'invalid' }],
    ['a join with a path trick', { type: 'ROOM-JOIN', payload: { room: '../../etc/passwd' } }, { type: 'invalid' }],
    ['a join with a number', { type: 'ROOM-JOIN', payload: { room: 42 } }, { type: 'invalid' }],
    ['a join with look-alike letters', { type: 'ROOM-JOIN', payload: { room: 'ilou-x2ab-7mqz-0h1c-wv8e-5rt4-nd6p' } }, { type: 'invalid' }],
    ['a create that asks newcomers to wait', { type: 'ROOM-CREATE', payload: { room, policy: 'ask' } }, { type: 'ROOM-CREATE', room, policy: 'ask' }],
    ['a create with an unknown policy', { type: 'ROOM-CREATE', payload: { room, policy: 'closed' } }, { type: 'invalid' }],
    ['a join with a name', { type: 'ROOM-JOIN', payload: { room, name: ' Ann  Lee ' } }, { type: 'ROOM-JOIN', room, name: 'Ann Lee' }],
    ['a join with an empty name', { type: 'ROOM-JOIN', payload: { room, name: '' } }, { type: 'ROOM-JOIN', room }],
    ['a join with a name that reverses itself', { type: 'ROOM-JOIN', payload: { room, name: 'Ann\u202Enimda' } }, { type: 'invalid' }],
    ['a join with a name too long', { type: 'ROOM-JOIN', payload: { room, name: 'a'.repeat(65) } }, { type: 'invalid' }],
    ['a join with a name that is not text', { type: 'ROOM-JOIN', payload: { room, name: ['Ann'] } }, { type: 'invalid' }],
    ['a join with a pass', { type: 'ROOM-JOIN', payload: { room, name: 'Ann', pass: `p1.1800000000.${'A'.repeat(43)}` } }, { type: 'ROOM-JOIN', room, name: 'Ann', pass: `p1.1800000000.${'A'.repeat(43)}` }],
    ['a join with a pass of an unknown version (checked later, and refused then)', { type: 'ROOM-JOIN', payload: { room, pass: 'p9.x' } }, { type: 'ROOM-JOIN', room, pass: 'p9.x' }],
    ['a join with a pass too long', { type: 'ROOM-JOIN', payload: { room, pass: 'p'.repeat(maxPassChars + 1) } }, { type: 'invalid' }],
    ['a join with an empty pass', { type: 'ROOM-JOIN', payload: { room, pass: '' } }, { type: 'invalid' }],
    ['a join with a pass that is not text', { type: 'ROOM-JOIN', payload: { room, pass: { forged: true } } }, { type: 'invalid' }],
    ['a join with markup for a pass', { type: 'ROOM-JOIN', payload: { room, pass: '<script>' } }, { type: 'invalid' }],
    ['a policy change', { type: 'ROOM-POLICY', payload: { policy: 'locked' } }, { type: 'ROOM-POLICY', policy: 'locked' }],
    ['a policy change without a policy', { type: 'ROOM-POLICY' }, { type: 'invalid' }],
    ['a policy that is an inherited name', { type: 'ROOM-POLICY', payload: { policy: 'constructor' } }, { type: 'invalid' }],
    ['an admit', { type: 'ROOM-ADMIT', payload: { request: 'Ab-_0123456789xY' } }, { type: 'ROOM-ADMIT', request: 'Ab-_0123456789xY' }],
    ['a deny', { type: 'ROOM-DENY', payload: { request: 'Ab-_0123456789xY' } }, { type: 'ROOM-DENY', request: 'Ab-_0123456789xY' }],
    ['an admit naming a peer ID instead of a handle', { type: 'ROOM-ADMIT', payload: { request: 'eve' } }, { type: 'invalid' }],
    ['an admit with markup in its handle', { type: 'ROOM-ADMIT', payload: { request: '<img src=x>abcde' } }, { type: 'invalid' }],
    ['a deny without a handle', { type: 'ROOM-DENY', payload: {} }, { type: 'invalid' }],
  ])('reads %s', (_name, message, expected) => {
    expect(parseRoomRequest(message)).toEqual(expected);
  });
});
