/**
 * The phases of a load run, driven from the coordinator: connect every peer (timed to
 * the last OPEN), enter the pairs' rooms, time OFFER→ANSWER round trips between
 * partners, count who is still connected. Failures are counted by reason, never
 * thrown: only a broken setup (a worker that dies or hangs) throws.
 */
import type { LoadFleet } from './load-fleet';
import type { FailureCounts, WorkerCommand } from './load-messages';
import type { LoadPlan } from './load-plan';
import { percentile, roundTenth } from './stats';

/** The allow-list accepts any extension page; a browser's call tab sends one like this. */
const origin = 'chrome-extension://bench';
/** Handshakes each worker keeps in flight: enough to keep a server busy, few enough for its listen backlog (511). */
const handshakesInFlight = 100;
const connectBudgetMs = 180_000;
const roomsBudgetMs = 60_000;
const relayBudgetMs = 120_000;
const roundTripTimeoutMs = 10_000;
/** A worker's per-peer timeouts (30 s at most) come on top of a phase budget; later than this it is hung. */
const replyMarginMs = 45_000;
/** Round trips run first and thrown away, so JIT warm-up stays out of the percentiles. */
const warmUpRoundTrips = 1_000;

export function mergeCounts(list: readonly FailureCounts[]): FailureCounts {
  const merged: FailureCounts = {};
  for (const counts of list) for (const [reason, n] of Object.entries(counts)) merged[reason] = (merged[reason] ?? 0) + n;
  return merged;
}

function toAll(fleet: LoadFleet, command: WorkerCommand): WorkerCommand[] {
  return Array.from({ length: fleet.size }, () => command);
}

export async function loadPeers(fleet: LoadFleet, plan: LoadPlan): Promise<void> {
  await fleet.ask(plan.byWorker.map((peers) => ({ type: 'load', peers, origin })), 'loaded', replyMarginMs);
}

export interface PhaseFigures {
  readonly ms: number;
  readonly failures: FailureCounts;
}

/** Opens every socket; `failed` collects the IDs that got no OPEN. */
export async function connectAll(fleet: LoadFleet, failed: Set<string>): Promise<PhaseFigures> {
  const startedMs = performance.now();
  const command: WorkerCommand = { type: 'connect', inFlight: handshakesInFlight, budgetMs: connectBudgetMs };
  const replies = await fleet.ask(toAll(fleet, command), 'phase-done', connectBudgetMs + replyMarginMs);
  const ms = Math.round(performance.now() - startedMs);
  for (const reply of replies) for (const id of reply.failedIds) failed.add(id);
  return { ms, failures: mergeCounts(replies.map((reply) => reply.failures)) };
}

/** Creators open their rooms, then joiners enter them: a join before its create would find no room. */
export async function enterRooms(fleet: LoadFleet, failed: Set<string>): Promise<PhaseFigures> {
  const startedMs = performance.now();
  const failures: FailureCounts[] = [];
  for (const role of ['creator', 'joiner'] as const) {
    const command: WorkerCommand = { type: 'enter-rooms', role, inFlight: handshakesInFlight, budgetMs: roomsBudgetMs };
    const replies = await fleet.ask(toAll(fleet, command), 'phase-done', roomsBudgetMs + replyMarginMs);
    for (const reply of replies) for (const id of reply.failedIds) failed.add(id);
    failures.push(...replies.map((reply) => reply.failures));
  }
  return { ms: Math.round(performance.now() - startedMs), failures: mergeCounts(failures) };
}

export interface RelayFigures {
  /** Pairs whose two peers both connected (and entered their room). */
  readonly livePairs: number;
  readonly roundTrips: number;
  readonly answered: number;
  readonly lost: FailureCounts;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly perSecond: number;
}

/** Splits `total` in proportion to `weights`; the rounding remainder goes to the first with any weight. */
function split(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const shares = weights.map((weight) => (sum === 0 ? 0 : Math.floor((total * weight) / sum)));
  let left = sum === 0 ? 0 : total - shares.reduce((a, b) => a + b, 0);
  for (let i = 0; left > 0; i = (i + 1) % shares.length) {
    if (weights[i]! === 0) continue;
    shares[i]! += 1;
    left -= 1;
  }
  return shares;
}

/** `roundTrips` OFFER→ANSWER round trips, `concurrency` outstanding, over every live pair; null when no pair is live. */
export async function relayRoundTrips(fleet: LoadFleet, plan: LoadPlan, failed: ReadonlySet<string>, roundTrips: number, concurrency: number): Promise<RelayFigures | null> {
  const live = plan.pairs.filter((pair) => !failed.has(pair.creator) && !failed.has(pair.joiner));
  if (live.length === 0 || roundTrips === 0) return null;
  const initiators = Array.from({ length: fleet.size }, (): string[] => []);
  for (const pair of live) initiators[pair.worker]!.push(pair.creator);
  const weights = initiators.map((ids) => ids.length);
  const lanes = split(concurrency, weights);
  const run = async (count: number) => {
    const trips = split(count, weights);
    const commands = initiators.map(
      (ids, worker): WorkerCommand => ({
        type: 'relay',
        initiators: ids,
        roundTrips: trips[worker]!,
        concurrency: Math.max(1, lanes[worker]!),
        timeoutMs: roundTripTimeoutMs,
        budgetMs: relayBudgetMs,
      }),
    );
    const startedMs = performance.now();
    const replies = await fleet.ask(commands, 'relayed', relayBudgetMs + replyMarginMs);
    return { replies, seconds: (performance.now() - startedMs) / 1000 };
  };
  await run(Math.min(warmUpRoundTrips, roundTrips));
  const { replies, seconds } = await run(roundTrips);
  const latenciesMs = replies.flatMap((reply) => reply.latenciesMs);
  const lost = mergeCounts(replies.map((reply) => reply.lost));
  const unstarted = roundTrips - latenciesMs.length - Object.values(lost).reduce((a, b) => a + b, 0);
  if (unstarted > 0) lost[`not started within the ${relayBudgetMs / 1000} s budget`] = unstarted;
  return {
    livePairs: live.length,
    roundTrips,
    answered: latenciesMs.length,
    lost,
    p50Ms: roundTenth(percentile(latenciesMs, 50)),
    p99Ms: roundTenth(percentile(latenciesMs, 99)),
    perSecond: Math.round(latenciesMs.length / seconds),
  };
}

export interface Census {
  /** Sockets still open; each had its OPEN. */
  readonly open: number;
  /** Sockets the server (or the network) closed after their OPEN. */
  readonly closedAfterOpen: number;
  /** ERROR frames that came outside any phase's wait, by message (e.g. rate limiting). */
  readonly serverErrors: FailureCounts;
}

export async function census(fleet: LoadFleet): Promise<Census> {
  const replies = await fleet.ask(toAll(fleet, { type: 'census' }), 'census', replyMarginMs);
  return {
    open: replies.reduce((sum, reply) => sum + reply.open, 0),
    closedAfterOpen: replies.reduce((sum, reply) => sum + reply.closedAfterOpen, 0),
    serverErrors: mergeCounts(replies.map((reply) => reply.serverErrors)),
  };
}
