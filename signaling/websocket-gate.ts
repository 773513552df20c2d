/**
 * The one listener for HTTP upgrades on the server. Browsers apply no CORS to
 * WebSockets, so this Origin check is what stops an arbitrary web page from joining
 * the signaling network; a cap per address stops one host from holding every socket.
 * A refused upgrade is answered and closed here, before any WebSocket exists.
 */
import { STATUS_CODES, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type WebSocket from 'ws';
import type { WebSocketServer } from 'ws';
import { isOriginAllowed } from './allowed-origins.js';
import type { Metrics } from './metrics.js';

export interface UpgradeGate {
  readonly allowedOrigins: readonly string[];
  readonly maxConnectionsPerIp: number;
  readonly metrics: Metrics;
  /** Whether new sockets are still taken (false while shutting down). */
  accepting(): boolean;
  /** The socket passed the gate; the caller hands it on. */
  onSocket(ws: WebSocket, req: IncomingMessage): void;
}

export function gateUpgrades(server: Server, peerSockets: WebSocketServer, gate: UpgradeGate): void {
  const perAddress = new Map<string, number>();
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // A client that resets mid-handshake is no server fault, but an unhandled
    // 'error' would crash the process; ws takes over error handling once upgraded.
    const dropOnError = (): void => {
      socket.destroy();
    };
    socket.on('error', dropOnError);
    if (!gate.accepting()) return refuse(socket, 503, 'Server is restarting; reconnect to another node', gate.metrics, 'shutting-down');
    if (!isOriginAllowed(req.headers.origin, gate.allowedOrigins)) return refuse(socket, 403, 'Origin not allowed', gate.metrics, 'origin');
    const address = req.socket.remoteAddress ?? 'unknown';
    const open = perAddress.get(address) ?? 0;
    if (open >= gate.maxConnectionsPerIp) return refuse(socket, 429, 'Too many connections from this address', gate.metrics, 'per-ip-limit');
    // handleUpgrade answers 400 itself when the path is not PeerServer's.
    peerSockets.handleUpgrade(req, socket, head, (ws) => {
      socket.off('error', dropOnError);
      perAddress.set(address, (perAddress.get(address) ?? 0) + 1);
      ws.once('close', () => {
        const left = (perAddress.get(address) ?? 1) - 1;
        if (left <= 0) perAddress.delete(address);
        else perAddress.set(address, left);
      });
      gate.onSocket(ws, req);
    });
  });
}

function refuse(socket: Duplex, status: number, body: string, metrics: Metrics, reason: string): void {
  metrics.refused(reason);
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n` +
      'Connection: close\r\n' +
      'Content-Type: text/plain\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
