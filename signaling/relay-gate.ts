/**
 * What stands between a signaling socket and everyone else. Each frame is rate-limited,
 * size-checked and validated; a relayed OFFER, ANSWER, CANDIDATE, LEAVE or RESTART goes
 * only to a peer in the sender's room. PeerServer still registers IDs and tracks heartbeats;
 * the relaying is ours, so no frame reaches a peer that these checks did not pass.
 * One small object per socket holds its state, and one shared function takes its
 * frames: ten thousand sockets cost ten thousand objects, not ten thousand closures.
 * A newcomer waiting at a room's door is in no room, so it reaches nobody and nobody
 * reaches it until a member lets it in (room-admission.ts).
 */
import { EventEmitter } from 'node:events';
import type WebSocket from 'ws';
import type { Admission } from './admission.js';
import { type ClientFrame, parseClientFrame, type RelayType } from './client-frames.js';
import type { Hub, RelayOutcome } from './hub.js';
import type { LocalPeers } from './local-peers.js';
import { logEvent } from './log.js';
import type { DropReason, Metrics } from './metrics.js';
import type { PendingMessages } from './pending-messages.js';
import { SendBudget } from './rate-limit.js';
import type { RefusalLog } from './refusal-log.js';
import { handleRoomRequest } from './room-service.js';

export interface GateSettings {
  readonly maxFrameBytes: number;
  readonly messagesPerSecond: number;
  readonly messageBurst: number;
}

/** What every socket's gate shares: the node's settings and services. */
export interface GateServices {
  readonly settings: GateSettings;
  readonly hub: Hub;
  readonly peers: LocalPeers;
  readonly pending: PendingMessages;
  readonly metrics: Metrics;
  readonly refusals: RefusalLog;
  /** A connect ticket for `peerId` if `token` is a live token of theirs, else null. */
  mintTicket(peerId: string, token: string): { ticket: string; expiresAtMs: number } | null;
}

const gateOf = Symbol('peercall gate');
const heartbeatFrame = Buffer.from('{"type":"HEARTBEAT"}');
const emitEvent = EventEmitter.prototype.emit;

type GatedSocket = WebSocket & { [gateOf]?: SocketGate };

/** Every gated socket's `emit`: frames go to its gate, every other event as usual. */
function gatedEmit(this: GatedSocket, event: string | symbol, ...args: unknown[]): boolean {
  if (event !== 'message') return emitEvent.call(this, event, ...args);
  this[gateOf]!.take(args[0] as Buffer, args[1] as boolean);
  return true;
}

/**
 * Takes over a socket's incoming frames: heartbeats go on to PeerServer, everything
 * else is handled here, in the peer's lane (local-peers.ts), in the order it came.
 */
export function gateFrames(ws: WebSocket, who: Admission, services: GateServices): void {
  (ws as GatedSocket)[gateOf] = new SocketGate(ws, who, services);
  ws.emit = gatedEmit as typeof ws.emit;
}

/** One socket's state; it is also who the socket is (`id`, `roomTag`) for the room service. */
class SocketGate implements Admission {
  readonly id: string;
  readonly roomTag: string;
  readonly #ws: WebSocket;
  readonly #services: GateServices;
  readonly #budget: SendBudget;
  #answeredFlood = false;

  constructor(ws: WebSocket, who: Admission, services: GateServices) {
    const nowMs = Date.now();
    this.#ws = ws;
    this.id = who.id;
    this.roomTag = who.roomTag;
    this.#services = services;
    const { messagesPerSecond, messageBurst } = services.settings;
    // As many strikes as the burst it was allowed: a flood at twice the rate is closed within a few seconds.
    this.#budget = new SendBudget(messagesPerSecond, messageBurst, messageBurst, nowMs);
  }

  take(data: Buffer, isBinary: boolean): void {
    const { settings, peers } = this.#services;
    const nowMs = Date.now();
    if (!this.#budget.take(nowMs)) return this.#overRate(nowMs);
    this.#answeredFlood = false;
    const frame = parseClientFrame(data, isBinary, settings.maxFrameBytes);
    const registered = peers.isCurrent(this.id, this.#ws);
    // PeerServer counts heartbeats as signs of life; only the registered socket's count.
    if (frame.kind === 'heartbeat') {
      if (registered) emitEvent.call(this.#ws, 'message', data, isBinary);
      return;
    }
    // A client asks whether its socket still reaches us: answered at once, and it is a heartbeat too.
    if (frame.kind === 'ping') {
      this.reply({ type: 'PONG' });
      if (registered) emitEvent.call(this.#ws, 'message', heartbeatFrame, false);
      return;
    }
    if (frame.kind === 'refused') return this.#refuse(frame.reason, frame.detail);
    if (!registered) return this.#refuse('malformed', 'wait for OPEN before sending');
    if (frame.kind === 'ticket') {
      const minted = this.#services.mintTicket(this.id, frame.token);
      if (!minted) return this.#refuse('malformed', 'ticket-refused: that token is not a live token of this ID');
      return this.reply({ type: 'TICKET', payload: minted });
    }
    if (!peers.runFrame(this.id, this.#ws, data.length, () => this.#handle(frame, data.length))) {
      this.#refuse('busy', 'too many messages waiting; slow down');
    }
  }

  /** Writes to this socket through the bounded writer: a client that sends junk and never reads must not pile answers up. */
  reply(message: object): void {
    this.#services.peers.send(this.#ws, message);
  }

  /** Counts and logs a refused frame. */
  dropped(reason: DropReason): void {
    this.#services.metrics.dropped(reason);
    this.#services.refusals.note(this.#ws, reason, 'socket');
  }

  #answer(msg: string): void {
    this.reply({ type: 'ERROR', payload: { msg } });
  }

  #refuse(reason: DropReason, detail: string): void {
    this.dropped(reason);
    this.#answer(`${reason}: ${detail}`);
  }

  #overRate(nowMs: number): void {
    this.dropped('rate-limited');
    // One answer per run of refusals, so a flood is not echoed back at the same rate.
    if (!this.#answeredFlood) this.#answer(`rate-limited: at most ${this.#services.settings.messagesPerSecond} messages a second`);
    this.#answeredFlood = true;
    if (this.#budget.strike(nowMs)) {
      this.#services.refusals.note(this.#ws, 'flooding', 'socket');
      this.#ws.close(1008, 'flooding');
    }
  }

  /** A frame's work in the lane. Work that fails (Redis gone) is answered, not thrown: the client may try again. */
  #handle(frame: Extract<ClientFrame, { kind: 'room' | 'relay' }>, bytes: number): void | Promise<void> {
    try {
      const result =
        frame.kind === 'room'
          ? handleRoomRequest(this.#services.hub, this.#services.metrics, this, frame.request, (message) => this.reply(message))
          : this.#relay(frame.type, frame.dst, frame.payload, bytes);
      if (result instanceof Promise) return result.catch((error: unknown) => this.#failed(error));
    } catch (error) {
      this.#failed(error);
    }
  }

  #failed(error: unknown): void {
    logEvent('error', 'relay-failed', { message: error instanceof Error ? error.message : String(error) });
    this.#answer('server-busy: try again');
  }

  #relay(type: RelayType, dst: string, payload: unknown, bytes: number): void | Promise<void> {
    const src = this.id;
    const message = payload === undefined ? { type, src, dst } : { type, src, dst, payload };
    const outcome = this.#services.hub.relay(src, dst, message);
    if (outcome instanceof Promise) return outcome.then((settled) => this.#relayed(settled, type, dst, message, bytes));
    this.#relayed(outcome, type, dst, message, bytes);
  }

  #relayed(outcome: RelayOutcome, type: RelayType, dst: string, message: object, bytes: number): void {
    if (outcome === 'delivered') return this.#services.metrics.relayed();
    // Knowing a peer's ID is not enough to ring it: only room-mates hear from each other.
    if (outcome === 'unreachable' && this.#services.pending.add(dst, message, bytes, Date.now())) return;
    this.dropped(outcome === 'not-in-room' ? 'not-in-room' : 'queue-full');
    if (type !== 'LEAVE') this.reply({ type: 'EXPIRE', src: dst, dst: this.id });
  }
}
