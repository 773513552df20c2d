/**
 * What stands between a signaling socket and everyone else. Each socket presents a
 * token for its peer ID; each frame is size-checked, rate-limited and validated; a
 * relayed OFFER, ANSWER, CANDIDATE or LEAVE goes only to a peer in the sender's room.
 * PeerServer still registers IDs and tracks heartbeats; the relaying is ours, so no
 * frame reaches a peer that these checks did not pass.
 */
import type WebSocket from 'ws';
import type { Admission } from './admission.js';
import { parseClientFrame, type RelayType } from './client-frames.js';
import type { Hub, RelayOutcome } from './hub.js';
import type { LocalPeers } from './local-peers.js';
import type { PendingMessages } from './pending-messages.js';
import { logEvent } from './log.js';
import type { DropReason, Metrics } from './metrics.js';
import type { RefusalLog } from './refusal-log.js';
import { FloodMeter, RateLimit } from './rate-limit.js';
import { handleRoomRequest } from './room-service.js';

export interface GateSettings {
  readonly maxFrameBytes: number;
  readonly messagesPerSecond: number;
  readonly messageBurst: number;
  readonly maxQueuedPerPeer: number;
}

/**
 * Takes over a socket's incoming frames: heartbeats go on to PeerServer, everything
 * else is handled here, in the peer's lane (local-peers.ts), in the order it came.
 */
export function gateFrames(
  ws: WebSocket,
  who: Admission,
  settings: GateSettings,
  hub: Hub,
  peers: LocalPeers,
  pending: PendingMessages,
  metrics: Metrics,
  refusals: RefusalLog,
): void {
  const original = ws.emit.bind(ws);
  const limit = new RateLimit(settings.messagesPerSecond, settings.messageBurst, Date.now());
  // As many strikes as the burst it was allowed: a flood at twice the rate is closed within a few seconds.
  const flood = new FloodMeter(settings.messagesPerSecond, settings.messageBurst, Date.now());
  let answeredFlood = false;
  const reply = (message: object): void => {
    peers.send(ws, message);
  };
  // Answers go through the bounded writer too: a client that sends junk and never reads must not pile them up.
  const answer = (msg: string): void => reply({ type: 'ERROR', payload: { msg } });
  const dropped = (reason: DropReason): void => {
    metrics.dropped(reason);
    refusals.note(ws, reason, 'socket');
  };
  const refuse = (reason: DropReason, detail: string): void => {
    dropped(reason);
    answer(`${reason}: ${detail}`);
  };
  const context: RelayContext = { hub, pending, metrics, reply, dropped };

  ws.emit = ((event: string | symbol, ...args: unknown[]): boolean => {
    if (event !== 'message') return original(event, ...args);
    const [data, isBinary] = args as [Buffer, boolean];
    const nowMs = Date.now();
    if (!limit.take(nowMs)) {
      dropped('rate-limited');
      // One answer per run of refusals, so a flood is not echoed back at the same rate.
      if (!answeredFlood) answer(`rate-limited: at most ${settings.messagesPerSecond} messages a second`);
      answeredFlood = true;
      if (flood.strike(nowMs)) {
        refusals.note(ws, 'flooding', 'socket');
        ws.close(1008, 'flooding');
      }
      return true;
    }
    answeredFlood = false;
    const frame = parseClientFrame(data, isBinary, settings.maxFrameBytes);
    const registered = peers.isCurrent(who.id, ws);
    // PeerServer counts heartbeats as signs of life; only the registered socket's count.
    if (frame.kind === 'heartbeat') return registered ? original('message', data, isBinary) : true;
    if (frame.kind === 'refused') return refuse(frame.reason, frame.detail), true;
    if (!registered) return refuse('malformed', 'wait for OPEN before sending'), true;
    const work =
      frame.kind === 'room'
        ? () => handleRoomRequest(hub, who, frame.request, reply)
        : () => relay(who.id, frame.type, frame.dst, frame.payload, data.length, context);
    if (!peers.runFrame(who.id, ws, data.length, () => answerFailure(work, answer))) refuse('busy', 'too many messages waiting; slow down');
    return true;
  }) as typeof ws.emit;
}

/** Work that fails (Redis gone) is answered, not thrown: the client may try again. */
function answerFailure(work: () => void | Promise<void>, answer: (msg: string) => void): void | Promise<void> {
  const failed = (error: unknown): void => {
    logEvent('error', 'relay-failed', { message: error instanceof Error ? error.message : String(error) });
    answer('server-busy: try again');
  };
  try {
    const result = work();
    if (result instanceof Promise) return result.catch(failed);
  } catch (error) {
    failed(error);
  }
}

interface RelayContext {
  readonly hub: Hub;
  readonly pending: PendingMessages;
  readonly metrics: Metrics;
  readonly reply: (message: object) => void;
  /** Counts and logs a frame refused after it was taken. */
  readonly dropped: (reason: DropReason) => void;
}

function relay(src: string, type: RelayType, dst: string, payload: unknown, bytes: number, context: RelayContext): void | Promise<void> {
  const message = payload === undefined ? { type, src, dst } : { type, src, dst, payload };
  const outcome = context.hub.relay(src, dst, message);
  if (outcome instanceof Promise) return outcome.then((settled) => relayed(settled, src, type, dst, message, bytes, context));
  relayed(outcome, src, type, dst, message, bytes, context);
}

function relayed(outcome: RelayOutcome, src: string, type: RelayType, dst: string, message: object, bytes: number, context: RelayContext): void {
  if (outcome === 'delivered') return context.metrics.relayed();
  // Knowing a peer's ID is not enough to ring it: only room-mates hear from each other.
  if (outcome === 'unreachable' && context.pending.add(dst, message, bytes, Date.now())) return;
  context.dropped(outcome === 'not-in-room' ? 'not-in-room' : 'queue-full');
  if (type !== 'LEAVE') context.reply({ type: 'EXPIRE', src: dst, dst: src });
}
