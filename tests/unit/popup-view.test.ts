// @vitest-environment node
import { describe, expect, it } from 'vitest';
import type { CallStatus } from '../../lib/extension/call-remote';
import { formatElapsed, popupView } from '../../lib/extension/popup-view';

const startedAtMs = 1_700_000_000_000;
const base: CallStatus = { phase: 'in-call', startedAtMs, micMuted: false, cameraOff: false, participants: 1 };

describe('the popup', () => {
  it('offers Start and Join when no call runs', () => {
    expect(popupView(null, startedAtMs)).toEqual({ kind: 'start-or-join' });
  });

  it('shows a running call with how long it lasted, who is there and what the buttons will do', () => {
    expect(popupView(base, startedAtMs + 83_400)).toEqual({
      kind: 'running-call',
      phase: 'in-call',
      phaseLabel: 'In call',
      elapsed: '01:23',
      participants: 1,
      participantsLabel: '1 other person',
      micMuted: false,
      cameraOff: false,
      muteLabel: 'Mute',
      cameraLabel: 'Camera off',
    });
  });

  it.each([
    { name: 'muted', status: { ...base, micMuted: true }, muteLabel: 'Unmute', cameraLabel: 'Camera off' },
    { name: 'camera off', status: { ...base, cameraOff: true }, muteLabel: 'Mute', cameraLabel: 'Camera on' },
    { name: 'both', status: { ...base, micMuted: true, cameraOff: true }, muteLabel: 'Unmute', cameraLabel: 'Camera on' },
  ])('$name: the buttons offer $muteLabel and $cameraLabel', ({ status, muteLabel, cameraLabel }) => {
    expect(popupView(status, startedAtMs)).toMatchObject({ muteLabel, cameraLabel });
  });

  it('in the lobby there is no duration yet: the clock starts on entering', () => {
    expect(popupView({ ...base, phase: 'lobby', participants: 0 }, startedAtMs + 5_000)).toMatchObject({ phaseLabel: 'Getting ready', elapsed: null });
  });

  it.each([
    { phase: 'starting', participants: 0, phaseLabel: 'Starting…', participantsLabel: 'Nobody else yet' },
    { phase: 'dialing', participants: 0, phaseLabel: 'Joining…', participantsLabel: 'Nobody else yet' },
    { phase: 'asking', participants: 0, phaseLabel: 'Asking to join…', participantsLabel: 'Nobody else yet' },
    { phase: 'waiting', participants: 0, phaseLabel: 'Waiting for others', participantsLabel: 'Nobody else yet' },
    { phase: 'in-call', participants: 4, phaseLabel: 'In call', participantsLabel: '4 others' },
  ] as const)('$phase with $participants others reads "$phaseLabel", "$participantsLabel"', ({ phase, participants, phaseLabel, participantsLabel }) => {
    expect(popupView({ ...base, phase, participants }, startedAtMs)).toMatchObject({ phaseLabel, participantsLabel });
  });
});

describe('formatElapsed', () => {
  it.each([
    { ms: 0, shown: '00:00' },
    { ms: 999, shown: '00:00' },
    { ms: 1_000, shown: '00:01' },
    { ms: 59_999, shown: '00:59' },
    { ms: 60_000, shown: '01:00' },
    { ms: 754_000, shown: '12:34' },
    { ms: 3_599_999, shown: '59:59' },
    { ms: 3_600_000, shown: '1:00:00' },
    { ms: 37_230_000, shown: '10:20:30' },
    { ms: -5_000, shown: '00:00' },
    { ms: Number.NaN, shown: '00:00' },
  ])('$ms ms shows as $shown', ({ ms, shown }) => {
    expect(formatElapsed(ms)).toBe(shown);
  });
});
