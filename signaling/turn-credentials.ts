/**
 * Time-limited TURN credentials in the TURN REST scheme coturn implements with
 * use-auth-secret / static-auth-secret: the username is "<expiry unix seconds>:<name>"
 * and the password is base64(HMAC-SHA1(secret, username)). coturn refuses them once
 * the expiry has passed, so a leaked credential is only good for a short while.
 */
import { createHmac } from 'node:crypto';

export interface TurnSettings {
  /** turn: / turns: URLs of the TURN server(s) sharing `secret`. */
  readonly urls: readonly string[];
  readonly secret: string;
  readonly ttlMs: number;
}

export interface IceServer {
  readonly urls: string | readonly string[];
  readonly username?: string;
  readonly credential?: string;
}

export function turnCredential(secret: string, name: string, nowMs: number, ttlMs: number): { username: string; credential: string } {
  const username = `${Math.floor((nowMs + ttlMs) / 1000)}:${name}`;
  return { username, credential: createHmac('sha1', secret).update(username).digest('base64') };
}

/** What a client gets before a call: the STUN servers as they are, TURN with fresh credentials. */
export function iceServersFor(stunUrls: readonly string[], turn: TurnSettings | null, name: string, nowMs: number): IceServer[] {
  const servers: IceServer[] = stunUrls.length > 0 ? [{ urls: [...stunUrls] }] : [];
  if (turn && turn.urls.length > 0) servers.push({ urls: [...turn.urls], ...turnCredential(turn.secret, name, nowMs, turn.ttlMs) });
  return servers;
}
