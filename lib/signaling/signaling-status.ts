/**
 * The link to the signaling server, shown to the user as a status line. Losing it does
 * not end a running call (media flows peer to peer); it only stops new peers and ICE
 * restarts from reaching us, so we try again: at once, then with capped backoff, and the
 * moment a cheap probe finds the server answering again.
 */
import { t } from '../i18n/i18n';

export type SignalingStatus =
  /** Not linked: before a call starts, and after it ends. */
  | { kind: 'offline' }
  /** Connecting for the first time. */
  | { kind: 'connecting' }
  | { kind: 'online' }
  /** The link dropped (at `sinceMs`) and is being made again now. */
  | { kind: 'reconnecting'; sinceMs: number }
  /** The server cannot be reached; the next try is at `retryAtMs`, sooner if a probe finds it. */
  | { kind: 'retrying'; attempt: number; retryAtMs: number; sinceMs: number }
  /** This device has no network at all. */
  | { kind: 'no-network'; sinceMs: number };

export const firstRetryDelayMs = 1_000;
/** The longest wait between full tries; a probe of /health twice a second cuts it short. */
export const maxRetryDelayMs = 15_000;
/** How often an unreachable server is probed with a GET of /health, which costs it next to nothing. */
export const probeIntervalMs = 500;
/** A link that has heard nothing from the server for this long (pings go every second) is dead. */
export const deadAfterMs = 3_500;
export const pingIntervalMs = 1_000;

/** Delay before retry number `attempt` (1-based); `jitter` in [0, 1) spreads a crowd of clients apart. */
export function retryDelayMs(attempt: number, jitter: number): number {
  const base = Math.min(maxRetryDelayMs, firstRetryDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (0.8 + 0.4 * jitter));
}

/** Whole seconds from `fromMs` to `toMs`, never below 0. */
const secondsBetween = (fromMs: number, toMs: number) => Math.max(0, Math.ceil((toMs - fromMs) / 1000));

export function describeSignaling(status: SignalingStatus, nowMs: number): string {
  switch (status.kind) {
    case 'offline':
      return t('signaling.offline');
    case 'connecting':
      return t('signaling.connecting');
    case 'online':
      return t('signaling.online');
    case 'reconnecting':
      return t('signaling.reconnecting', { lost: Math.max(0, Math.floor((nowMs - status.sinceMs) / 1000)) });
    case 'retrying':
      return t('signaling.retrying', {
        lost: Math.max(0, Math.floor((nowMs - status.sinceMs) / 1000)),
        attempt: status.attempt,
        seconds: secondsBetween(nowMs, status.retryAtMs),
      });
    case 'no-network':
      return t('signaling.noNetwork', { lost: Math.max(0, Math.floor((nowMs - status.sinceMs) / 1000)) });
  }
}
