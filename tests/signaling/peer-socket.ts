/**
 * A PeerJS client reduced to its signaling socket, so server tests speak the real
 * wire protocol without a browser. Every wait is bounded.
 */
import { request } from 'node:http';
import WebSocket from 'ws';
import { parseConfig, type SignalingConfig } from '../../signaling/config.js';
import { issueTicket } from '../../signaling/connect-tickets.js';
import { issueToken, roomTag } from '../../signaling/tokens.js';

export const waitLimitMs = 3_000;

export function withTimeout<T>(promise: Promise<T>, label: string, ms = waitLimitMs): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${label}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * The URL PeerJS 1.5 builds from `{ host, port, path, key }`: it appends "/" to the
 * path, then "peerjs?key=…&id=…&token=…&version=…".
 */
export function peerjsSocketUrl(port: number, path: string, key: string, id: string, token: string): string {
  const base = path.endsWith('/') ? path : `${path}/`;
  return `ws://127.0.0.1:${port}${base}peerjs?key=${key}&id=${id}&token=${token}&version=1.5.5`;
}

export interface ServerMessage {
  readonly type: string;
  readonly src?: string;
  readonly dst?: string;
  readonly payload?: unknown;
}

export class PeerSocket {
  readonly ws: WebSocket;
  readonly closed: Promise<number>;
  private readonly inbox: ServerMessage[] = [];
  private wake: (() => void) | undefined;

  /** `localAddress`: connect from another loopback address (127.0.0.2), as another client would. */
  constructor(url: string, origin: string | undefined, localAddress?: string, headers: Record<string, string> = {}) {
    this.ws = new WebSocket(url, { headers, ...(origin === undefined ? {} : { origin }), ...(localAddress === undefined ? {} : { localAddress }) });
    this.ws.on('message', (data) => {
      this.inbox.push(JSON.parse(String(data)) as ServerMessage);
      this.wake?.();
    });
    this.closed = new Promise((resolve) => this.ws.on('close', (code) => resolve(code)));
  }

  /** Resolves when the handshake succeeds; rejects with ws's error (e.g. "Unexpected server response: 403"). */
  opened(): Promise<void> {
    return withTimeout(
      new Promise((resolve, reject) => {
        this.ws.once('open', () => resolve());
        this.ws.once('error', reject);
      }),
      'the WebSocket handshake',
    );
  }

  async nextMessage(ms = waitLimitMs): Promise<ServerMessage> {
    if (this.inbox.length === 0) {
      await withTimeout(new Promise<void>((resolve) => (this.wake = resolve)), 'a message from the server', ms);
    }
    return this.inbox.shift() as ServerMessage;
  }

  send(message: unknown): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  close(): void {
    this.ws.terminate();
  }
}

export const testSecret = 'test-secret-0123456789abcdef-0123456789';
export const extensionOrigin = 'chrome-extension://abc';
export const testRoom = 'k3f9-x2ab-7mqz-0h1c-wv8e-5rt4-nd6p';

/** A server config for tests: any free port, a known token secret, overrides on top. */
export function testConfig(env: Record<string, string> = {}): SignalingConfig {
  return parseConfig({ PEERCALL_PORT: '0', PEERCALL_TOKEN_SECRET: testSecret, ...env }, []);
}

/** The token the server would issue for `id` in `room` (tests pick readable IDs). */
export function tokenFor(id: string, room = testRoom, ttlMs = 60_000, nowMs = Date.now()): string {
  return issueToken(Buffer.from(testSecret), id, room, nowMs, ttlMs).token;
}

/** A fresh connect ticket for `id` in `room`, as POST /ticket would hand out: good for one connection. */
export function ticketFor(id: string, room = testRoom, nowMs = Date.now()): string {
  return issueTicket(Buffer.from(testSecret), id, roomTag(room), nowMs).ticket;
}

/** Opens a socket as `id` with a fresh ticket for `room` (or `token`: whatever the URL should carry). */
export function connectAs(
  port: number,
  id: string,
  options: { room?: string; token?: string; origin?: string; path?: string; key?: string; localAddress?: string } = {},
): PeerSocket {
  const token = options.token ?? ticketFor(id, options.room ?? testRoom);
  const url = peerjsSocketUrl(port, options.path ?? '/peerjs', options.key ?? 'peercall', id, token);
  return new PeerSocket(url, 'origin' in options ? options.origin : extensionOrigin, options.localAddress);
}

/** An HTTP request from a chosen loopback address (fetch cannot pick one), bounded in time. */
export function httpFrom(
  localAddress: string,
  port: number,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return withTimeout(
    new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path, localAddress, method: options.method ?? 'GET', headers: { Connection: 'close', ...options.headers } }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += String(chunk)));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(options.body);
    }),
    `${options.method ?? 'GET'} ${path} from ${localAddress}`,
  );
}
