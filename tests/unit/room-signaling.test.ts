// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { joinName, maxJoinNameChars, maxRestartSdpChars, parseRestartMessage, parseRoomEvent } from '../../lib/signaling/room-signaling';

const room = 'k3f9-x2ab-7mqz-0h1c-wv8e-5rt4-nd6p';
const request = 'Ab-_0123456789xY';
const pass = `p1.1800000000.${'Ab-_'.repeat(10)}xyz`;

describe("reading the server's room messages", () => {
  it.each([
    ['the member list', { type: 'ROOM-MEMBERS', payload: { room, members: ['a1', 'b2'] } }, { type: 'members', room, members: ['a1', 'b2'] }],
    ['an empty member list', { type: 'ROOM-MEMBERS', payload: { room, members: [] } }, { type: 'members', room, members: [] }],
    ['a join', { type: 'ROOM-PEER-JOINED', payload: { room, peer: 'a1' } }, { type: 'peer-joined', room, peer: 'a1' }],
    ['a departure', { type: 'ROOM-PEER-LEFT', payload: { room, peer: 'a1' } }, { type: 'peer-left', room, peer: 'a1' }],
    ['a full room', { type: 'ROOM-ERROR', payload: { code: 'room-full' } }, { type: 'refused', code: 'room-full' }],
    ['an unknown room', { type: 'ROOM-ERROR', payload: { code: 'room-unknown' } }, { type: 'refused', code: 'room-unknown' }],
    ['the members of a room that asks', { type: 'ROOM-MEMBERS', payload: { room, members: ['a1'], policy: 'ask' } }, { type: 'members', room, members: ['a1'], policy: 'ask' }],
    [
      'the members with the pass to show next time',
      { type: 'ROOM-MEMBERS', payload: { room, members: ['a1'], policy: 'locked', pass } },
      { type: 'members', room, members: ['a1'], policy: 'locked', pass },
    ],
    ['the members of an open room with a pass', { type: 'ROOM-MEMBERS', payload: { room, members: [], pass } }, { type: 'members', room, members: [], pass }],
    ['the word to wait', { type: 'ROOM-WAITING', payload: { room } }, { type: 'waiting', room }],
    ['a join request', { type: 'ROOM-JOIN-REQUEST', payload: { room, request, name: 'Eve' } }, { type: 'join-request', room, request, name: 'Eve' }],
    ['a join request in Korean', { type: 'ROOM-JOIN-REQUEST', payload: { room, request, name: '김민지' } }, { type: 'join-request', room, request, name: '김민지' }],
    ['a join request without a name', { type: 'ROOM-JOIN-REQUEST', payload: { room, request, name: '' } }, { type: 'join-request', room, request, name: '' }],
    ['a request admitted', { type: 'ROOM-JOIN-REQUEST-ENDED', payload: { room, request, why: 'admitted' } }, { type: 'join-request-ended', room, request, why: 'admitted' }],
    ['a request withdrawn', { type: 'ROOM-JOIN-REQUEST-ENDED', payload: { room, request, why: 'withdrawn' } }, { type: 'join-request-ended', room, request, why: 'withdrawn' }],
    ['a lock', { type: 'ROOM-POLICY', payload: { room, policy: 'locked' } }, { type: 'policy', room, policy: 'locked' }],
    ['a locked room', { type: 'ROOM-ERROR', payload: { code: 'room-locked' } }, { type: 'refused', code: 'room-locked' }],
    ['a denial', { type: 'ROOM-ERROR', payload: { code: 'join-denied' } }, { type: 'refused', code: 'join-denied' }],
    ['a request nobody answered', { type: 'ROOM-ERROR', payload: { code: 'join-unanswered' } }, { type: 'refused', code: 'join-unanswered' }],
    ['a full waiting line', { type: 'ROOM-ERROR', payload: { code: 'waiting-full' } }, { type: 'refused', code: 'waiting-full' }],
    ['an answer to a request already gone', { type: 'ROOM-ERROR', payload: { code: 'request-unknown' } }, { type: 'refused', code: 'request-unknown' }],
    ['an answer from one who is no member', { type: 'ROOM-ERROR', payload: { code: 'not-member' } }, { type: 'refused', code: 'not-member' }],
  ])('accepts %s', (_name, message, expected) => {
    expect(parseRoomEvent(message)).toEqual(expected);
  });

  it.each([
    ["PeerJS's OPEN", { type: 'OPEN' }],
    ['an OFFER', { type: 'OFFER', payload: { sdp: 'v=0' } }],
    ['null', null],
    ['a string', 'ROOM-MEMBERS'],
    ['members that are not a list', { type: 'ROOM-MEMBERS', payload: { room, members: 'a1' } }],
    ['a member ID with a script in it', { type: 'ROOM-MEMBERS', payload: { room, members: ['<script>'] } }],
    ['a member that is a number', { type: 'ROOM-MEMBERS', payload: { room, members: [1] } }],
    ['a thousand members', { type: 'ROOM-MEMBERS', payload: { room, members: Array.from({ length: 1000 }, (_, i) => `p${i}`) } }],
    ['a departure without a peer', { type: 'ROOM-PEER-LEFT', payload: { room } }],
    ['an unknown error code', { type: 'ROOM-ERROR', payload: { code: 'pwned' } }],
    ['an error without payload', { type: 'ROOM-ERROR' }],
    ['members with an unknown policy', { type: 'ROOM-MEMBERS', payload: { room, members: [], policy: 'closed' } }],
    ['members with a pass that is not text', { type: 'ROOM-MEMBERS', payload: { room, members: [], pass: 42 } }],
    ['members with a pass too long to keep', { type: 'ROOM-MEMBERS', payload: { room, members: [], pass: 'p'.repeat(129) } }],
    ['members with markup for a pass', { type: 'ROOM-MEMBERS', payload: { room, members: [], pass: '<img src=x>' } }],
    ['a policy that is an inherited name', { type: 'ROOM-POLICY', payload: { room, policy: 'toString' } }],
    ['a policy without a room', { type: 'ROOM-POLICY', payload: { policy: 'ask' } }],
    ['the word to wait without a room', { type: 'ROOM-WAITING', payload: {} }],
    ['a join request with a peer ID for a handle', { type: 'ROOM-JOIN-REQUEST', payload: { room, request: 'eve', name: 'Eve' } }],
    ['a join request with markup in its handle', { type: 'ROOM-JOIN-REQUEST', payload: { room, request: '<img src=x>abcde', name: 'Eve' } }],
    ['a join request without a name', { type: 'ROOM-JOIN-REQUEST', payload: { room, request } }],
    ['a join request whose name is not text', { type: 'ROOM-JOIN-REQUEST', payload: { room, request, name: { first: 'Eve' } } }],
    ['a join request with a name too long', { type: 'ROOM-JOIN-REQUEST', payload: { room, request, name: 'e'.repeat(maxJoinNameChars + 1) } }],
    ['a join request with a name that reverses itself', { type: 'ROOM-JOIN-REQUEST', payload: { room, request, name: 'Eve\u202Enimda' } }],
    ['a join request with a name on two lines', { type: 'ROOM-JOIN-REQUEST', payload: { room, request, name: 'Eve\nAdmin' } }],
    ['a join request with a name padded with spaces', { type: 'ROOM-JOIN-REQUEST', payload: { room, request, name: '  Eve' } }],
    ['a request ended for no known reason', { type: 'ROOM-JOIN-REQUEST-ENDED', payload: { room, request, why: 'bribed' } }],
    ['a request ended without a handle', { type: 'ROOM-JOIN-REQUEST-ENDED', payload: { room, why: 'admitted' } }],
  ])('ignores %s', (_name, message) => {
    expect(parseRoomEvent(message)).toBeNull();
  });
});

describe('the name we ask to join with', () => {
  it.each([
    ['a plain name', 'Ann Lee', 'Ann Lee'],
    ['spaces tidied', '  Ann   Lee ', 'Ann Lee'],
    ['a name with a new line in it', 'Ann\nLee', 'Ann Lee'],
    ['a bidi override and a zero-width joiner taken out', 'A\u200Dnn\u202E', 'Ann'],
    ['no name', '', ''],
    ['a long name cut at the limit, by characters', '가'.repeat(maxJoinNameChars + 10), '가'.repeat(maxJoinNameChars)],
    ['emoji kept whole', '🙂'.repeat(maxJoinNameChars + 1), '🙂'.repeat(maxJoinNameChars)],
  ])('sends %s as the server would accept it', (_name, displayName, expected) => {
    expect(joinName(displayName)).toBe(expected);
    // What we send is what members are shown.
    expect(parseRoomEvent({ type: 'ROOM-JOIN-REQUEST', payload: { room, request, name: joinName(displayName) } })).toMatchObject({ name: expected });
  });
});

describe("reading a peer's ICE restart messages", () => {
  const restart = (description: unknown, extra: Record<string, unknown> = {}) => ({ type: 'RESTART', src: 'peer-1', dst: 'me', payload: { connectionId: 'mc_abc123', description, ...extra } });

  it.each([
    ['an offer', restart({ type: 'offer', sdp: 'v=0\r\n' }), { type: 'offer', sdp: 'v=0\r\n' }],
    ['an answer', restart({ type: 'answer', sdp: 'v=0\r\n' }), { type: 'answer', sdp: 'v=0\r\n' }],
    ['a request to offer', restart({ type: 'request' }), { type: 'request' }],
  ])('accepts %s', (_name, message, signal) => {
    expect(parseRestartMessage(message)).toEqual({ from: 'peer-1', connectionId: 'mc_abc123', signal });
  });

  it.each([
    ['a rollback', restart({ type: 'rollback', sdp: '' })],
    ['an offer without SDP', restart({ type: 'offer' })],
    ['an empty SDP', restart({ type: 'offer', sdp: '' })],
    ['an SDP past the limit', restart({ type: 'offer', sdp: 'x'.repeat(maxRestartSdpChars + 1) })],
    ['an SDP that is not text', restart({ type: 'offer', sdp: 42 })],
    ['no description', restart(undefined)],
    ['a connection ID with markup', { ...restart({ type: 'request' }), payload: { connectionId: '<img>', description: { type: 'request' } } }],
    ['no sender', { ...restart({ type: 'request' }), src: undefined }],
    ['another type', { ...restart({ type: 'offer', sdp: 'v=0' }), type: 'OFFER' }],
    ['no payload', { type: 'RESTART', src: 'peer-1' }],
  ])('ignores %s', (_name, message) => {
    expect(parseRestartMessage(message)).toBeNull();
  });
});
