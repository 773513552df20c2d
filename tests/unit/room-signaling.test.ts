// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { maxRestartSdpChars, parseRestartMessage, parseRoomEvent } from '../../lib/signaling/room-signaling';

const room = 'k3f9-x2ab-7mqz-0h1c-wv8e-5rt4-nd6p';

describe("reading the server's room messages", () => {
  it.each([
    ['the member list', { type: 'ROOM-MEMBERS', payload: { room, members: ['a1', 'b2'] } }, { type: 'members', room, members: ['a1', 'b2'] }],
    ['an empty member list', { type: 'ROOM-MEMBERS', payload: { room, members: [] } }, { type: 'members', room, members: [] }],
    ['a join', { type: 'ROOM-PEER-JOINED', payload: { room, peer: 'a1' } }, { type: 'peer-joined', room, peer: 'a1' }],
    ['a departure', { type: 'ROOM-PEER-LEFT', payload: { room, peer: 'a1' } }, { type: 'peer-left', room, peer: 'a1' }],
    ['a full room', { type: 'ROOM-ERROR', payload: { code: 'room-full' } }, { type: 'refused', code: 'room-full' }],
    ['an unknown room', { type: 'ROOM-ERROR', payload: { code: 'room-unknown' } }, { type: 'refused', code: 'room-unknown' }],
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
  ])('ignores %s', (_name, message) => {
    expect(parseRoomEvent(message)).toBeNull();
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
