/**
 * Every TCP connection, counted before HTTP reads a byte of it: at most
 * `maxConnectionsPerIp` from one client address and `maxConnections` in all. Without
 * this, one address holding idle connections took every file descriptor, and new
 * peers and /health were reset without a word. A trusted proxy carries many clients
 * on its connections, so it is held to the total only (websocket-gate.ts counts the
 * clients behind it). The excess gets a short HTTP answer and is closed.
 */
import { STATUS_CODES, type Server } from 'node:http';
import type { Socket } from 'node:net';
import type { ClientAddresses } from './client-address.js';
import type { Metrics } from './metrics.js';
import type { RefusalLog } from './refusal-log.js';

export interface ConnectionCaps {
  readonly maxConnectionsPerIp: number;
  readonly maxConnections: number;
}

const countedAs = Symbol('peercall counted address');
type CountedSocket = Socket & { [countedAs]?: string };

export function capConnections(server: Server, caps: ConnectionCaps, addresses: ClientAddresses, metrics: Metrics, refusals: RefusalLog): void {
  const counts = { open: 0, perAddress: new Map<string, number>() };
  // One listener for every socket, not a closure each: there are thousands.
  function uncount(this: CountedSocket): void {
    const address = this[countedAs]!;
    counts.open -= 1;
    const left = (counts.perAddress.get(address) ?? 1) - 1;
    if (left <= 0) counts.perAddress.delete(address);
    else counts.perAddress.set(address, left);
  }
  server.on('connection', (socket: CountedSocket) => {
    const address = addresses.ofSocket(socket.remoteAddress);
    const fromAddress = counts.perAddress.get(address) ?? 0;
    if (counts.open >= caps.maxConnections) return refuse(socket, 503, 'This server is full; try again shortly', 'server-full', metrics, refusals);
    if (fromAddress >= caps.maxConnectionsPerIp && !addresses.isTrustedProxy(address)) {
      return refuse(socket, 429, 'Too many connections from this address', 'per-ip-limit', metrics, refusals);
    }
    counts.open += 1;
    counts.perAddress.set(address, fromAddress + 1);
    socket[countedAs] = address;
    // 'close' comes once; `on` spares the wrapper `once` would make for every connection.
    socket.on('close', uncount);
  });
}

function refuse(socket: Socket, status: number, body: string, reason: string, metrics: Metrics, refusals: RefusalLog): void {
  metrics.refused(reason);
  refusals.note(null, reason, 'tcp');
  socket.on('error', () => socket.destroy());
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  // A client that never reads must not keep even this socket open.
  socket.setTimeout(1_000, () => socket.destroy());
}
