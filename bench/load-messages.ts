/**
 * What the load benchmark's coordinator and its worker processes say to each other
 * over the fork IPC channel. Each worker holds its share of the client sockets, so
 * no single process runs into the per-process open-file limit.
 */

export interface PeerSpec {
  readonly id: string;
  /** Full WebSocket URL, token included. */
  readonly url: string;
  /** The room the pair shares; null on stock PeerServer, which has no rooms. */
  readonly room: string | null;
  /** The creator opens the room and starts round trips; the joiner enters it and answers. */
  readonly role: 'creator' | 'joiner';
  /** The other peer of its pair. */
  readonly partner: string;
}

/** How many peers failed a phase, by what they were told or what went wrong. */
export type FailureCounts = Record<string, number>;

export type WorkerCommand =
  | { type: 'load'; peers: readonly PeerSpec[]; origin: string }
  | { type: 'connect'; inFlight: number; budgetMs: number }
  | { type: 'enter-rooms'; role: PeerSpec['role']; inFlight: number; budgetMs: number }
  | { type: 'relay'; initiators: readonly string[]; roundTrips: number; concurrency: number; timeoutMs: number; budgetMs: number }
  | { type: 'census' };

export type WorkerReply =
  | { type: 'loaded' }
  | { type: 'phase-done'; failedIds: string[]; failures: FailureCounts }
  | { type: 'relayed'; latenciesMs: number[]; lost: FailureCounts }
  | { type: 'census'; open: number; closedAfterOpen: number; serverErrors: FailureCounts };
