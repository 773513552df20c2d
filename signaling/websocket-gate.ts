/**
 * The one listener for HTTP upgrades on the server. Browsers apply no CORS to
 * WebSockets, so this Origin check is what stops an arbitrary web page from joining
 * the signaling network. A refused upgrade is answered and closed here, before
 * PeerServer's WebSocket server learns it existed.
 */
import { STATUS_CODES, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocketServer } from 'ws';
import { isOriginAllowed } from './allowed-origins.js';

export function gateUpgrades(server: Server, peerSockets: WebSocketServer, allowedOrigins: readonly string[]): void {
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // A client that resets mid-handshake is no server fault, but an unhandled
    // 'error' would crash the process; ws takes over error handling once upgraded.
    const dropOnError = (): void => {
      socket.destroy();
    };
    socket.on('error', dropOnError);
    if (!isOriginAllowed(req.headers.origin, allowedOrigins)) {
      refuse(socket, 403);
      return;
    }
    // handleUpgrade answers 400 itself when the path is not PeerServer's.
    peerSockets.handleUpgrade(req, socket, head, (ws) => {
      socket.off('error', dropOnError);
      peerSockets.emit('connection', ws, req);
    });
  });
}

function refuse(socket: Duplex, status: number): void {
  const body = 'Origin not allowed';
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n` +
      'Connection: close\r\n' +
      'Content-Type: text/plain\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
