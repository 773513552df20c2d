// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { badgeFor, connectingColour, describeOthers, liveColour, mutedColour } from '../../lib/extension/call-badge';
import { callPhases, type CallStatus } from '../../lib/extension/call-remote';

const base: CallStatus = { phase: 'in-call', startedAtMs: 0, micMuted: false, cameraOff: false, participants: 1 };

describe('the toolbar badge', () => {
  it('no call: no badge, the plain name as tooltip', () => {
    expect(badgeFor(null)).toMatchObject({ text: '', title: 'PeerCall' });
  });

  it.each([
    { name: 'in a 1:1 call', status: base, text: 'LIVE', colour: liveColour, title: 'PeerCall: in a call with 1 other person' },
    { name: 'in a call of four', status: { ...base, participants: 3 }, text: 'LIVE', colour: liveColour, title: 'PeerCall: in a call with 3 others' },
    { name: 'waiting in the room', status: { ...base, phase: 'waiting', participants: 0 }, text: 'WAIT', colour: liveColour, title: 'PeerCall: waiting for others to join' },
    { name: 'in the lobby', status: { ...base, phase: 'lobby', participants: 0 }, text: '…', colour: connectingColour, title: 'PeerCall: getting ready for a call' },
    { name: 'starting', status: { ...base, phase: 'starting', participants: 0 }, text: '…', colour: connectingColour, title: 'PeerCall: starting a call…' },
    { name: 'joining', status: { ...base, phase: 'dialing', participants: 0 }, text: '…', colour: connectingColour, title: 'PeerCall: joining a call…' },
    { name: 'asking to join', status: { ...base, phase: 'asking', participants: 0 }, text: '…', colour: connectingColour, title: 'PeerCall: asking to join a call…' },
    { name: 'muted in a call', status: { ...base, micMuted: true }, text: 'MUTE', colour: mutedColour, title: 'PeerCall: in a call with 1 other person (microphone muted)' },
    { name: 'muted while waiting', status: { ...base, phase: 'waiting', micMuted: true }, text: 'MUTE', colour: mutedColour, title: 'PeerCall: waiting for others to join (microphone muted)' },
    { name: 'camera off', status: { ...base, cameraOff: true }, text: 'LIVE', colour: liveColour, title: 'PeerCall: in a call with 1 other person (camera off)' },
    {
      name: 'muted with the camera off',
      status: { ...base, micMuted: true, cameraOff: true },
      text: 'MUTE',
      colour: mutedColour,
      title: 'PeerCall: in a call with 1 other person (microphone muted, camera off)',
    },
  ] satisfies { name: string; status: CallStatus; text: string; colour: string; title: string }[])('$name: "$text"', ({ status, text, colour, title }) => {
    expect(badgeFor(status)).toEqual({ text, colour, title });
  });

  it('every badge fits the four characters a toolbar badge shows', () => {
    for (const phase of callPhases) {
      for (const micMuted of [false, true]) expect(badgeFor({ ...base, phase, micMuted }).text.length).toBeLessThanOrEqual(4);
    }
  });

  it.each([
    { count: 0, words: 'nobody else yet' },
    { count: 1, words: '1 other person' },
    { count: 2, words: '2 others' },
    { count: 49, words: '49 others' },
  ])('$count others read as "$words"', ({ count, words }) => {
    expect(describeOthers(count)).toBe(words);
  });
});
