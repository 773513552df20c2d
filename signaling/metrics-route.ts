/**
 * Where GET /metrics is answered. With PEERCALL_METRICS_ADDRESS it is served on a
 * listener of its own (an address the internet does not reach) and not on the public
 * port; with PEERCALL_METRICS_TOKEN it answers only `Authorization: Bearer <token>`,
 * wherever it is served. With neither, it stays public, as before.
 */
import { timingSafeEqual, createHash } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { Metrics } from './metrics.js';
import type { RefusalLog } from './refusal-log.js';

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** Answers a request for /metrics: the text, or 401 without the token. */
export function answerMetrics(metrics: Metrics, token: string | null, refusals: RefusalLog): (req: IncomingMessage, res: ServerResponse) => void {
  // Compared as digests, so neither the length nor the content leaks through timing.
  const expected = token === null ? null : digest(`Bearer ${token}`);
  return (req, res) => {
    if (expected !== null && !timingSafeEqual(digest(req.headers.authorization ?? ''), expected)) {
      refusals.note(req.socket, 'metrics-token', 'http');
      res.writeHead(401, { 'Content-Type': 'text/plain', 'WWW-Authenticate': 'Bearer', 'Cache-Control': 'no-store' }).end('Metrics need a bearer token.\n');
      return;
    }
    void metrics.render().then((text) => {
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4', 'Cache-Control': 'no-store' }).end(text);
    });
  };
}

/** A listener that serves /metrics and nothing else. */
export async function serveMetricsApart(host: string, port: number, answer: (req: IncomingMessage, res: ServerResponse) => void): Promise<http.Server> {
  const server = http.createServer({ headersTimeout: 5_000, requestTimeout: 10_000 }, (req, res) => {
    if (req.method === 'GET' && req.url?.split('?')[0] === '/metrics') return answer(req, res);
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}
