/**
 * The one error path: every failure a user can hit becomes a CallError with a stable
 * code, and the UI shows its message, which always says what to do next.
 */
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

const messages: Record<CallErrorCode, { fatal: boolean; message: string }> = {
  'permission-denied': {
    fatal: false,
    message:
      'PeerCall may not use your camera or microphone. Click the camera icon at the right of the address bar (or open Site settings for this extension), allow both, then press Retry.',
  },
  'no-camera': {
    fatal: false,
    message: 'No camera was found, so you are in the call with audio only. Plug in a camera and pick it in the camera list.',
  },
  'no-microphone': {
    fatal: false,
    message: 'No microphone was found, so the other person cannot hear you. Plug one in and pick it in the microphone list.',
  },
  'no-devices': {
    fatal: false,
    message: 'No camera or microphone was found. You can still see and hear the other person; plug in a device and pick it in the lists.',
  },
  'device-busy': {
    fatal: false,
    message: 'Your camera or microphone is in use by another program or tab. Close it there, then press Retry or pick another device.',
  },
  'signaling-unreachable': {
    fatal: false,
    message: 'Cannot reach the PeerCall server. Retrying automatically; check your connection or the server address in Settings.',
  },
  'signaling-rejected': {
    fatal: true,
    message: 'The PeerCall server refused this extension (wrong server key?). Check the server address and key in Settings, then start again.',
  },
  'session-ended': {
    fatal: true,
    message: 'The PeerCall server ended this session: it was offline too long, or the server restarted. Join the call again with the same ID.',
  },
  'peer-unavailable': {
    fatal: true,
    message: 'The other person left before the call connected. Check with them, then join again.',
  },
  'room-unknown': {
    fatal: true,
    message: 'Nobody is in a call with this ID: the call has ended or the ID is wrong. Check the ID with the person who invited you and try again.',
  },
  'room-full': {
    fatal: true,
    message: 'This call is full. Ask the person who invited you to make room, or start a new call.',
  },
  'id-taken': {
    fatal: true,
    message: 'This call ID is already in use on the server. Start a new call to get a fresh ID.',
  },
  'invalid-call-id': {
    fatal: true,
    message: 'That is not a PeerCall ID or invite. An ID looks like k3f9-x2ab-… (7 groups of 4 letters and digits); paste the whole invite.',
  },
  'no-answer': {
    fatal: true,
    message: 'The call did not connect: the other person may already be in a call or offline. Check with them, then try again.',
  },
  'connection-failed': {
    fatal: true,
    message: 'The connection to the other person failed, often because a firewall blocks direct connections. Add a TURN server in Settings, then try again.',
  },
  'turn-refused': {
    fatal: true,
    message:
      'The TURN relay refused the credentials PeerCall was given (expired, or the server and relay disagree on the secret), and relay-only is on. Ask the server operator to check PEERCALL_TURN_SECRET, or turn off relay-only in Settings, then join again.',
  },
  'browser-incompatible': {
    fatal: true,
    message: 'This browser lacks the WebRTC features PeerCall needs. Update it, or use a current Chrome, Chromium or Firefox.',
  },
  'screen-share-failed': {
    fatal: false,
    message:
      'Your screen could not be shared. Check that the browser may record the screen (on macOS: System Settings, Privacy & Security, Screen Recording), then try again.',
  },
  'file-too-large': {
    fatal: false,
    message: 'That file is larger than 2 GB, the most PeerCall sends. Share it another way, or pick a smaller file.',
  },
  'file-no-recipients': {
    fatal: false,
    message: 'Nobody else is in the call yet, so there is no one to send the file to. Send it again once someone has joined.',
  },
  internal: {
    fatal: true,
    message: 'Something went wrong inside PeerCall. Close this tab and start the call again.',
  },
};

export function callError(code: CallErrorCode): CallError {
  return { code, ...messages[code] };
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
