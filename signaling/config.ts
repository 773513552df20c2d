/**
 * How the server is told where to listen and whom to serve: environment variables
 * for deployments, flags for one-off runs (flags win). Pure, so every bad value can
 * be tested without starting anything.
 */
import { describeBadOriginPattern } from './allowed-origins.js';

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
  return {
    host: parseHost(read('host')),
    port: parseInteger(read('port'), 0, 65_535),
    path: parsePath(read('path')),
    key: parseKey(read('key')),
    allowedOrigins: parseAllowedOrigins(read('allowedOrigins')),
    aliveTimeoutMs: parseInteger(read('aliveTimeoutMs'), minAliveTimeoutMs, maxAliveTimeoutMs),
    roomCapacity: parseInteger(read('roomCapacity'), 1, maxRoomCapacity),
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
