/**
 * The query of a PeerJS WebSocket upgrade, read strictly. PeerJS sends `key`, `id`,
 * `token` and `version`, each once. A repeated or unknown parameter is refused:
 * PeerServer reads the last of a repeated name, so a gate that checked the first
 * would admit an ID it never checked. What PeerServer is handed is rebuilt from the
 * checked values alone (`canonicalUrl`), never the query as it came.
 */
import { isPeerId } from './client-frames.js';

const knownNames = new Set(['key', 'id', 'token', 'version']);
const keyShape = /^[A-Za-z0-9_-]{1,64}$/;
const credentialShape = /^[A-Za-z0-9._-]{1,256}$/;
const versionShape = /^[0-9A-Za-z.+-]{1,32}$/;

export interface ConnectQuery {
  readonly key: string;
  readonly id: string;
  /** What the client presented as `token`: the connect ticket. */
  readonly credential: string;
}

export type QueryCheck = { ok: true; query: ConnectQuery } | { ok: false; problem: string };

export function parseConnectQuery(search: string): QueryCheck {
  const params = new URLSearchParams(search);
  const seen = new Map<string, string>();
  for (const [name, value] of params) {
    if (!knownNames.has(name)) return { ok: false, problem: 'unknown parameter' };
    if (seen.has(name)) return { ok: false, problem: 'repeated parameter' };
    seen.set(name, value);
  }
  const key = seen.get('key') ?? '';
  const id = seen.get('id') ?? '';
  const credential = seen.get('token') ?? '';
  const version = seen.get('version');
  if (!keyShape.test(key)) return { ok: false, problem: 'bad key' };
  // IDs become Redis key parts and routing targets: only the shape the server issues.
  if (!isPeerId(id)) return { ok: false, problem: 'bad id' };
  if (!credentialShape.test(credential)) return { ok: false, problem: 'bad token' };
  if (version !== undefined && !versionShape.test(version)) return { ok: false, problem: 'bad version' };
  return { ok: true, query: { key, id, credential } };
}

/** The upgrade URL PeerServer reads: the checked key and ID, and `peerServerToken` in place of what the client sent. */
export function canonicalUrl(pathname: string, query: ConnectQuery, peerServerToken: string): string {
  return `${pathname}?${new URLSearchParams({ key: query.key, id: query.id, token: peerServerToken })}`;
}
