/**
 * The one error path: every failure a user can hit becomes a CallError with a stable
 * code, and the UI shows its message, which always says what to do next.
 */
import { t } from '../i18n/i18n';

export type CallErrorCode =
  | 'permission-denied'
  | 'no-camera'
  | 'no-microphone'
  | 'no-devices'
  | 'device-busy'
  | 'signaling-unreachable'
  | 'signaling-rejected'
  | 'session-ended'
  | 'peer-unavailable'
  | 'room-unknown'
  | 'room-full'
  | 'room-locked'
  | 'join-denied'
  | 'join-unanswered'
  | 'waiting-full'
  | 'id-taken'
  | 'invalid-call-id'
  | 'no-answer'
  | 'connection-failed'
  | 'turn-refused'
  | 'browser-incompatible'
  | 'screen-share-failed'
  | 'file-too-large'
  | 'file-no-recipients'
  | 'internal';

export interface CallError {
  readonly code: CallErrorCode;
  /** Whether the call can go on (a notice) or has stopped (a failure). */
  readonly fatal: boolean;
  readonly message: string;
}

/** Whether each failure stops the call; what it says is in the catalogs (error.<code>). */
const fatal: Record<CallErrorCode, boolean> = {
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

/** The server's answers that turn a joiner away, each a failure of its own: the room is gone or full, or its door said no. */
const joinRefusals = ['room-unknown', 'room-full', 'room-locked', 'join-denied', 'join-unanswered', 'waiting-full'] as const satisfies readonly CallErrorCode[];

export function isJoinRefusal(code: string): code is (typeof joinRefusals)[number] {
  return (joinRefusals as readonly string[]).includes(code);
}

export function callError(code: CallErrorCode): CallError {
  return { code, fatal: fatal[code], message: t(`error.${code}`) };
}

/** Maps getUserMedia's DOMException names onto our codes. */
export function mediaErrorCode(error: unknown): CallErrorCode {
  const name = error instanceof Error || (typeof error === 'object' && error !== null && 'name' in error)
    ? String((error as { name: unknown }).name)
    : '';
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return 'permission-denied';
    case 'NotFoundError':
    case 'OverconstrainedError':
      return 'no-camera';
    case 'NotReadableError':
    case 'AbortError':
      return 'device-busy';
    default:
      return 'internal';
  }
}
