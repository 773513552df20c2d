/**
 * Who a new socket is. Its upgrade query is read strictly (connect-query.ts) and its
 * credential checked; PeerServer is then handed a URL rebuilt from the checked values,
 * with a key derived from the ID alone in place of the credential, so it registers
 * exactly the ID that was checked and nothing the client added.
 */
import type { IncomingMessage } from 'node:http';
import type WebSocket from 'ws';
import { canonicalUrl, parseConnectQuery } from './connect-query.js';
import type { Metrics } from './metrics.js';
import type { RefusalLog } from './refusal-log.js';
import { checkToken, idOwnerKey } from './tokens.js';

export interface Admission {
  readonly id: string;
  readonly roomTag: string;
}

export function answerError(ws: WebSocket, msg: string): void {
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ type: 'ERROR', payload: { msg } }));
}

/** Returns who the socket is, or answers it with an ERROR, closes it and returns null. */
export function admit(ws: WebSocket, req: IncomingMessage, secret: Buffer, metrics: Metrics, refusals: RefusalLog): Admission | null {
  const url = new URL(req.url ?? '', 'http://peercall');
  const refuse = (reason: string, msg: string): null => {
    metrics.refused(reason);
    refusals.note(ws, reason, 'upgrade');
    answerError(ws, msg);
    ws.close(1008, reason);
    return null;
  };
  const parsed = parseConnectQuery(url.search);
  if (!parsed.ok) return refuse('bad-query', `bad-request: ${parsed.problem}; connect as a PeerJS client does`);
  const { query } = parsed;
  const check = checkToken(secret, query.id, query.credential, Date.now());
  if (!check.ok) {
    return refuse(
      `token-${check.reason}`,
      check.reason === 'expired' ? 'token-expired: start or join the call again' : 'token-invalid: get a session from POST /session first',
    );
  }
  req.url = canonicalUrl(url.pathname, query, idOwnerKey(secret, query.id));
  return { id: query.id, roomTag: check.roomTag };
}
