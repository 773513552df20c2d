/**
 * What the signaling load benchmark found, as a table for people; the same figures go
 * out as one JSON line for machines.
 */
import type { FailureCounts } from './load-messages';
import type { Census, RelayFigures } from './load-phases';

export interface ConfigFigures {
  readonly name: string;
  readonly peersAsked: number;
  readonly peersConnected: number;
  /** From the first connect to the last OPEN. */
  readonly connectMs: number;
  readonly connectFailures: FailureCounts;
  /** Null on stock PeerServer, which has no rooms. */
  readonly roomsMs: number | null;
  readonly roomFailures: FailureCounts;
  /** One per server process (node); null if it had exited. */
  readonly rssIdleMb: readonly (number | null)[];
  /** With every peer connected and in its room. */
  readonly rssLoadedMb: readonly (number | null)[];
  readonly rssLoadedTotalMb: number | null;
  /** (loaded - idle) / peers connected. */
  readonly kbPerPeer: number | null;
  /** redis-server's own memory, where there is one. */
  readonly redisRssMb: number | null;
  readonly relay: RelayFigures | null;
  readonly atEnd: Census;
  /** What the servers wrote on stderr, by level and event. */
  readonly serverLog: Record<string, number>;
}

export interface CapacityFigures {
  readonly peersAsked: number;
  readonly peersConnected: number;
  readonly connectMs: number;
  readonly connectFailures: FailureCounts;
  readonly holdMs: number;
  readonly peersOpenAfterHold: number;
  readonly rssMb: number | null;
  readonly serverLog: Record<string, number>;
}

function fixed(value: number | null | undefined, digits: number): string {
  return value === null || value === undefined || Number.isNaN(value) ? '-' : value.toFixed(digits);
}

function perNode(values: readonly (number | null)[], total?: number | null): string {
  const each = values.map((value) => fixed(value, 0)).join('+');
  return values.length > 1 && total !== undefined ? `${each}=${fixed(total, 0)}` : each;
}

function describe(counts: FailureCounts): string {
  return Object.entries(counts)
    .map(([reason, n]) => `${n} × ${reason}`)
    .join('; ');
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: readonly string[]) => cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ');
  return [line(header), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)].join('\n');
}

export function renderReport(configs: readonly ConfigFigures[], capacity: CapacityFigures | null, notes: readonly string[]): string {
  const header = ['configuration', 'peers', 'connect s', 'rooms s', 'RSS idle MB', 'RSS loaded MB', 'KB/peer', 'RT p50 ms', 'RT p99 ms', 'RT/s', 'RT lost'];
  const rows = configs.map((c) => [
    c.name,
    `${c.peersConnected}/${c.peersAsked}`,
    fixed(c.connectMs / 1000, 1),
    fixed(c.roomsMs === null ? null : c.roomsMs / 1000, 1),
    perNode(c.rssIdleMb),
    perNode(c.rssLoadedMb, c.rssLoadedTotalMb),
    fixed(c.kbPerPeer, 1),
    fixed(c.relay?.p50Ms, 1),
    fixed(c.relay?.p99Ms, 1),
    fixed(c.relay?.perSecond, 0),
    c.relay === null ? '-' : `${c.relay.roundTrips - c.relay.answered}/${c.relay.roundTrips}`,
  ]);
  const lines = [table(header, rows), ''];
  if (capacity !== null) {
    lines.push(
      `capacity, one in-memory node: ${capacity.peersConnected}/${capacity.peersAsked} peers connected in ${fixed(capacity.connectMs / 1000, 1)} s, ` +
        `${capacity.peersOpenAfterHold} still open after ${capacity.holdMs / 1000} s, RSS ${fixed(capacity.rssMb, 0)} MB` +
        `${capacity.peersOpenAfterHold === capacity.peersAsked ? ' (held them all)' : ' (did NOT hold them all)'}`,
    );
    if (Object.keys(capacity.connectFailures).length > 0) lines.push(`capacity, not connected: ${describe(capacity.connectFailures)}`);
    if (Object.keys(capacity.serverLog).length > 0) lines.push(`capacity, server stderr: ${describe(capacity.serverLog)}`);
  }
  for (const c of configs) {
    const problems = [
      ['not connected', c.connectFailures],
      ['not in a room', c.roomFailures],
      ['round trips lost', c.relay?.lost ?? {}],
      ['ERROR frames', c.atEnd.serverErrors],
      ['server stderr', c.serverLog],
    ] as const;
    for (const [what, counts] of problems) if (Object.keys(counts).length > 0) lines.push(`${c.name}, ${what}: ${describe(counts)}`);
    if (c.atEnd.closedAfterOpen > 0) lines.push(`${c.name}: ${c.atEnd.closedAfterOpen} sockets closed after their OPEN`);
    if (c.redisRssMb !== null) lines.push(`${c.name}: redis-server RSS ${fixed(c.redisRssMb, 0)} MB (not in the table)`);
  }
  lines.push(...notes.map((note) => `note: ${note}`));
  return lines.join('\n');
}
