/**
 * `npm run bench:signaling`: many peers on the signaling server at once, comparing
 * stock PeerServer (with its defaults, then with its 5000-peer cap lifted), one of
 * our nodes in memory and two of our nodes sharing redis.
 * For each: how long every peer takes to get its OPEN, the servers' memory with them
 * all connected, and OFFER→ANSWER round trips between partners. Then how many peers
 * one in-memory node holds near this machine's open-file limit. Prints a table, then
 * one JSON line on stdout; progress goes to stderr. It never fails on time: it exits
 * non-zero only when the setup breaks (2 for bad options).
 * Flags / env: --peers BENCH_PEERS (10000), --round-trips BENCH_ROUND_TRIPS (20000),
 * --concurrency BENCH_CONCURRENCY (200), --capacity-peers BENCH_CAPACITY_PEERS (15000, 0 skips).
 */
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { killAllNow, rssMb } from './child-processes';
import { LoadFleet } from './load-fleet';
import { type LoadOptions, OptionError, parseLoadOptions } from './load-options';
import { census, connectAll, enterRooms, loadPeers, mergeCounts, relayRoundTrips } from './load-phases';
import { planLoad } from './load-plan';
import { type CapacityFigures, type ConfigFigures, renderReport } from './load-report';
import { log } from './log';
import { type Deployment, ourNodeInMemory, ourNodesOnRedis, stockPeerServer } from './servers-under-test';

/** Each worker process stays well below the 20,000 open files a process may have here. */
const maxSocketsPerWorker = 8_000;
/** How long the capacity run keeps its peers before counting who is still connected. */
const capacityHoldMs = 5_000;
/** A hung server or worker must not hang the machine: give up after this. */
const runBudgetMs = 15 * 60_000;

interface Configuration {
  readonly name: string;
  start(): Promise<Deployment>;
}

function workerCount(peers: number): number {
  // At least two, so a pair's creator and joiner live in different processes.
  return Math.max(2, Math.ceil(peers / maxSocketsPerWorker));
}

function sumOrNull(values: readonly (number | null)[]): number | null {
  return values.some((value) => value === null) ? null : Math.round((values as number[]).reduce((a, b) => a + b, 0) * 10) / 10;
}

function mergedLogs(deployment: Deployment): Record<string, number> {
  return mergeCounts(deployment.servers.map((server) => server.stderrEvents));
}

async function measure(configuration: Configuration, options: LoadOptions): Promise<ConfigFigures> {
  log(`${configuration.name}: starting`);
  const deployment = await configuration.start();
  const fleet = new LoadFleet(workerCount(options.peers));
  try {
    const rssIdleMb = deployment.servers.map((server) => rssMb(server.pid));
    const plan = planLoad(Math.floor(options.peers / 2), deployment.endpoints, fleet.size);
    await loadPeers(fleet, plan);
    const failed = new Set<string>();
    const peersAsked = plan.pairs.length * 2;
    const connect = await connectAll(fleet, failed);
    const peersConnected = peersAsked - failed.size;
    log(`${configuration.name}: ${peersConnected}/${peersAsked} connected in ${connect.ms} ms`);
    const rooms = plan.rooms ? await enterRooms(fleet, failed) : null;
    if (rooms !== null) log(`${configuration.name}: rooms entered in ${rooms.ms} ms`);
    const rssLoadedMb = deployment.servers.map((server) => rssMb(server.pid));
    const idleTotal = sumOrNull(rssIdleMb);
    const loadedTotal = sumOrNull(rssLoadedMb);
    const relay = await relayRoundTrips(fleet, plan, failed, options.roundTrips, options.concurrency);
    if (relay !== null) log(`${configuration.name}: ${relay.answered}/${relay.roundTrips} round trips, p50 ${relay.p50Ms} ms, p99 ${relay.p99Ms} ms`);
    return {
      name: configuration.name,
      peersAsked,
      peersConnected,
      connectMs: connect.ms,
      connectFailures: connect.failures,
      roomsMs: rooms?.ms ?? null,
      roomFailures: rooms?.failures ?? {},
      rssIdleMb,
      rssLoadedMb,
      rssLoadedTotalMb: loadedTotal,
      kbPerPeer: idleTotal === null || loadedTotal === null || peersConnected === 0 ? null : Math.round(((loadedTotal - idleTotal) * 10_240) / peersConnected) / 10,
      redisRssMb: deployment.helpers.length > 0 ? rssMb(deployment.helpers[0]!.pid) : null,
      relay,
      atEnd: await census(fleet),
      serverLog: mergedLogs(deployment),
    };
  } finally {
    await fleet.stop();
    await deployment.stop();
  }
}

async function measureCapacity(peers: number, tokenSecret: string): Promise<CapacityFigures> {
  log(`capacity: ${peers} peers on one in-memory node`);
  const deployment = await ourNodeInMemory(tokenSecret);
  const fleet = new LoadFleet(workerCount(peers));
  try {
    const plan = planLoad(Math.floor(peers / 2), deployment.endpoints, fleet.size);
    await loadPeers(fleet, plan);
    const failed = new Set<string>();
    const connect = await connectAll(fleet, failed);
    log(`capacity: ${plan.pairs.length * 2 - failed.size} connected in ${connect.ms} ms; holding ${capacityHoldMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, capacityHoldMs));
    const held = await census(fleet);
    return {
      peersAsked: plan.pairs.length * 2,
      peersConnected: plan.pairs.length * 2 - failed.size,
      connectMs: connect.ms,
      connectFailures: connect.failures,
      holdMs: capacityHoldMs,
      peersOpenAfterHold: held.open,
      rssMb: rssMb(deployment.servers[0]!.pid),
      serverLog: mergedLogs(deployment),
    };
  } finally {
    await fleet.stop();
    await deployment.stop();
  }
}

function readOptions(): LoadOptions {
  try {
    return parseLoadOptions(process.argv.slice(2), process.env);
  } catch (error) {
    if (!(error instanceof OptionError)) throw error;
    log(error.message);
    process.exit(2);
  }
}

async function main(): Promise<void> {
  const options = readOptions();
  const startedMs = performance.now();
  const loadAtStart = loadavg().map((value) => Math.round(value * 100) / 100);
  // Shared by the nodes and by the bench, which mints each peer's token itself.
  const tokenSecret = randomBytes(32).toString('base64url');
  const configurations: Configuration[] = [
    { name: 'stock PeerServer (default options)', start: () => stockPeerServer(null) },
    // The default concurrent_limit turns half the peers away; this row compares like with like.
    { name: 'stock PeerServer, concurrent_limit 1e6', start: () => stockPeerServer(1_000_000) },
    { name: 'ours, 1 node in memory', start: () => ourNodeInMemory(tokenSecret) },
    { name: 'ours, 2 nodes + redis', start: () => ourNodesOnRedis(tokenSecret) },
  ];
  const configs: ConfigFigures[] = [];
  for (const configuration of configurations) configs.push(await measure(configuration, options));
  const capacity = options.capacityPeers > 0 ? await measureCapacity(options.capacityPeers, tokenSecret) : null;
  const loadAtEnd = loadavg().map((value) => Math.round(value * 100) / 100);
  const notes = [
    `${options.peers} peers per configuration in pairs; a pair's two sockets are in different load processes and, with two nodes, on different nodes. ` +
      'connect s: first connect to the last OPEN, at most 100 handshakes in flight per load process. rooms s: every creator ROOM-CREATE, then every joiner ROOM-JOIN.',
    'RSS: VmRSS of each server process (tsx loaded in every one) just after start, and with every peer connected and in its room; KB/peer = (loaded - idle) / peers connected.',
    `RT: ${options.roundTrips} OFFER→ANSWER round trips (~400-byte frames) timed at the sender, ${options.concurrency} outstanding over all live pairs, after 1000 unmeasured ones; ` +
      'the partner answers on receipt. Server rate limits at their defaults (100 messages/s, burst 300, per socket); peers send a HEARTBEAT every 20 s.',
    `Load processes and servers share this machine's 2 cores, so the figures include the load generator's own time; ` +
      `load average ${loadAtStart.join(' ')} at start, ${loadAtEnd.join(' ')} at end: other work on the machine makes them noisy.`,
  ];
  process.stdout.write(`${renderReport(configs, capacity, notes)}\n`);
  const result = { options, configurations: configs, capacity, loadAverageAtStart: loadAtStart, loadAverageAtEnd: loadAtEnd, tookS: Math.round((performance.now() - startedMs) / 1000), node: process.version, notes };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

process.once('exit', killAllNow);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping every server and load process`);
    process.exit(130);
  });
}
const watchdog = setTimeout(() => {
  log(`gave up: the run took longer than ${runBudgetMs / 60_000} minutes`);
  process.exit(2);
}, runBudgetMs);
watchdog.unref();

main().then(
  () => process.exit(0),
  (error: unknown) => {
    log(`setup broke: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
