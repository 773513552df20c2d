/**
 * PeerServer behind our own guards: an Origin allow-list on HTTP and WebSockets, a
 * health route for monitors, and a close() that really lets go of every socket.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type ErrorRequestHandler } from 'express';
import { ExpressPeerServer, type IClient } from 'peer';
import { WebSocketServer } from 'ws';
import type { SignalingConfig } from './config.js';
import { allowListedCors } from './cors.js';
import { invitePage } from './invite-page.js';
import { logProblem } from './log.js';
import { serveRooms } from './room-service.js';
import { gateUpgrades } from './websocket-gate.js';

export interface RunningSignalingServer {
  readonly port: number;
  /** What a user types into PeerCall's settings, e.g. http://127.0.0.1:9000/peerjs */
  readonly url: string;
  close(): Promise<void>;
  peerCount(): number;
  roomCount(): number;
}

/** Offers and ICE candidates are a few kilobytes; anything far larger is abuse. */
const maxSignalingFrameBytes = 64 * 1024;

export async function startSignalingServer(config: SignalingConfig): Promise<RunningSignalingServer> {
  const app = express();
  app.disable('x-powered-by');
  const httpServer = http.createServer(app);
  // Keyed by client object, not ID: a reconnect with the same ID reuses the object.
  const peers = new Set<IClient>();

  app.use(allowListedCors(config.allowedOrigins));
  app.get('/join', invitePage);
  app.get('/health', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ status: 'ok', peers: peers.size });
  });

  let peerSockets: WebSocketServer | undefined;
  const peerServer = ExpressPeerServer(httpServer, {
    // Mounted at config.path below; PeerServer then serves the PeerJS client's
    // `${path}/${key}/id` and its WebSocket at `${path}/peerjs`.
    path: '/',
    key: config.key,
    alive_timeout: config.aliveTimeoutMs,
    allow_discovery: false,
    corsOptions: { origin: false },
    // noServer keeps ws off the http server's 'upgrade' event, which gateUpgrades owns.
    createWebSocketServer: (options) => {
      peerSockets = new WebSocketServer({ noServer: true, path: options.path, maxPayload: maxSignalingFrameBytes });
      return peerSockets;
    },
  });
  peerServer.on('connection', (client) => peers.add(client));
  peerServer.on('disconnect', (client) => peers.delete(client));
  const rooms = serveRooms(peerServer, config.roomCapacity);
  // Malformed frames and broken client sockets surface here; without a listener
  // EventEmitter would throw and take the whole server down.
  peerServer.on('error', (error) => logProblem('warn', 'peer-client-error', error));
  // PeerServer builds its WebSocket server on the 'mount' event fired by this call.
  app.use(config.path, peerServer);
  if (peerSockets === undefined) throw new Error('PeerServer did not create its WebSocket server when mounted');
  app.use(answerErrorsQuietly);
  gateUpgrades(httpServer, peerSockets, config.allowedOrigins);

  await listen(httpServer, config.port, config.host);
  httpServer.on('error', (error) => logProblem('error', 'http-server-error', error));
  const port = (httpServer.address() as AddressInfo).port;
  const urlHost = config.host.includes(':') ? `[${config.host}]` : config.host;

  let closing: Promise<void> | undefined;
  const sockets = peerSockets;
  return {
    port,
    url: `http://${urlHost}:${port}${config.path}`,
    peerCount: () => peers.size,
    roomCount: rooms.roomCount,
    close: () => (closing ??= shutDown(httpServer, sockets)),
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
  // terminate, not close: a polite close waits on peers that may never answer.
  for (const socket of peerSockets.clients) socket.terminate();
  await new Promise<void>((resolve) => peerSockets.close(() => resolve()));
  const closed = new Promise<void>((resolve, reject) => httpServer.close((error) => (error ? reject(error) : resolve())));
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
