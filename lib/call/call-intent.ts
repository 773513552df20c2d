/**
 * What a call tab (or the guest page) is opened for: to host a new call, or to join one by
 * its ID, maybe through the server an invite named rather than the one in Settings.
 */
import { type CallId, parseCallId } from './call-id';
import { parseSignalingUrl, type Settings } from './settings';

export type CallIntent = { role: 'host' } | { role: 'guest'; callId: CallId; signalingUrl?: string };

/** An intent handed between our pages (storage, messages), checked like anything read back. */
export function parseCallIntent(value: unknown): CallIntent | null {
  if (typeof value !== 'object' || value === null) return null;
  const { role, callId, signalingUrl } = value as { role?: unknown; callId?: unknown; signalingUrl?: unknown };
  if (role === 'host') return { role: 'host' };
  if (role !== 'guest' || typeof callId !== 'string') return null;
  const id = parseCallId(callId);
  if (id === null) return null;
  if (signalingUrl === undefined) return { role: 'guest', callId: id };
  if (typeof signalingUrl !== 'string' || !parseSignalingUrl(signalingUrl).ok) return null;
  return { role: 'guest', callId: id, signalingUrl };
}

/** The settings this call runs with: the invite's server, when it named one, in place of the configured one. */
export function settingsForIntent(settings: Settings, intent: CallIntent): Settings {
  return intent.role === 'guest' && intent.signalingUrl !== undefined ? { ...settings, signalingUrl: intent.signalingUrl } : settings;
}
