/**
 * The sockets this node holds, at most one per peer ID, each ID with one lane of work
 * (work-lane.ts). Attaching to the hub, the socket's room requests and relays, and
 * detaching run in that lane in order, and a frame's work is skipped if by its turn
 * its socket is no longer the registered one. So nothing writes room membership for
 * a socket that is gone, and a detach never undoes the attach of a newer socket.
 */
import type { IClient } from 'peer';
import type WebSocket from 'ws';
import type { Hub, LocalEndpoint } from './hub.js';
import { logEvent } from './log.js';
import type { PendingMessages } from './pending-messages.js';
import { WorkLane } from './work-lane.js';

/** Tells the older socket of an ID that a newer connection took it: its client must not reconnect. */
export const replacedCloseCode = 4409;
const replacedFrame = JSON.stringify({ type: 'REPLACED', payload: { msg: 'replaced: this ID connected again on a newer socket' } });

export function closeReplaced(ws: WebSocket): void {
  if (ws.readyState !== ws.OPEN) return;
  ws.send(replacedFrame);
  ws.close(replacedCloseCode, 'replaced');
}

function logWorkFailure(error: unknown): void {
  logEvent('error', 'peer-work-failed', { message: error instanceof Error ? error.message : String(error) });
}

/**
 * One ID on this node: the PeerServer client and socket that hold it. It is the lane
 * the ID's work runs in and the hub's endpoint for the ID, one object for all three
 * since there is one per peer.
 */
class Holder extends WorkLane implements LocalEndpoint {
  client: IClient | null = null;
  socket: WebSocket | null = null;

  constructor(
    maxBytesInFlight: number,
    private readonly write: (ws: WebSocket, message: object) => boolean,
  ) {
    super(maxBytesInFlight, logWorkFailure);
  }

  deliver(message: object): boolean {
    return this.socket !== null && this.write(this.socket, message);
  }

  replaced(): void {
    if (this.socket !== null) closeReplaced(this.socket);
  }
}

export class LocalPeers {
  readonly #byId = new Map<string, Holder>();

  constructor(
    private readonly hub: Hub,
    private readonly pending: PendingMessages,
    private readonly maxBytesInFlight: number,
    private readonly write: (ws: WebSocket, message: object) => boolean,
  ) {}

  /** Writes to one of this node's sockets; false when it could not take the message. */
  send(ws: WebSocket, message: object): boolean {
    return this.write(ws, message);
  }

  /**
   * A socket was admitted for `id`; an older socket still holding it is closed as
   * replaced. True when PeerServer still holds the ID: it then hands the ID to the
   * new socket without the OPEN a client waits for.
   */
  admitting(id: string, ws: WebSocket): boolean {
    const holder = this.#byId.get(id);
    if (holder?.socket && holder.socket !== ws) closeReplaced(holder.socket);
    return holder?.client != null;
  }

  /** PeerServer registered `client`: a new ID, or a new socket for one it holds. */
  registered(client: IClient): void {
    const id = client.getId();
    const holder = this.#holder(id);
    holder.client = client;
    holder.socket = client.getSocket() as WebSocket | null;
    holder.runAlways(async () => {
      await this.hub.attach(id, holder);
      for (const message of this.pending.take(id, Date.now())) holder.deliver(message);
    });
  }

  /** PeerServer let go of `client` (its socket closed, or it went silent). */
  disconnected(client: IClient): void {
    const id = client.getId();
    const holder = this.#byId.get(id);
    if (holder === undefined || holder.client !== client) return;
    holder.client = null;
    holder.socket = null;
    holder.runAlways(async () => {
      await this.hub.detach(id);
      if (holder.client === null && this.#byId.get(id) === holder) this.#byId.delete(id);
    });
  }

  isCurrent(id: string, ws: WebSocket): boolean {
    return this.#byId.get(id)?.socket === ws;
  }

  /**
   * Runs a frame's work in `id`'s lane, skipped if by its turn `ws` is no longer the
   * registered socket; false when the lane is over its bounds.
   */
  runFrame(id: string, ws: WebSocket, bytes: number, work: () => void | Promise<void>): boolean {
    const holder = this.#byId.get(id);
    if (holder === undefined || holder.socket !== ws) return false;
    // An idle lane runs the work now, when the socket was just seen to be the registered one.
    return holder.runFrame(holder.idle ? work : () => (holder.socket === ws ? work() : undefined), bytes);
  }

  /** Bytes of client frames accepted and waiting on this node. */
  bytesInFlight(): number {
    let total = 0;
    for (const holder of this.#byId.values()) total += holder.bytesWaiting;
    return total;
  }

  #holder(id: string): Holder {
    const existing = this.#byId.get(id);
    if (existing !== undefined) return existing;
    const holder = new Holder(this.maxBytesInFlight, this.write);
    this.#byId.set(id, holder);
    return holder;
  }
}
