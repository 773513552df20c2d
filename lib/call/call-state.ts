/**
 * What a call is, as a pure transition. A call is a room on the server: whoever starts
 * it opens the room, others join it, and it lasts while anyone is in it. The session
 * feeds events from media, signaling and peers; the UI renders whatever comes out.
 */
import type { CallError } from './call-error';
import type { CallId } from './call-id';
import { t } from '../i18n/i18n';

/** Who opened the room; it decides only how we enter it, not who may stay. */
export type Role = 'host' | 'guest';

export type CallState =
  | { kind: 'idle' }
  /**
   * Before entering: the person checks camera, microphone and name while media starts
   * and the signaling link opens underneath, so entering is quick.
   */
  | { kind: 'lobby'; role: Role; callId: CallId }
  /** Entered: acquiring media and registering with the signaling server, then the room. */
  | { kind: 'starting'; role: Role; callId: CallId }
  /** In the room with nobody else connected. */
  | { kind: 'waiting'; role: Role; callId: CallId }
  /** A joiner connecting to the people already in the room. */
  | { kind: 'dialing'; role: 'guest'; callId: CallId }
  /** A joiner at the door of a room that asks: a member must let them in ("Asking to join…"). */
  | { kind: 'asking'; role: 'guest'; callId: CallId }
  | { kind: 'in-call'; role: Role; callId: CallId }
  | { kind: 'ended'; role: Role; callId: CallId }
  | { kind: 'failed'; role: Role; callId: CallId; error: CallError };

export type CallEvent =
  | { type: 'start'; role: Role; callId: CallId }
  /** The person pressed Join (or Start) in the lobby. */
  | { type: 'enter' }
  | { type: 'signaling-open' }
  /** The server has our room: only now can someone with the ID find us. */
  | { type: 'room-open' }
  /** The room asks its members before letting us in: we wait at its door. */
  | { type: 'asked' }
  /** A member let us in: now we call everyone in the room. */
  | { type: 'admitted' }
  | { type: 'remote-connected' }
  /** Someone's connection ended; `remaining` is how many others we are still connected to. */
  | { type: 'remote-left'; remaining: number }
  | { type: 'leave' }
  | { type: 'error'; error: CallError };

export const idle: CallState = { kind: 'idle' };

export function isActive(state: CallState): boolean {
  return state.kind === 'lobby' || state.kind === 'starting' || state.kind === 'waiting' || state.kind === 'dialing' || state.kind === 'asking' || state.kind === 'in-call';
}

export function transition(state: CallState, event: CallEvent): CallState {
  switch (event.type) {
    case 'start':
      return isActive(state) ? state : { kind: 'lobby', role: event.role, callId: event.callId };

    case 'enter':
      return state.kind === 'lobby' ? { kind: 'starting', role: state.role, callId: state.callId } : state;

    case 'signaling-open':
      // Signaling also reopens mid-call after a network blip; only a starting joiner moves on.
      return state.kind === 'starting' && state.role === 'guest'
        ? { kind: 'dialing', role: 'guest', callId: state.callId }
        : state;

    case 'room-open':
      return state.kind === 'starting' && state.role === 'host'
        ? { kind: 'waiting', role: 'host', callId: state.callId }
        : state;

    case 'asked':
      return state.kind === 'dialing' ? { kind: 'asking', role: 'guest', callId: state.callId } : state;

    case 'admitted':
      return state.kind === 'asking' ? { kind: 'dialing', role: 'guest', callId: state.callId } : state;

    case 'remote-connected':
      return state.kind === 'waiting' || state.kind === 'dialing'
        ? { kind: 'in-call', role: state.role, callId: state.callId }
        : state;

    case 'remote-left':
      // The room outlives any one person: the last one left waits in it for others.
      return state.kind === 'in-call' && event.remaining === 0
        ? { kind: 'waiting', role: state.role, callId: state.callId }
        : state;

    case 'leave':
      return isActive(state) && state.kind !== 'idle' ? { kind: 'ended', role: state.role, callId: state.callId } : state;

    case 'error':
      if (!event.error.fatal || !isActive(state) || state.kind === 'idle') return state;
      return { kind: 'failed', role: state.role, callId: state.callId, error: event.error };
  }
}

/** The message a person reads when the call is over, or null while it is not. */
export function endMessage(state: CallState): string | null {
  if (state.kind === 'failed') return state.error.message;
  return state.kind === 'ended' ? t('call.left') : null;
}
