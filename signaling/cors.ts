/**
 * CORS for every HTTP route, answered from the same allow-list as WebSocket
 * upgrades. PeerServer's own CORS is switched off so there is one decision, not two
 * that could drift apart.
 */
import type { RequestHandler } from 'express';
import { isOriginAllowed } from './allowed-origins.js';

const preflightCacheSeconds = 600;

export function allowListedCors(allowedOrigins: readonly string[]): RequestHandler {
  return (req, res, next) => {
    // Caches must not hand one origin's answer to another.
    res.vary('Origin');
    const origin = req.headers.origin;
    if (origin !== undefined && isOriginAllowed(origin, allowedOrigins)) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      if (req.method === 'OPTIONS') {
        res.setHeader('Access-Control-Allow-Methods', 'GET, POST');
        res.setHeader('Access-Control-Allow-Headers', 'Content-Type');
        res.setHeader('Access-Control-Max-Age', String(preflightCacheSeconds));
      }
    }
    if (req.method === 'OPTIONS') {
      res.status(204).end();
      return;
    }
    next();
  };
}
