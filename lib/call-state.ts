/**
 * What a call is, as a pure transition. The controller feeds it events from media,
 * signaling and the peer; the UI renders whatever state comes out.
 */
import type { CallError } from './call-error';
import { callError } from './call-error';
import type { CallId } from './call-id';

export type Role = 'host' | 'guest';

export type CallState =
  | { kind: 'idle' }
  /** Acquiring media and registering with the signaling server. */
  | { kind: 'starting'; role: Role; callId: CallId }
  /** Host is registered and waiting for someone to join. */
  | { kind: 'waiting'; role: 'host'; callId: CallId }
  /** Guest is ringing the host. */
  | { kind: 'dialing'; role: 'guest'; callId: CallId }
  | { kind: 'in-call'; role: Role; callId: CallId }
  | { kind: 'ended'; role: Role; callId: CallId; reason: 'left' | 'remote-left' }
  | { kind: 'failed'; role: Role; callId: CallId; error: CallError };

export type CallEvent =
  | { type: 'start'; role: Role; callId: CallId }
  | { type: 'signaling-open' }
  /** The server has our room: only now can someone with the ID find us. */
  | { type: 'room-open' }
  | { type: 'remote-connected' }
  | { type: 'remote-left' }
  | { type: 'leave' }
  | { type: 'error'; error: CallError };

export const idle: CallState = { kind: 'idle' };

export function isActive(state: CallState): boolean {
  return state.kind === 'starting' || state.kind === 'waiting' || state.kind === 'dialing' || state.kind === 'in-call';
}

export function transition(state: CallState, event: CallEvent): CallState {
  switch (event.type) {
    case 'start':
      return isActive(state) ? state : { kind: 'starting', role: event.role, callId: event.callId };

    case 'signaling-open':
      // Signaling also reopens mid-call after a network blip; only a starting guest moves on.
      return state.kind === 'starting' && state.role === 'guest'
        ? { kind: 'dialing', role: 'guest', callId: state.callId }
        : state;

    case 'room-open':
      return state.kind === 'starting' && state.role === 'host'
        ? { kind: 'waiting', role: 'host', callId: state.callId }
        : state;

    case 'remote-connected':
      return state.kind === 'waiting' || state.kind === 'dialing'
        ? { kind: 'in-call', role: state.role, callId: state.callId }
        : state;

    case 'remote-left':
      if (state.kind !== 'in-call') return state;
      // The host keeps the call open so the guest (or someone else with the ID) can come back.
      return state.role === 'host'
        ? { kind: 'waiting', role: 'host', callId: state.callId }
        : { kind: 'ended', role: state.role, callId: state.callId, reason: 'remote-left' };

    case 'leave':
      return isActive(state) && state.kind !== 'idle'
        ? { kind: 'ended', role: state.role, callId: state.callId, reason: 'left' }
        : state;

    case 'error':
      if (!event.error.fatal || !isActive(state) || state.kind === 'idle') return state;
      return { kind: 'failed', role: state.role, callId: state.callId, error: event.error };
  }
}

/** The message a person reads when the call is over, or null while it is not. */
export function endMessage(state: CallState): string | null {
  if (state.kind === 'failed') return state.error.message;
  if (state.kind !== 'ended') return null;
  return state.reason === 'remote-left' ? callError('remote-hung-up').message : 'You left the call.';
}
