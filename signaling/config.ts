/**
 * How the server is told where to listen and whom to serve: environment variables
 * for deployments, flags for one-off runs (flags win). Pure, so every bad value can
 * be tested without starting anything.
 */
import { describeBadOriginPattern } from './allowed-origins.js';
import { describeBadProxy } from './client-address.js';

export { isOriginAllowed } from './allowed-origins.js';

export interface SignalingConfig {
  readonly host: string;
  /** 0 asks the operating system for a free port. */
  readonly port: number;
  /** Where PeerServer is mounted; clients put the same path in their settings. */
  readonly path: string;
  readonly key: string;
  readonly allowedOrigins: readonly string[];
  /** PeerServer drops a peer whose heartbeats stop for this long. */
  readonly aliveTimeoutMs: number;
  /** The most people in one room; a full mesh gets heavy past a handful. */
  readonly roomCapacity: number;
  /** How long a newcomer waits at a room that asks before its request ends unanswered. */
  readonly joinRequestTimeoutMs: number;
  /** Signs peer tokens; null: the secret kept in `secretFile`, made on first start. */
  readonly tokenSecret: string | null;
  /** Where the server keeps its own token secret when none is set, so restarts keep sessions valid. */
  readonly secretFile: string;
  readonly tokenTtlMs: number;
  readonly maxFrameBytes: number;
  readonly messagesPerSecond: number;
  readonly messageBurst: number;
  /** TCP connections (HTTP and WebSocket alike) from one client address. */
  readonly maxConnectionsPerIp: number;
  /** TCP connections on this node in all; keep it under the process's open-file limit. */
  readonly maxConnections: number;
  /** Proxies (addresses or CIDR ranges) whose X-Forwarded-For names the client. */
  readonly trustedProxies: readonly string[];
  /** How long a client may take to send a request's headers, and the whole request. */
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
  /** POST /session and /ticket from one client address: a steady rate and a burst. */
  readonly sessionsPerMinute: number;
  readonly sessionBurst: number;
  /** Set: /metrics is served there and not on the public port. */
  readonly metricsAddress: { readonly host: string; readonly port: number } | null;
  /** Set: /metrics answers only `Authorization: Bearer <token>`. */
  readonly metricsToken: string | null;
  /** Messages held for a room member whose socket is momentarily gone. */
  readonly maxQueuedPerPeer: number;
  /** Bytes waiting to be written to one socket past which its reader is dropped as too slow. */
  readonly maxOutgoingBytes: number;
  readonly stunUrls: readonly string[];
  readonly turnUrls: readonly string[];
  /** coturn's static-auth-secret; required when turnUrls is set. */
  readonly turnSecret: string | null;
  readonly turnTtlMs: number;
  /** Set: nodes share presence, rooms and routing through this Redis. */
  readonly redisUrl: string | null;
  /**
   * The built guest web page (`npm run build:guest`) served at /join; null finds it beside
   * the server (a built server's ./guest) or in .output/guest.
   */
  readonly guestDir: string | null;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

interface Setting {
  readonly env: string;
  readonly flag: string;
  readonly fallback: string;
}

const settings = {
  host: { env: 'PEERCALL_HOST', flag: '--host', fallback: '127.0.0.1' },
  port: { env: 'PEERCALL_PORT', flag: '--port', fallback: '9000' },
  path: { env: 'PEERCALL_PATH', flag: '--path', fallback: '/peerjs' },
  key: { env: 'PEERCALL_KEY', flag: '--key', fallback: 'peercall' },
  allowedOrigins: {
    env: 'PEERCALL_ALLOWED_ORIGINS',
    flag: '--allowed-origins',
    fallback: 'chrome-extension://*,moz-extension://*',
  },
  aliveTimeoutMs: { env: 'PEERCALL_ALIVE_TIMEOUT_MS', flag: '--alive-timeout-ms', fallback: '60000' },
  roomCapacity: { env: 'PEERCALL_ROOM_CAPACITY', flag: '--room-capacity', fallback: '6' },
  joinRequestTimeoutMs: { env: 'PEERCALL_JOIN_REQUEST_TIMEOUT_MS', flag: '--join-request-timeout-ms', fallback: '300000' },
  tokenSecret: { env: 'PEERCALL_TOKEN_SECRET', flag: '--token-secret', fallback: '' },
  secretFile: { env: 'PEERCALL_SECRET_FILE', flag: '--secret-file', fallback: '.peercall/token-secret' },
  tokenTtlMs: { env: 'PEERCALL_TOKEN_TTL_MS', flag: '--token-ttl-ms', fallback: '600000' },
  maxFrameBytes: { env: 'PEERCALL_MAX_FRAME_BYTES', flag: '--max-frame-bytes', fallback: '65536' },
  messagesPerSecond: { env: 'PEERCALL_MESSAGES_PER_SECOND', flag: '--messages-per-second', fallback: '100' },
  messageBurst: { env: 'PEERCALL_MESSAGE_BURST', flag: '--message-burst', fallback: '300' },
  maxConnectionsPerIp: { env: 'PEERCALL_MAX_CONNECTIONS_PER_IP', flag: '--max-connections-per-ip', fallback: '50' },
  maxConnections: { env: 'PEERCALL_MAX_CONNECTIONS', flag: '--max-connections', fallback: '18000' },
  trustedProxies: { env: 'PEERCALL_TRUSTED_PROXIES', flag: '--trusted-proxies', fallback: '' },
  headersTimeoutMs: { env: 'PEERCALL_HEADERS_TIMEOUT_MS', flag: '--headers-timeout-ms', fallback: '10000' },
  requestTimeoutMs: { env: 'PEERCALL_REQUEST_TIMEOUT_MS', flag: '--request-timeout-ms', fallback: '20000' },
  sessionsPerMinute: { env: 'PEERCALL_SESSIONS_PER_MINUTE', flag: '--sessions-per-minute', fallback: '60' },
  sessionBurst: { env: 'PEERCALL_SESSION_BURST', flag: '--session-burst', fallback: '20' },
  metricsAddress: { env: 'PEERCALL_METRICS_ADDRESS', flag: '--metrics-address', fallback: '' },
  metricsToken: { env: 'PEERCALL_METRICS_TOKEN', flag: '--metrics-token', fallback: '' },
  maxQueuedPerPeer: { env: 'PEERCALL_MAX_QUEUED_PER_PEER', flag: '--max-queued-per-peer', fallback: '32' },
  maxOutgoingBytes: { env: 'PEERCALL_MAX_OUTGOING_BYTES', flag: '--max-outgoing-bytes', fallback: '262144' },
  stunUrls: { env: 'PEERCALL_STUN_URLS', flag: '--stun-urls', fallback: '' },
  turnUrls: { env: 'PEERCALL_TURN_URLS', flag: '--turn-urls', fallback: '' },
  turnSecret: { env: 'PEERCALL_TURN_SECRET', flag: '--turn-secret', fallback: '' },
  turnTtlMs: { env: 'PEERCALL_TURN_TTL_MS', flag: '--turn-ttl-ms', fallback: '3600000' },
  redisUrl: { env: 'REDIS_URL', flag: '--redis-url', fallback: '' },
  guestDir: { env: 'PEERCALL_GUEST_DIR', flag: '--guest-dir', fallback: '' },
} satisfies Record<keyof SignalingConfig, Setting>;

type SettingName = keyof typeof settings;

const minAliveTimeoutMs = 1_000;
const maxAliveTimeoutMs = 86_400_000;
const maxRoomCapacity = 50;

export function parseConfig(env: Record<string, string | undefined>, argv: readonly string[]): SignalingConfig {
  const flags = parseFlags(argv);
  const read = (name: SettingName): { value: string; source: string } => {
    const setting = settings[name];
    const fromFlag = flags.get(setting.flag);
    if (fromFlag !== undefined) return { value: fromFlag, source: setting.flag };
    const fromEnv = env[setting.env];
    // An empty variable is what `FOO= cmd` or a blank .env line produces; treat it as unset.
    if (fromEnv !== undefined && fromEnv !== '') return { value: fromEnv, source: setting.env };
    return { value: setting.fallback, source: setting.env };
  };
  const turnUrls = parseIceUrls(read('turnUrls'), /^turns?:/);
  const turnSecret = parseSecret(read('turnSecret'));
  if (turnUrls.length > 0 && turnSecret === null) {
    throw new ConfigError(`${settings.turnSecret.env} must be set when ${settings.turnUrls.env} is (coturn's static-auth-secret)`);
  }
  const headersTimeoutMs = parseInteger(read('headersTimeoutMs'), 100, 600_000);
  const requestTimeoutMs = parseInteger(read('requestTimeoutMs'), 100, 600_000);
  if (headersTimeoutMs > requestTimeoutMs) {
    throw new ConfigError(`${settings.headersTimeoutMs.env} must not exceed ${settings.requestTimeoutMs.env}: the headers are part of the request`);
  }
  const redisUrl = parseRedisUrl(read('redisUrl'));
  const tokenSecret = parseSecret(read('tokenSecret'));
  if (redisUrl !== null && tokenSecret === null) {
    throw new ConfigError(`${settings.tokenSecret.env} must be set when ${settings.redisUrl.env} is: every node must check the same tokens`);
  }
  return {
    host: parseHost(read('host')),
    port: parseInteger(read('port'), 0, 65_535),
    path: parsePath(read('path')),
    key: parseKey(read('key')),
    allowedOrigins: parseAllowedOrigins(read('allowedOrigins')),
    aliveTimeoutMs: parseInteger(read('aliveTimeoutMs'), minAliveTimeoutMs, maxAliveTimeoutMs),
    roomCapacity: parseInteger(read('roomCapacity'), 1, maxRoomCapacity),
    joinRequestTimeoutMs: parseInteger(read('joinRequestTimeoutMs'), 1_000, maxAliveTimeoutMs),
    tokenSecret,
    secretFile: read('secretFile').value,
    tokenTtlMs: parseInteger(read('tokenTtlMs'), 1_000, maxAliveTimeoutMs),
    maxFrameBytes: parseInteger(read('maxFrameBytes'), 1_024, 1_048_576),
    messagesPerSecond: parseInteger(read('messagesPerSecond'), 1, 100_000),
    messageBurst: parseInteger(read('messageBurst'), 1, 100_000),
    maxConnectionsPerIp: parseInteger(read('maxConnectionsPerIp'), 1, 1_000_000),
    maxConnections: parseInteger(read('maxConnections'), 1, 10_000_000),
    trustedProxies: parseTrustedProxies(read('trustedProxies')),
    headersTimeoutMs,
    requestTimeoutMs,
    sessionsPerMinute: parseInteger(read('sessionsPerMinute'), 1, 1_000_000),
    sessionBurst: parseInteger(read('sessionBurst'), 1, 1_000_000),
    metricsAddress: parseListenAddress(read('metricsAddress')),
    metricsToken: parseSecret(read('metricsToken')),
    maxQueuedPerPeer: parseInteger(read('maxQueuedPerPeer'), 0, 10_000),
    maxOutgoingBytes: parseInteger(read('maxOutgoingBytes'), 16_384, 67_108_864),
    stunUrls: parseIceUrls(read('stunUrls'), /^stuns?:/),
    turnUrls,
    turnSecret,
    turnTtlMs: parseInteger(read('turnTtlMs'), 1_000, maxAliveTimeoutMs),
    redisUrl,
    guestDir: read('guestDir').value === '' ? null : read('guestDir').value,
  };
}

const knownFlags = new Set(Object.values(settings).map((setting) => setting.flag));

function parseFlags(argv: readonly string[]): Map<string, string> {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (!arg.startsWith('--')) throw new ConfigError(`unexpected argument "${arg}"; options look like --port 9000`);
    const equals = arg.indexOf('=');
    const flag = equals === -1 ? arg : arg.slice(0, equals);
    if (!knownFlags.has(flag)) {
      throw new ConfigError(`unknown option "${flag}"; expected one of ${[...knownFlags].join(', ')}`);
    }
    let value: string | undefined;
    if (equals !== -1) {
      value = arg.slice(equals + 1);
    } else {
      const next = argv[i + 1];
      // "--port --host x" is a forgotten value, not a port named "--host".
      if (next !== undefined && !next.startsWith('--')) {
        value = next;
        i++;
      }
    }
    if (value === undefined) throw new ConfigError(`${flag} needs a value, as in ${flag}=VALUE`);
    flags.set(flag, value);
  }
  return flags;
}

interface Raw {
  readonly value: string;
  readonly source: string;
}

function reject(raw: Raw, expected: string): never {
  throw new ConfigError(`${raw.source} must be ${expected}, got ${JSON.stringify(raw.value)}`);
}

function parseInteger(raw: Raw, min: number, max: number): number {
  const value = /^\d{1,9}$/.test(raw.value) ? Number(raw.value) : NaN;
  if (!(value >= min && value <= max)) reject(raw, `an integer ${min}-${max}`);
  return value;
}

function parseHost(raw: Raw): string {
  // Letters, digits, dots, dashes and colons cover host names, IPv4 and bare IPv6.
  if (!/^[A-Za-z0-9.:-]{1,253}$/.test(raw.value)) reject(raw, 'a host name or IP address such as 127.0.0.1');
  return raw.value;
}

function parsePath(raw: Raw): string {
  const expected = 'a URL path starting with "/" made of letters, digits and . _ ~ - /, without ".." or "//"';
  const value = raw.value;
  if (!/^\/[A-Za-z0-9._~/-]*$/.test(value) || value.includes('..') || value.includes('//')) reject(raw, expected);
  // "/peerjs/" and "/peerjs" mount the same server; keep one spelling for the URL we print.
  return value.length > 1 && value.endsWith('/') ? value.slice(0, -1) : value;
}

function parseKey(raw: Raw): string {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(raw.value)) reject(raw, '1 to 64 letters, digits, dashes or underscores');
  return raw.value;
}

/** Empty means unset; otherwise at least 32 characters, so it cannot be guessed. */
function parseSecret(raw: Raw): string | null {
  if (raw.value === '') return null;
  if (raw.value.length < 32 || /\s/.test(raw.value)) reject({ ...raw, value: '[hidden]' }, 'at least 32 characters without spaces');
  return raw.value;
}

function parseIceUrls(raw: Raw, scheme: RegExp): string[] {
  if (raw.value.trim() === '') return [];
  const urls = raw.value.split(',').map((url) => url.trim());
  for (const url of urls) {
    if (!scheme.test(url) || !/^[a-z]+:[A-Za-z0-9.:[\]_-]+(\?transport=(udp|tcp))?$/.test(url)) {
      reject(raw, `a comma-separated list of ${scheme.source.slice(1, -1).replace('s?', '')} URLs such as ${scheme.source.includes('turn') ? 'turn:turn.example.com:3478' : 'stun:stun.example.com:3478'}`);
    }
  }
  return urls;
}

function parseRedisUrl(raw: Raw): string | null {
  if (raw.value === '') return null;
  let url: URL;
  try {
    url = new URL(raw.value);
  } catch {
    return reject({ ...raw, value: '[hidden]' }, 'a URL such as redis://127.0.0.1:6379');
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') reject({ ...raw, value: url.protocol }, 'a redis:// or rediss:// URL');
  return raw.value;
}

function parseAllowedOrigins(raw: Raw): string[] {
  const origins = raw.value.split(',').map((entry) => entry.trim());
  if (origins.some((origin) => origin === '')) reject(raw, 'a comma-separated list of origins without empty entries');
  for (const origin of origins) {
    const problem = describeBadOriginPattern(origin);
    if (problem !== null) {
      throw new ConfigError(`${raw.source} must be a comma-separated list of origins; ${JSON.stringify(origin)} is not ${problem}`);
    }
  }
  return origins;
}

function parseTrustedProxies(raw: Raw): string[] {
  if (raw.value.trim() === '') return [];
  const entries = raw.value.split(',').map((entry) => entry.trim());
  for (const entry of entries) {
    const problem = describeBadProxy(entry);
    if (problem !== null) throw new ConfigError(`${raw.source} must be a comma-separated list of proxy addresses; ${JSON.stringify(entry)} is not ${problem}`);
  }
  return entries;
}

/** `host:port`, or `[v6]:port`; empty means unset. */
function parseListenAddress(raw: Raw): { host: string; port: number } | null {
  if (raw.value === '') return null;
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9.-]{1,253})):(\d{1,5})$/.exec(raw.value);
  const port = Number(match?.[3]);
  if (!match || !(port >= 0 && port <= 65_535)) reject(raw, 'host:port, such as 127.0.0.1:9100 or [::1]:9100');
  return { host: match[1] ?? match[2] ?? '', port };
}
