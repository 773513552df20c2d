/**
 * A WebSocket client written by hand on a plain TCP socket, for what a library client
 * will not do: stop reading while the server keeps writing. Frames it sends are
 * masked as a browser's are; what it reads is not parsed beyond the handshake.
 */
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { withTimeout } from './peer-socket.js';

export interface RawPeer {
  readonly socket: Socket;
  send(message: object): void;
  /** From now on the client reads nothing: the server's writes pile up. */
  stopReading(): void;
}

function maskedTextFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  const mask = randomBytes(4);
  const length = payload.length < 126 ? Buffer.from([0x80 | payload.length]) : Buffer.from([0x80 | 126, payload.length >> 8, payload.length & 0xff]);
  const masked = Buffer.alloc(payload.length);
  for (let i = 0; i < payload.length; i++) masked[i] = payload[i]! ^ mask[i % 4]!;
  return Buffer.concat([Buffer.from([0x81]), length, mask, masked]);
}

export async function rawPeer(port: number, pathAndQuery: string, origin: string): Promise<RawPeer> {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => {});
  await withTimeout(new Promise<void>((resolve) => socket.once('connect', () => resolve())), 'the TCP connection');
  socket.write(
    `GET ${pathAndQuery} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\nOrigin: ${origin}\r\n\r\n`,
  );
  // The handshake, then the first frame (OPEN): like PeerJS, send nothing before it.
  await withTimeout(
    new Promise<void>((resolve, reject) => {
      let head = '';
      const onData = (chunk: Buffer): void => {
        head += chunk.toString('latin1');
        const end = head.indexOf('\r\n\r\n');
        if (end === -1) return;
        if (!head.startsWith('HTTP/1.1 101')) {
          socket.off('data', onData);
          return reject(new Error(`handshake refused: ${head.split('\r\n')[0]}`));
        }
        if (head.length <= end + 4) return;
        socket.off('data', onData);
        resolve();
      };
      socket.on('data', onData);
    }),
    'the WebSocket handshake and OPEN',
  );
  // Until told to stop, read and throw away what the server sends.
  socket.on('data', () => {});
  return {
    socket,
    send: (message) => socket.write(maskedTextFrame(JSON.stringify(message))),
    stopReading: () => {
      socket.removeAllListeners('data');
      socket.pause();
    },
  };
}
