/**
 * What the load benchmark's coordinator and its worker processes say to each other
 * over the fork IPC channel. Each worker holds its share of the client sockets, so
 * no single process runs into the per-process open-file limit.
 */

export interface PeerSpec {
  readonly id: string;
  /** Where the socket connects, up to its credential. */
  readonly url: string;
  /** What the worker mints a connect ticket with just before connecting; null: stock PeerServer, any token. */
  readonly ticket: { readonly secret: string; readonly roomTag: string } | null;
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
