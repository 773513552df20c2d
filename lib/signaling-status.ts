/**
 * The link to the signaling server, shown to the user as a status line. Losing it
 * does not end a running call (media flows peer to peer); it only stops new peers
 * from reaching us, so we retry with capped exponential backoff.
 */
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
      return 'Not connected to the PeerCall server.';
    case 'connecting':
      return 'Connecting to the PeerCall server…';
    case 'online':
      return 'Connected to the PeerCall server.';
    case 'retrying': {
      const seconds = Math.max(0, Math.ceil((status.retryAtMs - nowMs) / 1000));
      return `Cannot reach the PeerCall server. Retry ${status.attempt} in ${seconds} s; check your connection or the server address in Settings.`;
    }
  }
}
