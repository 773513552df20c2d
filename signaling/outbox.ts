/**
 * Everything the server writes to a peer's socket goes through here. A peer that stops
 * reading would otherwise make the server hold every message its room-mates send it,
 * without end: past `maxOutgoingBytes` already waiting to go out, the slow reader is
 * dropped (its room-mates hear it left) and counted.
 */
import type WebSocket from 'ws';
import type { Metrics } from './metrics.js';
import type { RefusalLog } from './refusal-log.js';

export function boundedWriter(maxOutgoingBytes: number, metrics: Metrics, refusals: RefusalLog): (ws: WebSocket, message: object) => boolean {
  return (ws, message) => {
    if (ws.readyState !== ws.OPEN) return false;
    // Checked before writing, so one message of any allowed size still goes to a reader that keeps up.
    if (ws.bufferedAmount > maxOutgoingBytes) {
      metrics.slowReaderDropped();
      refusals.note(ws, 'slow-reader', 'socket');
      // Terminate, not close: a close frame would only queue behind what it does not read.
      ws.terminate();
      return false;
    }
    ws.send(JSON.stringify(message));
    return true;
  };
}
