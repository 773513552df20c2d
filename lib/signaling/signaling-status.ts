/**
 * The link to the signaling server, shown to the user as a status line. Losing it
 * does not end a running call (media flows peer to peer); it only stops new peers
 * from reaching us, so we retry with capped exponential backoff.
 */
import { t } from '../i18n/i18n';

export type SignalingStatus =
  | { kind: 'offline' }
  | { kind: 'connecting' }
  | { kind: 'online' }
  | { kind: 'retrying'; attempt: number; retryAtMs: number };

export const firstRetryDelayMs = 1_000;
export const maxRetryDelayMs = 30_000;

/** Delay before retry number `attempt` (1-based); `jitter` in [0, 1) spreads a crowd of clients apart. */
export function retryDelayMs(attempt: number, jitter: number): number {
  const base = Math.min(maxRetryDelayMs, firstRetryDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (0.8 + 0.4 * jitter));
}

export function describeSignaling(status: SignalingStatus, nowMs: number): string {
  switch (status.kind) {
    case 'offline':
      return t('signaling.offline');
    case 'connecting':
      return t('signaling.connecting');
    case 'online':
      return t('signaling.online');
    case 'retrying': {
      const seconds = Math.max(0, Math.ceil((status.retryAtMs - nowMs) / 1000));
      return t('signaling.retrying', { attempt: status.attempt, seconds });
    }
  }
}
