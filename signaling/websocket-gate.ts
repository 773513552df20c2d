/**
 * The one listener for HTTP upgrades on the server. Browsers apply no CORS to
 * WebSockets, so this Origin check is what stops an arbitrary web page from joining
 * the signaling network. A direct client is held to its cap by connection-gate.ts,
 * which counts every TCP connection; a socket through a trusted proxy is counted here
 * against the client the proxy names (client-address.ts), so one host behind the
 * proxy cannot hold every socket either. A refused upgrade is answered and closed
 * here, before any WebSocket exists.
 */
import { STATUS_CODES, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type WebSocket from 'ws';
import type { WebSocketServer } from 'ws';
import { isOriginAllowed, isOwnOrigin } from './allowed-origins.js';
import type { ClientAddresses } from './client-address.js';
import type { Metrics } from './metrics.js';
import type { RefusalLog } from './refusal-log.js';

export interface UpgradeGate {
  readonly allowedOrigins: readonly string[];
  /** Also take sockets whose Origin is this server's own: the guest page it serves. */
  readonly allowOwnOrigin: boolean;
  readonly maxConnectionsPerIp: number;
  readonly addresses: ClientAddresses;
  readonly metrics: Metrics;
  readonly refusals: RefusalLog;
  /** Whether new sockets are still taken (false while shutting down). */
  accepting(): boolean;
  /** The socket passed the gate; the caller hands it on. */
  onSocket(ws: WebSocket, req: IncomingMessage): void;
}

export function gateUpgrades(server: Server, peerSockets: WebSocketServer, gate: UpgradeGate): void {
  const counts: SocketCounts = { perAddress: new Map() };
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // A client that resets mid-handshake is no server fault, but an unhandled
    // 'error' would crash the process; ws takes over error handling once upgraded.
    const dropOnError = (): void => {
      socket.destroy();
    };
    socket.on('error', dropOnError);
    if (!gate.accepting()) return refuse(socket, 503, 'Server is restarting; reconnect to another node', gate, 'shutting-down');
    const ownOrigin = gate.allowOwnOrigin && isOwnOrigin(req.headers.origin, req.headers.host);
    if (!ownOrigin && !isOriginAllowed(req.headers.origin, gate.allowedOrigins)) return refuse(socket, 403, 'Origin not allowed', gate, 'origin');
    const behindProxy = gate.addresses.isTrustedProxy(req.socket.remoteAddress ?? '');
    const address = behindProxy ? gate.addresses.of(req) : null;
    if (address !== null && (counts.perAddress.get(address) ?? 0) >= gate.maxConnectionsPerIp) {
      return refuse(socket, 429, 'Too many connections from this address', gate, 'per-ip-limit');
    }
    // handleUpgrade answers 400 itself when the path is not PeerServer's.
    peerSockets.handleUpgrade(req, socket, head, (ws) => {
      socket.off('error', dropOnError);
      if (address !== null) countSocket(counts, address, ws);
      gate.onSocket(ws, req);
    });
  });
}

interface SocketCounts {
  readonly perAddress: Map<string, number>;
}

/**
 * Counts a socket until it closes. A function of its own so the close listener holds
 * only these few values: a listener made inside the upgrade handler kept the handler's
 * scope alive, and with it every open socket's whole upgrade request.
 */
function countSocket(counts: SocketCounts, address: string, ws: WebSocket): void {
  counts.perAddress.set(address, (counts.perAddress.get(address) ?? 0) + 1);
  // 'close' comes once; `on` spares the wrapper `once` would make for every socket.
  ws.on('close', () => {
    const left = (counts.perAddress.get(address) ?? 1) - 1;
    if (left <= 0) counts.perAddress.delete(address);
    else counts.perAddress.set(address, left);
  });
}

function refuse(socket: Duplex, status: number, body: string, gate: UpgradeGate, reason: string): void {
  gate.metrics.refused(reason);
  gate.refusals.note(null, reason, 'upgrade');
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n` +
      'Connection: close\r\n' +
      'Content-Type: text/plain\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
