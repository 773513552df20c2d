/**
 * What a user can configure, and how typed text becomes a valid setting. Pure, so
 * the options page and the call tab share one validator and tests need no browser.
 */
import { t } from '../i18n/i18n';
import { defaultUplinkBudgetKbps } from '../media/uplink-budget';

export interface Settings {
  /** Where the PeerServer lives, e.g. http://127.0.0.1:9000/peerjs */
  readonly signalingUrl: string;
  readonly signalingKey: string;
  /** Our own STUN/TURN list. Empty is valid (same machine or LAN); PeerJS's public default never is used. */
  readonly iceServers: readonly RTCIceServer[];
  /** What others see on this person's tile and chat messages; empty until they choose one. */
  readonly displayName: string;
  /** The most our video may send in total, split across everyone in the call. */
  readonly uplinkBudgetKbps: number;
  /**
   * Connect only through a TURN relay, so the others never learn this computer's
   * addresses (at the cost of the relay's latency). Needs a TURN server.
   */
  readonly relayOnly: boolean;
  /** How long someone whose connection dropped stays in the call, shown as reconnecting, before they are removed. */
  readonly reconnectGraceSeconds: number;
  /**
   * Whether a call this person starts asks before letting anyone in: newcomers wait
   * until someone in the call admits them. On by default, since a call ID in the wrong
   * hands should not be enough to walk in.
   */
  readonly askToJoin: boolean;
}

/**
 * The server a build ships pointed at: `PEERCALL_DEFAULT_SERVER=https://… npm run build`
 * writes it in (checked by scripts/default-server.ts); any other build, the guest page's
 * included, talks to a server on this machine until Settings say otherwise.
 */
declare const __PEERCALL_DEFAULT_SERVER__: string | undefined;
const builtInSignalingUrl = typeof __PEERCALL_DEFAULT_SERVER__ === 'string' ? __PEERCALL_DEFAULT_SERVER__ : 'http://127.0.0.1:9000/peerjs';

export const defaultSettings: Settings = {
  signalingUrl: builtInSignalingUrl,
  signalingKey: 'peercall',
  iceServers: [],
  displayName: '',
  uplinkBudgetKbps: defaultUplinkBudgetKbps,
  relayOnly: false,
  reconnectGraceSeconds: 30,
  askToJoin: true,
};

export function parseReconnectGraceSeconds(text: string): Parsed<number> {
  const value = /^\d{1,4}$/.test(text.trim()) ? Number(text.trim()) : NaN;
  return value >= 5 && value <= 600 ? { ok: true, value } : { ok: false, error: t('settings.badGrace') };
}

export function parseUplinkBudgetKbps(text: string): Parsed<number> {
  const value = /^\d{1,6}$/.test(text.trim()) ? Number(text.trim()) : NaN;
  return value >= 100 && value <= 100_000
    ? { ok: true, value }
    : { ok: false, error: t('settings.badBudget') };
}

export interface SignalingEndpoint {
  readonly host: string;
  readonly port: number;
  readonly path: string;
  readonly secure: boolean;
  /** The origin invite links point at. */
  readonly origin: string;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

export function parseSignalingUrl(text: string): Parsed<SignalingEndpoint> {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return { ok: false, error: t('settings.badUrl') };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { ok: false, error: t('settings.badUrlScheme') };
  }
  if (url.username || url.password || url.search || url.hash) {
    return { ok: false, error: t('settings.badUrlParts') };
  }
  const secure = url.protocol === 'https:';
  const port = url.port ? Number(url.port) : secure ? 443 : 80;
  const path = url.pathname === '' ? '/' : url.pathname;
  // URL keeps IPv6 hosts in brackets; PeerJS wants them as it puts them in its own URLs.
  return { ok: true, value: { host: url.hostname, port, path, secure, origin: url.origin } };
}

const keyPattern = /^[A-Za-z0-9_-]{1,64}$/;

export function parseSignalingKey(text: string): Parsed<string> {
  const key = text.trim();
  return keyPattern.test(key)
    ? { ok: true, value: key }
    : { ok: false, error: t('settings.badKey') };
}

/**
 * One ICE server per line: `stun:host:port`, or `turn:host:port username credential`
 * (turns: and ?transport= work too). Blank lines and lines starting with # are ignored.
 */
export function parseIceServers(text: string): Parsed<RTCIceServer[]> {
  const servers: RTCIceServer[] = [];
  const lines = text.split('\n');
  for (const [index, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const [url, username, credential, ...rest] = line.split(/\s+/);
    const lineNumber = index + 1;
    if (!url || !/^(stun|stuns|turn|turns):[^\s/]+$/.test(url.split('?')[0] ?? '')) {
      return { ok: false, error: t('settings.iceBadUrl', { line: lineNumber, url: url ?? '' }) };
    }
    if (rest.length > 0) return { ok: false, error: t('settings.iceTooManyFields', { line: lineNumber }) };
    const isTurn = url.startsWith('turn');
    if (isTurn && (!username || !credential)) {
      return { ok: false, error: t('settings.iceTurnNeedsLogin', { line: lineNumber }) };
    }
    if (!isTurn && username) return { ok: false, error: t('settings.iceStunNoLogin', { line: lineNumber }) };
    servers.push(isTurn ? { urls: url, username, credential } : { urls: url });
  }
  return { ok: true, value: servers };
}

export function formatIceServers(servers: readonly RTCIceServer[]): string {
  return servers
    .flatMap((s) => (Array.isArray(s.urls) ? s.urls : [s.urls]).map((url) => [url, s.username, s.credential]))
    .map((parts) => parts.filter((p) => typeof p === 'string' && p !== '').join(' '))
    .join('\n');
}
