/**
 * Counters and gauges, served at GET /metrics in Prometheus's text format. Counters
 * only go up; gauges are read when scraped, so they never drift from the truth.
 */
export type DropReason =
  | 'malformed'
  | 'frame-too-large'
  | 'rate-limited'
  | 'not-in-room'
  | 'unknown-type'
  | 'queue-full'
  | 'binary'
  | 'busy';

/** Why a room's door turned someone away: a member denied them (or they asked again after), the room is locked, or too many already wait. */
export type JoinRefusalReason = 'denied' | 'locked' | 'waiting-full';

export class Metrics {
  readonly #counters = new Map<string, { help: string; values: Map<string, number> }>();
  readonly #gauges = new Map<string, { help: string; read: () => number | Promise<number> }>();

  constructor() {
    this.#counter('peercall_messages_relayed_total', 'Signaling messages delivered to another peer.');
    this.#counter('peercall_messages_dropped_total', 'Signaling messages refused, by reason.');
    this.#counter('peercall_connections_refused_total', 'WebSocket connections refused, by reason.');
    this.#counter('peercall_sessions_issued_total', 'Peer IDs and tokens handed out.');
    this.#counter('peercall_slow_readers_dropped_total', 'Sockets dropped for leaving too much unread.');
    this.#counter('peercall_joins_refused_total', "Joins turned away at a room's door, by reason.");
  }

  relayed(): void {
    this.#add('peercall_messages_relayed_total', '');
  }
  dropped(reason: DropReason): void {
    this.#add('peercall_messages_dropped_total', `reason="${reason}"`);
  }
  refused(reason: string): void {
    this.#add('peercall_connections_refused_total', `reason="${reason}"`);
  }
  sessionIssued(): void {
    this.#add('peercall_sessions_issued_total', '');
  }
  slowReaderDropped(): void {
    this.#add('peercall_slow_readers_dropped_total', '');
  }
  joinRefused(reason: JoinRefusalReason): void {
    this.#add('peercall_joins_refused_total', `reason="${reason}"`);
  }

  /** How many were dropped for `reason` (or in all); for tests and logs. */
  droppedCount(reason?: DropReason): number {
    const values = this.#counters.get('peercall_messages_dropped_total')!.values;
    if (reason) return values.get(`reason="${reason}"`) ?? 0;
    return [...values.values()].reduce((a, b) => a + b, 0);
  }

  gauge(name: string, help: string, read: () => number | Promise<number>): void {
    this.#gauges.set(name, { help, read });
  }

  async render(): Promise<string> {
    const lines: string[] = [];
    for (const [name, { help, values }] of this.#counters) {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`);
      if (values.size === 0) lines.push(`${name} 0`);
      for (const [labels, value] of values) lines.push(`${name}${labels ? `{${labels}}` : ''} ${value}`);
    }
    for (const [name, { help, read }] of this.#gauges) {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`, `${name} ${await read()}`);
    }
    return `${lines.join('\n')}\n`;
  }

  #counter(name: string, help: string): void {
    this.#counters.set(name, { help, values: new Map() });
  }

  #add(name: string, labels: string): void {
    const values = this.#counters.get(name)!.values;
    values.set(labels, (values.get(labels) ?? 0) + 1);
  }
}
