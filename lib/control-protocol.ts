/**
 * Messages between the two call tabs over the control data channel. Everything a
 * peer sends is hostile until `parseControlMessage` says otherwise.
 */
export const controlProtocolVersion = 1;
export const maxControlMessageBytes = 1024;

export type ControlMessage =
  /** Full state, not a delta: the channel is unordered, so `seq` lets the receiver drop stale ones. */
  | { v: 1; type: 'media-state'; seq: number; micMuted: boolean; cameraOff: boolean }
  /** Sent on Leave so the other side can end at once instead of waiting for the transport to notice. */
  | { v: 1; type: 'bye' };

export function encodeControlMessage(message: ControlMessage): string {
  return JSON.stringify(message);
}

export function parseControlMessage(data: unknown): ControlMessage | null {
  // A UTF-16 length under the limit can still be three times as many bytes; count bytes.
  if (typeof data !== 'string' || data.length > maxControlMessageBytes) return null;
  if (new TextEncoder().encode(data).length > maxControlMessageBytes) return null;
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const m = value as Record<string, unknown>;
  if (m.v !== controlProtocolVersion) return null;
  switch (m.type) {
    case 'media-state':
      if (!Number.isSafeInteger(m.seq) || (m.seq as number) < 0) return null;
      if (typeof m.micMuted !== 'boolean' || typeof m.cameraOff !== 'boolean') return null;
      return { v: 1, type: 'media-state', seq: m.seq as number, micMuted: m.micMuted, cameraOff: m.cameraOff };
    case 'bye':
      return { v: 1, type: 'bye' };
    default:
      return null;
  }
}
