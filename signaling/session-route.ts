/**
 * POST {path}/session with {"room": "<call ID>"}: a fresh peer ID, the token that
 * proves it is yours (bound to that room), a connect ticket for the first WebSocket,
 * and the ICE servers for the call with time-limited TURN credentials. With
 * {"renew": {peerId, token}} as well, a live token is traded for a fresh one for the
 * same ID, as clients do before theirs expires.
 * POST {path}/ticket with {"peerId", "token"}: a fresh connect ticket, which a client
 * asks for before every reconnect. Tokens and room IDs travel in bodies, never in URLs;
 * only single-use tickets go in the WebSocket URL.
 */
import express, { type RequestHandler, type Router } from 'express';
import { AddressRateLimit } from './address-rate-limit.js';
import type { ClientAddresses } from './client-address.js';
import type { SignalingConfig } from './config.js';
import { issueTicket } from './connect-tickets.js';
import type { Metrics } from './metrics.js';
import type { RefusalLog } from './refusal-log.js';
import { roomIdPattern } from './room-messages.js';
import { checkToken, issueToken, newPeerId, roomTag } from './tokens.js';
import { iceServersFor } from './turn-credentials.js';

const bodyLimit = express.json({ limit: '2kb', strict: true });

function bodyOf(req: express.Request): Record<string, unknown> {
  return typeof req.body === 'object' && req.body !== null ? (req.body as Record<string, unknown>) : {};
}

/** One bucket per client address for both routes: each answer costs signatures, and a ticket is a connect. */
function rateLimited(config: SignalingConfig, addresses: ClientAddresses, metrics: Metrics, refusals: RefusalLog): RequestHandler {
  const limit = new AddressRateLimit(config.sessionsPerMinute, config.sessionBurst);
  return (req, res, next) => {
    const address = addresses.of(req);
    const now = Date.now();
    if (limit.take(address, now)) return next();
    metrics.refused('session-rate');
    refusals.note(req.socket, 'session-rate', 'http');
    res.set('Retry-After', String(limit.retryAfterSeconds(address, now)));
    res.status(429).json({ status: 'error', code: 'slow-down', message: 'Too many sessions asked for from this address; try again shortly.' });
  };
}

export function sessionRoute(config: SignalingConfig, secret: Buffer, addresses: ClientAddresses, metrics: Metrics, refusals: RefusalLog): Router {
  const router = express.Router();
  router.post(['/session', '/ticket'], rateLimited(config, addresses, metrics, refusals));
  const turn = config.turnSecret === null ? null : { urls: config.turnUrls, secret: config.turnSecret, ttlMs: config.turnTtlMs };
  router.post('/session', bodyLimit, (req, res) => {
    const { room, renew } = bodyOf(req);
    res.set('Cache-Control', 'no-store');
    if (typeof room !== 'string' || !roomIdPattern.test(room)) {
      res.status(400).json({ status: 'error', code: 'bad-request', message: 'Send {"room": "<call ID>"} as JSON.' });
      return;
    }
    const now = Date.now();
    let peerId = newPeerId();
    // Renewal keeps the ID: a live, valid token for it, in this same room, buys a fresh one.
    if (renew !== undefined) {
      const { peerId: id, token } = (typeof renew === 'object' && renew !== null ? renew : {}) as { peerId?: unknown; token?: unknown };
      const check = typeof id === 'string' && typeof token === 'string' ? checkToken(secret, id, token, now) : null;
      if (!check?.ok || check.roomTag !== roomTag(room)) {
        res.status(403).json({ status: 'error', code: 'renew-refused', message: 'That session cannot be renewed; start a new one.' });
        return;
      }
      peerId = id as string;
    }
    const { token, expiresAtMs } = issueToken(secret, peerId, room, now, config.tokenTtlMs);
    const { ticket } = issueTicket(secret, peerId, roomTag(room), now, expiresAtMs);
    metrics.sessionIssued();
    res.json({ peerId, token, expiresAtMs, ticket, iceServers: iceServersFor(config.stunUrls, turn, peerId, now) });
  });
  router.post('/ticket', bodyLimit, (req, res) => {
    const { peerId, token } = bodyOf(req);
    res.set('Cache-Control', 'no-store');
    const now = Date.now();
    const check = typeof peerId === 'string' && typeof token === 'string' ? checkToken(secret, peerId, token, now) : null;
    if (!check?.ok) {
      res.status(403).json({ status: 'error', code: 'ticket-refused', message: 'That session has ended; start or join the call again.' });
      return;
    }
    res.json(issueTicket(secret, peerId as string, check.roomTag, now, check.expiresAtMs));
  });
  return router;
}
