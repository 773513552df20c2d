import { describe, expect, it } from 'vitest';
import { describeIceCheck, judgeIceCheck } from '../../lib/signaling/connectivity-check';

const stun = { urls: 'stun:stun.example.com:3478' };
const turn = { urls: ['turn:turn.example.com:3478?transport=udp'], username: 'u', credential: 'c' };

describe('the connectivity check', () => {
  it.each<[string, RTCIceServer[], string[], { url: string; code: number }[], { stun: string; turn: string }]>([
    ['nothing configured', [], ['host'], [], { stun: 'not-configured', turn: 'not-configured' }],
    ['STUN found our public address', [stun], ['host', 'srflx'], [], { stun: 'ok', turn: 'not-configured' }],
    ['STUN silent', [stun], ['host'], [{ url: 'stun:stun.example.com:3478', code: 701 }], { stun: 'no-answer', turn: 'not-configured' }],
    ['TURN allocated a relay', [stun, turn], ['host', 'srflx', 'relay'], [], { stun: 'ok', turn: 'ok' }],
    ['a relay on a LAN counts for STUN too', [stun, turn], ['host', 'relay'], [], { stun: 'ok', turn: 'ok' }],
    ['TURN refused the credentials', [turn], ['host'], [{ url: 'turn:turn.example.com:3478?transport=udp', code: 401 }], { stun: 'not-configured', turn: 'refused' }],
    ['TURN unreachable', [turn], ['host'], [{ url: 'turn:turn.example.com:3478?transport=udp', code: 701 }], { stun: 'not-configured', turn: 'no-answer' }],
    ['a STUN 401 is not a TURN refusal', [stun, turn], ['host'], [{ url: 'stun:stun.example.com:3478', code: 401 }], { stun: 'no-answer', turn: 'no-answer' }],
  ])('%s', (_name, servers, types, errors, expected) => {
    expect(judgeIceCheck(servers, { types, errors })).toEqual(expected);
  });

  it('says each outcome in a plain sentence with what to do', () => {
    expect(describeIceCheck({ stun: 'ok', turn: 'ok' })).toBe('STUN answered. TURN gave a relay: calls will get through even when a direct path is blocked.');
    expect(describeIceCheck({ stun: 'not-configured', turn: 'refused' })).toContain('check the user name and credential');
  });
});
