// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { callError, type CallErrorCode, isJoinRefusal, mediaErrorCode } from '../../lib/call/call-error';

/** Whether each code stops the call. A Record, so a new code fails to compile until it is listed here. */
const fatalByCode: Record<CallErrorCode, boolean> = {
  'permission-denied': false,
  'no-camera': false,
  'no-microphone': false,
  'no-devices': false,
  'device-busy': false,
  'signaling-unreachable': false,
  'signaling-rejected': true,
  'session-ended': true,
  'peer-unavailable': true,
  'room-unknown': true,
  'room-full': true,
  'room-locked': true,
  'join-denied': true,
  'join-unanswered': true,
  'waiting-full': true,
  'id-taken': true,
  'invalid-call-id': true,
  'no-answer': true,
  'connection-failed': true,
  'turn-refused': true,
  'browser-incompatible': true,
  'screen-share-failed': false,
  'file-too-large': false,
  'file-no-recipients': false,
  internal: true,
};

const codes = Object.entries(fatalByCode).map(([code, fatal]) => ({ code: code as CallErrorCode, fatal }));

/** Verbs that tell the user what to do; every message's last sentence should use one. */
const nextStep = /\b(click|allow|press|plug|pick|close|check|start|join|paste|add|update|use|try|send)\b/i;

describe('callError', () => {
  it.each(codes)('$code carries its code and fatal: $fatal', ({ code, fatal }) => {
    const error = callError(code);
    expect(error.code).toBe(code);
    expect(error.fatal).toBe(fatal);
    expect(error.message.trim()).not.toBe('');
  });

  it.each(codes)('$code ends with a sentence that says what to do next', ({ code }) => {
    const { message } = callError(code);
    expect(message).toMatch(/\.$/);
    const sentences = message.split(/(?<=\.)\s+/);
    expect(sentences.at(-1)).toMatch(nextStep);
  });

  it('gives every code its own message', () => {
    const messages = codes.map(({ code }) => callError(code).message);
    expect(new Set(messages).size).toBe(messages.length);
  });
});

describe('mediaErrorCode', () => {
  it.each<{ name: string; error: unknown; code: CallErrorCode }>([
    { name: 'a NotAllowedError (permission refused)', error: new DOMException('x', 'NotAllowedError'), code: 'permission-denied' },
    { name: 'a SecurityError (media blocked by policy)', error: new DOMException('x', 'SecurityError'), code: 'permission-denied' },
    { name: 'a NotFoundError (no device)', error: new DOMException('x', 'NotFoundError'), code: 'no-camera' },
    { name: 'an OverconstrainedError', error: new DOMException('x', 'OverconstrainedError'), code: 'no-camera' },
    { name: 'a NotReadableError (device busy)', error: new DOMException('x', 'NotReadableError'), code: 'device-busy' },
    { name: 'an AbortError', error: new DOMException('x', 'AbortError'), code: 'device-busy' },
    { name: 'a plain object named like a DOMException', error: { name: 'NotAllowedError' }, code: 'permission-denied' },
    { name: 'an Error renamed NotReadableError', error: Object.assign(new Error('x'), { name: 'NotReadableError' }), code: 'device-busy' },
    { name: 'an unrelated DOMException', error: new DOMException('x', 'InvalidStateError'), code: 'internal' },
    { name: 'a TypeError', error: new TypeError('getUserMedia is not a function'), code: 'internal' },
    { name: 'a name in the wrong case', error: new DOMException('x', 'notallowederror'), code: 'internal' },
    { name: 'the name as a bare string', error: 'NotAllowedError', code: 'internal' },
    { name: 'null', error: null, code: 'internal' },
    { name: 'undefined', error: undefined, code: 'internal' },
    { name: 'a number', error: 42, code: 'internal' },
    { name: 'an empty object', error: {}, code: 'internal' },
    { name: 'an object whose name is not a string', error: { name: 7 }, code: 'internal' },
  ])('maps $name to $code', ({ error, code }) => {
    expect(mediaErrorCode(error)).toBe(code);
  });
});

describe('isJoinRefusal', () => {
  it.each([
    ['room-unknown', true],
    ['room-full', true],
    ['room-locked', true],
    ['join-denied', true],
    ['join-unanswered', true],
    ['waiting-full', true],
    // A member's answer at the door that did nothing is no reason to end its call.
    ['request-unknown', false],
    ['not-member', false],
    ['room-exists', false],
    ['bad-request', false],
  ])('%s: %s', (code, refuses) => {
    expect(isJoinRefusal(code)).toBe(refuses);
  });
});
