/**
 * Who a new socket is. Its upgrade query is read strictly (connect-query.ts) and its
 * connect ticket checked, then used up (connect-tickets.ts); PeerServer is handed a
 * URL rebuilt from the checked values alone, so it registers exactly the ID that was
 * checked and nothing else.
 */
import type { IncomingMessage } from 'node:http';
import type WebSocket from 'ws';
import { canonicalUrl, parseConnectQuery } from './connect-query.js';
import type { Metrics } from './metrics.js';
import type { RefusalLog } from './refusal-log.js';
import { checkTicket } from './connect-tickets.js';
import type { Hub } from './hub.js';

/**
 * What PeerServer is shown as every socket's token. It hands a held ID to a new socket
 * only when the tokens match; every socket that reaches it was admitted here for
 * exactly that ID, so one constant stands for all.
 */
const admittedToken = 'admitted';

/** A copy that does not keep the string it was cut from alive (a whole ticket or URL, for each socket). */
function own(part: string): string {
  return Buffer.from(part, 'latin1').toString('latin1');
}

export interface Admission {
  readonly id: string;
  readonly roomTag: string;
}

export function answerError(ws: WebSocket, msg: string): void {
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ type: 'ERROR', payload: { msg } }));
}

/**
 * Resolves to who the socket is, with `req.url` rewritten for PeerServer; or answers
 * the socket with an ERROR, closes it and resolves to null.
 */
export async function admit(ws: WebSocket, req: IncomingMessage, secret: Buffer, hub: Hub, metrics: Metrics, refusals: RefusalLog): Promise<Admission | null> {
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
  const check = checkTicket(secret, query.id, query.credential, Date.now());
  if (!check.ok) {
    return refuse(
      `ticket-${check.reason}`,
      check.reason === 'expired' ? 'ticket-expired: ask POST /ticket for a fresh one' : 'ticket-invalid: get a session from POST /session first',
    );
  }
  const use = await hub.consumeTicket(own(check.nonce), check.expiresAtMs);
  if (use === 'used') return refuse('ticket-used', 'ticket-used: a ticket is good for one connection; ask POST /ticket for a fresh one');
  if (use === 'full') return refuse('tickets-full', 'server-busy: try again shortly');
  if (ws.readyState !== ws.OPEN) return null;
  req.url = canonicalUrl(url.pathname, query, admittedToken);
  return { id: own(query.id), roomTag: own(check.roomTag) };
}
