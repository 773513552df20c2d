/**
 * The configurations the load benchmark compares, each started fresh in processes of
 * their own: stock PeerServer, one of our nodes in memory, and two of our nodes
 * sharing one redis-server.
 */
import { fileURLToPath } from 'node:url';
import { freePort, type StartedProcess, startProcess, stop } from './child-processes';
import type { Endpoint } from './load-plan';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const startTimeoutMs = 30_000;
/** Far beyond a run, so a node never drops a peer or presumes its sibling dead mid-run. */
const aliveTimeoutMs = 3_600_000;
/** All load comes from 127.0.0.1, which the per-address cap (default 50) would otherwise stop. */
const maxConnectionsPerIp = 1_000_000;

export interface Deployment {
  /** One per node; pairs put their creator on the first and their joiner on the last. */
  readonly endpoints: readonly Endpoint[];
  /** The signaling server processes, whose memory is the figure. */
  readonly servers: readonly StartedProcess[];
  /** What serves them (redis), measured apart. */
  readonly helpers: readonly StartedProcess[];
  stop(): Promise<void>;
}

function deployment(endpoints: Endpoint[], servers: StartedProcess[], helpers: StartedProcess[] = []): Deployment {
  return {
    endpoints,
    servers,
    helpers,
    // Servers before redis: a node that loses redis first would log a storm of errors.
    stop: async () => {
      for (const started of [...servers, ...helpers]) await stop(started.child);
    },
  };
}

/** `concurrentLimit` null: PeerServer's own default (5000 peers). */
export async function stockPeerServer(concurrentLimit: number | null): Promise<Deployment> {
  const limit = concurrentLimit === null ? [] : ['--concurrent-limit', String(concurrentLimit)];
  const server = await startProcess('stock PeerServer', process.execPath, ['--import', 'tsx', 'bench/stock-peer-server.ts', ...limit], {
    cwd: repoRoot,
    env: process.env,
    readyPattern: /listening on (\d+)/,
    timeoutMs: startTimeoutMs,
  });
  return deployment([{ mount: `ws://127.0.0.1:${server.ready[1]}`, key: 'peerjs', tokenSecret: null }], [server]);
}

async function ourNode(name: string, tokenSecret: string, redisUrl: string | null): Promise<{ server: StartedProcess; endpoint: Endpoint }> {
  const env = {
    ...process.env,
    PEERCALL_TOKEN_SECRET: tokenSecret,
    PEERCALL_MAX_CONNECTIONS_PER_IP: String(maxConnectionsPerIp),
    PEERCALL_ALIVE_TIMEOUT_MS: String(aliveTimeoutMs),
    REDIS_URL: redisUrl ?? '',
  };
  const server = await startProcess(name, process.execPath, ['--import', 'tsx', 'signaling/main.ts', '--port', '0'], {
    cwd: repoRoot,
    env,
    readyPattern: /listening on (http:\/\/\S+)/,
    timeoutMs: startTimeoutMs,
  });
  const mount = server.ready[1]!.replace(/^http/, 'ws');
  return { server, endpoint: { mount, key: 'peercall', tokenSecret: Buffer.from(tokenSecret) } };
}

export async function ourNodeInMemory(tokenSecret: string): Promise<Deployment> {
  const node = await ourNode('our node', tokenSecret, null);
  return deployment([node.endpoint], [node.server]);
}

export async function ourNodesOnRedis(tokenSecret: string): Promise<Deployment> {
  const port = await freePort();
  const redis = await startProcess('redis-server', 'redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    cwd: repoRoot,
    env: process.env,
    readyPattern: /Ready to accept connections/,
    timeoutMs: startTimeoutMs,
  });
  const started: StartedProcess[] = [];
  try {
    const redisUrl = `redis://127.0.0.1:${port}`;
    const first = await ourNode('our node 1', tokenSecret, redisUrl);
    started.push(first.server);
    const second = await ourNode('our node 2', tokenSecret, redisUrl);
    started.push(second.server);
    return deployment([first.endpoint, second.endpoint], started, [redis]);
  } catch (error) {
    await deployment([], started, [redis]).stop();
    throw error;
  }
}
