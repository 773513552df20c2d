/**
 * PeerServer behind our own guards: an Origin allow-list and a per-address cap on
 * sockets, signed tokens for peer IDs, a gate on every frame that keeps relaying
 * inside rooms, /session for IDs and ICE servers, /health and /metrics, and a
 * graceful close that tells peers to reconnect elsewhere.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type ErrorRequestHandler } from 'express';
import { ExpressPeerServer } from 'peer';
import { WebSocketServer } from 'ws';
import type { SignalingConfig } from './config.js';
import { AdmissionPasses } from './admission-pass.js';
import { ClientAddresses } from './client-address.js';
import { capConnections } from './connection-gate.js';
import { allowListedCors } from './cors.js';
import { MemoryHub } from './hub.js';
import { guestPageRoutes, loadGuestPage } from './guest-page.js';
import { invitePage } from './invite-page.js';
import { logEvent, logProblem } from './log.js';
import { Metrics } from './metrics.js';
import { answerMetrics, serveMetricsApart } from './metrics-route.js';
import { admit, answerError } from './admission.js';
import { RefusalLog } from './refusal-log.js';
import { LocalPeers } from './local-peers.js';
import { boundedWriter } from './outbox.js';
import { PendingMessages, sweepIntervalMs } from './pending-messages.js';
import { gateFrames } from './relay-gate.js';
import { maxLargestFramesInFlight } from './work-lane.js';
import { loadOrCreateSecret } from './secret-file.js';
import { sessionRoute } from './session-route.js';
import { issueTicket } from './connect-tickets.js';
import { checkToken } from './tokens.js';
import { gateUpgrades } from './websocket-gate.js';

export interface RunningSignalingServer {
  readonly port: number;
  /** Where /metrics is served when PEERCALL_METRICS_ADDRESS asks for a listener of its own. */
  readonly metricsPort: number | null;
  /** What a user types into PeerCall's settings, e.g. http://127.0.0.1:9000/peerjs */
  readonly url: string;
  readonly metrics: Metrics;
  /** Stops taking sockets, asks every peer to reconnect (elsewhere), then closes. */
  close(): Promise<void>;
  /** Peers connected to this node. */
  peerCount(): number;
  roomCount(): Promise<number>;
}

/** ws drops the connection outright past this; frames between maxFrameBytes and this get an error answer. */
const hardFrameLimitFactor = 4;
/** How long peers get to close their sockets after being told the server is going. */
const goodbyeGraceMs = 1_000;

export async function startSignalingServer(config: SignalingConfig): Promise<RunningSignalingServer> {
  const secret = config.tokenSecret === null ? loadOrCreateSecret(config.secretFile) : Buffer.from(config.tokenSecret);
  const metrics = new Metrics();
  const refusals = new RefusalLog();
  const hubSettings = { capacity: config.roomCapacity, joinRequestTimeoutMs: config.joinRequestTimeoutMs, passes: new AdmissionPasses(secret) };
  const hub =
    config.redisUrl === null
      ? new MemoryHub(hubSettings)
      : // Loaded only when asked for: a single node never pays for the Redis client.
        await (await import('./redis-hub.js')).RedisHub.connect({ ...hubSettings, url: config.redisUrl, aliveTimeoutMs: config.aliveTimeoutMs });
  const pending = new PendingMessages(config.maxQueuedPerPeer);
  const sweeper = setInterval(() => pending.sweep(Date.now()), sweepIntervalMs);
  sweeper.unref();
  const peers = new LocalPeers(hub, pending, config.maxFrameBytes * maxLargestFramesInFlight, boundedWriter(config.maxOutgoingBytes, metrics, refusals));
  let accepting = true;

  const app = express();
  app.disable('x-powered-by');
  const httpServer = http.createServer(
    {
      headersTimeout: config.headersTimeoutMs,
      requestTimeout: config.requestTimeoutMs,
      // How often those timeouts are checked; Node's default of 30 s would let a slow client stay that much longer.
      connectionsCheckingInterval: Math.min(1_000, config.headersTimeoutMs),
    },
    app,
  );
  const addresses = new ClientAddresses(config.trustedProxies);
  capConnections(httpServer, config, addresses, metrics, refusals);

  app.use(allowListedCors(config.allowedOrigins));
  // With the guest page built, invite links open the call itself; without it, a page that says how to join.
  const guestPage = loadGuestPage(config);
  if (guestPage) app.use(guestPageRoutes(guestPage));
  else app.get('/join', invitePage);
  app.get('/health', (_req, res) => {
    void hub.ready().then((ready) => {
      res.set('Cache-Control', 'no-store').status(ready && accepting ? 200 : 503);
      res.json({ status: ready && accepting ? 'ok' : 'unavailable', live: true, ready: ready && accepting, peers: hub.localPeerCount() });
    });
  });
  metrics.gauge('peercall_peers_connected', 'Peers with an open signaling socket on this node.', () => hub.localPeerCount());
  metrics.gauge('peercall_rooms', 'Rooms with at least one member (all nodes when sharing Redis).', () => hub.roomCount());
  metrics.gauge('peercall_messages_queued', 'Messages held for a room member that is reconnecting.', () => pending.size);
  metrics.gauge('peercall_frame_bytes_waiting', 'Bytes of client frames taken and not yet handled (waiting on Redis).', () => peers.bytesInFlight());
  metrics.gauge('peercall_redis_round_trip_ms', 'Last round trip to Redis in ms (-1 without Redis).', () => hub.lastRoundTripMs() ?? -1);
  const answerMetricsRequest = answerMetrics(metrics, config.metricsToken, refusals);
  const metricsServer = config.metricsAddress === null ? null : await serveMetricsApart(config.metricsAddress.host, config.metricsAddress.port, answerMetricsRequest);
  if (metricsServer === null) app.get('/metrics', (req, res) => answerMetricsRequest(req, res));
  app.use(config.path, sessionRoute(config, secret, addresses, metrics, refusals));

  let peerSockets: WebSocketServer | undefined;
  const peerServer = ExpressPeerServer(httpServer, {
    // Mounted at config.path below; PeerServer then serves the PeerJS client's
    // `${path}/${key}/id` and its WebSocket at `${path}/peerjs`.
    path: '/',
    key: config.key,
    alive_timeout: config.aliveTimeoutMs,
    allow_discovery: false,
    concurrent_limit: Number.MAX_SAFE_INTEGER,
    corsOptions: { origin: false },
    // noServer keeps ws off the http server's 'upgrade' event, which gateUpgrades owns.
    createWebSocketServer: (options) => {
      peerSockets = new WebSocketServer({ noServer: true, path: options.path, maxPayload: config.maxFrameBytes * hardFrameLimitFactor });
      return peerSockets;
    },
  });
  peerServer.on('connection', (client) => peers.registered(client));
  peerServer.on('disconnect', (client) => peers.disconnected(client));
  // Broken client sockets surface here; without a listener EventEmitter would throw and take the whole server down.
  peerServer.on('error', (error) => logProblem('warn', 'peer-client-error', error));
  // PeerServer builds its WebSocket server on the 'mount' event fired by this call.
  app.use(config.path, peerServer);
  if (peerSockets === undefined) throw new Error('PeerServer did not create its WebSocket server when mounted');
  app.use(answerErrorsQuietly);

  const sockets = peerSockets;
  const gateServices = {
    settings: config,
    hub,
    peers,
    pending,
    metrics,
    refusals,
    mintTicket: (peerId: string, token: string) => {
      const now = Date.now();
      const check = checkToken(secret, peerId, token, now);
      return check.ok ? issueTicket(secret, peerId, check.roomTag, now, check.expiresAtMs) : null;
    },
  };
  gateUpgrades(httpServer, sockets, {
    allowedOrigins: config.allowedOrigins,
    allowOwnOrigin: guestPage !== null,
    maxConnectionsPerIp: config.maxConnectionsPerIp,
    addresses,
    metrics,
    refusals,
    accepting: () => accepting,
    onSocket: (ws, req) => {
      // While the ticket is checked (a round trip with Redis), frames are answered, not lost.
      const emit = ws.emit;
      ws.emit = ((event: string | symbol, ...args: unknown[]): boolean => {
        if (event !== 'message') return emit.call(ws, event, ...args);
        answerError(ws, 'malformed: wait for OPEN before sending');
        return true;
      }) as typeof ws.emit;
      admit(ws, req, secret, hub, metrics, refusals).then(
        (who) => {
          ws.emit = emit;
          if (!who) return;
          gateFrames(ws, who, gateServices);
          const held = peers.admitting(who.id, ws);
          sockets.emit('connection', ws, req);
          // PeerServer hands a held ID to the new socket silently; the client waits for OPEN.
          if (held) peers.send(ws, { type: 'OPEN' });
        },
        (error: unknown) => {
          ws.emit = emit;
          logProblem('error', 'admission-failed', error);
          answerError(ws, 'server-busy: try again shortly');
          ws.close(1013, 'try again later');
        },
      );
    },
  });

  await listen(httpServer, config.port, config.host);
  httpServer.on('error', (error) => logProblem('error', 'http-server-error', error));
  const port = (httpServer.address() as AddressInfo).port;
  const urlHost = config.host.includes(':') ? `[${config.host}]` : config.host;

  let closing: Promise<void> | undefined;
  return {
    port,
    metricsPort: metricsServer === null ? null : (metricsServer.address() as AddressInfo).port,
    url: `http://${urlHost}:${port}${config.path}`,
    metrics,
    peerCount: () => hub.localPeerCount(),
    roomCount: () => hub.roomCount(),
    close: () =>
      (closing ??= (async () => {
        accepting = false;
        clearInterval(sweeper);
        logEvent('info', 'shutting-down', { peers: hub.localPeerCount() });
        await shutDown(httpServer, sockets);
        if (metricsServer !== null) await new Promise((resolve) => metricsServer.close(resolve));
        await hub.close();
      })()),
  };
}

function listen(server: http.Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

async function shutDown(httpServer: http.Server, peerSockets: WebSocketServer): Promise<void> {
  const closed = new Promise<void>((resolve, reject) => httpServer.close((error) => (error ? reject(error) : resolve())));
  // 1012 "service restart": PeerJS sees its socket close and our client reconnects, to another node behind the same address.
  const goodbyes = [...peerSockets.clients].map(
    (socket) =>
      new Promise<void>((resolve) => {
        socket.once('close', () => resolve());
        socket.close(1012, 'server restarting');
      }),
  );
  await Promise.race([Promise.all(goodbyes), new Promise((resolve) => setTimeout(resolve, goodbyeGraceMs).unref())]);
  // Whoever did not answer is cut off: a polite close waits on peers that may never answer.
  for (const socket of peerSockets.clients) socket.terminate();
  await new Promise<void>((resolve) => peerSockets.close(() => resolve()));
  // Idle keep-alive connections would otherwise hold close() open for seconds.
  httpServer.closeAllConnections();
  await closed;
}

/** Express's default handler would send a stack trace to the client. */
const answerErrorsQuietly: ErrorRequestHandler = (error: unknown, _req, res, _next) => {
  const status = httpStatusOf(error);
  if (status >= 500) logProblem('error', 'http-request-failed', error);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.status(status).json({ status: 'error' });
};

function httpStatusOf(error: unknown): number {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' && status >= 400 && status < 600 ? status : 500;
}
