/**
 * POST {path}/session with {"room": "<call ID>"}: a fresh peer ID, the token that
 * lets it register (bound to that room), and the ICE servers for the call with
 * time-limited TURN credentials. With {"renew": {peerId, token}} as well, a live
 * token is traded for a fresh one for the same ID, as clients do before theirs
 * expires. The room ID travels in the body, never in a URL.
 */
import express, { type Router } from 'express';
import type { SignalingConfig } from './config.js';
import type { Metrics } from './metrics.js';
import { roomIdPattern } from './room-messages.js';
import { checkToken, issueToken, newPeerId, roomTag } from './tokens.js';
import { iceServersFor } from './turn-credentials.js';

export function sessionRoute(config: SignalingConfig, secret: Buffer, metrics: Metrics): Router {
  const router = express.Router();
  const turn = config.turnSecret === null ? null : { urls: config.turnUrls, secret: config.turnSecret, ttlMs: config.turnTtlMs };
  router.post('/session', express.json({ limit: '2kb', strict: true }), (req, res) => {
    const body = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as { room?: unknown; renew?: unknown };
    res.set('Cache-Control', 'no-store');
    const { room, renew } = body;
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
    metrics.sessionIssued();
    res.json({ peerId, token, expiresAtMs, iceServers: iceServersFor(config.stunUrls, turn, peerId, now) });
  });
  return router;
}
