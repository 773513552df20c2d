/**
 * Which server a pasted invite is for. An invite link names the server that carries its
 * call; when that is not the server in Settings, PeerCall uses the invite's server for this
 * call, after asking once, and remembers the servers the person allowed. A bare ID is
 * always for the configured server.
 */
import { parseSignalingUrl } from './settings';

/** The PeerJS path a PeerCall server has unless its operator changed it. */
export const invitedServerPath = '/peerjs';
/** Enough for every server a person really uses; the oldest is forgotten first. */
export const maxAllowedServers = 20;

export type InviteRoute =
  | { kind: 'configured' }
  | { kind: 'allowed'; signalingUrl: string }
  | { kind: 'ask'; host: string; server: string; signalingUrl: string };

/** `server` as parseInvite gives it: an http(s) origin with an optional path prefix, no trailing slash. */
function isServerBase(server: string): boolean {
  if (server.length > 300) return false;
  try {
    const url = new URL(server);
    return (url.protocol === 'https:' || url.protocol === 'http:') && !url.username && !url.password && !url.search && !url.hash && `${url.origin}${url.pathname === '/' ? '' : url.pathname}` === server;
  } catch {
    return false;
  }
}

export function routeInvite(server: string | null, configuredSignalingUrl: string, allowed: readonly string[]): InviteRoute {
  if (server === null || !isServerBase(server)) return { kind: 'configured' };
  const configured = parseSignalingUrl(configuredSignalingUrl);
  if (configured.ok && (server === configured.value.origin || configuredSignalingUrl.startsWith(`${server}/`))) return { kind: 'configured' };
  const signalingUrl = `${server}${invitedServerPath}`;
  if (allowed.includes(server)) return { kind: 'allowed', signalingUrl };
  return { kind: 'ask', host: new URL(server).host, server, signalingUrl };
}

/** The allowed list after the person allowed `server`: it first, no repeats, at most maxAllowedServers. */
export function allowServer(allowed: readonly string[], server: string): string[] {
  return [server, ...allowed.filter((each) => each !== server)].slice(0, maxAllowedServers);
}

/** A stored list, as read back from storage: anything that is not a server base is dropped. */
export function validAllowedServers(stored: unknown): string[] {
  if (!Array.isArray(stored)) return [];
  return stored.filter((each): each is string => typeof each === 'string' && isServerBase(each)).slice(0, maxAllowedServers);
}
