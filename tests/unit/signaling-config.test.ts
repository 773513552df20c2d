// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { ConfigError, isOriginAllowed, parseConfig } from '../../signaling/config.js';

const defaults = {
  host: '127.0.0.1',
  port: 9000,
  path: '/peerjs',
  key: 'peercall',
  allowedOrigins: ['chrome-extension://*', 'moz-extension://*'],
  aliveTimeoutMs: 60_000,
  roomCapacity: 6,
  joinRequestTimeoutMs: 300_000,
  tokenSecret: null,
  secretFile: '.peercall/token-secret',
  tokenTtlMs: 600_000,
  maxFrameBytes: 65_536,
  messagesPerSecond: 100,
  messageBurst: 300,
  maxConnectionsPerIp: 50,
  maxConnections: 18_000,
  trustedProxies: [],
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 20_000,
  sessionsPerMinute: 60,
  sessionBurst: 20,
  metricsAddress: null,
  metricsToken: null,
  maxQueuedPerPeer: 32,
  maxOutgoingBytes: 262_144,
  stunUrls: [],
  turnUrls: [],
  turnSecret: null,
  turnTtlMs: 3_600_000,
  redisUrl: null,
  guestDir: null,
};

function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('parseConfig', () => {
  it('reads TURN with its secret, and Redis with a shared token secret', () => {
    const secret = 's'.repeat(40);
    expect(
      parseConfig({ PEERCALL_TURN_URLS: 'turn:127.0.0.1:3478?transport=udp', PEERCALL_TURN_SECRET: secret, REDIS_URL: 'redis://127.0.0.1:6390', PEERCALL_TOKEN_SECRET: secret }, []),
    ).toMatchObject({ turnUrls: ['turn:127.0.0.1:3478?transport=udp'], turnSecret: secret, redisUrl: 'redis://127.0.0.1:6390', tokenSecret: secret });
  });

  it.each([
    [{ PEERCALL_TURN_URLS: 'turn:127.0.0.1:3478' }, 'PEERCALL_TURN_SECRET must be set'],
    [{ REDIS_URL: 'redis://127.0.0.1:6379' }, 'PEERCALL_TOKEN_SECRET must be set'],
    [{ REDIS_URL: 'http://127.0.0.1:6379', PEERCALL_TOKEN_SECRET: 'x'.repeat(32) }, 'REDIS_URL must be a redis://'],
    [{ PEERCALL_TOKEN_SECRET: 'short' }, 'PEERCALL_TOKEN_SECRET must be at least 32 characters'],
    [{ PEERCALL_TURN_URLS: 'http://turn.example.com', PEERCALL_TURN_SECRET: 'x'.repeat(32) }, 'PEERCALL_TURN_URLS must be'],
    [{ PEERCALL_STUN_URLS: 'turn:x:1' }, 'PEERCALL_STUN_URLS must be'],
    [{ PEERCALL_MAX_FRAME_BYTES: '10' }, 'PEERCALL_MAX_FRAME_BYTES must be an integer 1024-1048576'],
    [{ PEERCALL_MESSAGES_PER_SECOND: '0' }, 'PEERCALL_MESSAGES_PER_SECOND must be an integer'],
  ])('stops on %j with a message naming the setting', (env, message) => {
    expect(configError(() => parseConfig(env, [])).message).toContain(message);
  });

  it('never repeats a secret in its message', () => {
    expect(configError(() => parseConfig({ PEERCALL_TOKEN_SECRET: 'hunter2 hunter2' }, [])).message).not.toContain('hunter2');
  });

  it('serves loopback on 9000 at /peerjs for extension pages when nothing is set', () => {
    expect(parseConfig({}, [])).toEqual(defaults);
  });

  it('treats an empty variable as unset', () => {
    expect(parseConfig({ PEERCALL_PORT: '', PEERCALL_KEY: '' }, [])).toEqual(defaults);
  });

  it.each([
    ['PEERCALL_HOST', '0.0.0.0', { host: '0.0.0.0' }],
    ['PEERCALL_HOST', '::1', { host: '::1' }],
    ['PEERCALL_PORT', '0', { port: 0 }],
    ['PEERCALL_PORT', '65535', { port: 65_535 }],
    ['PEERCALL_PATH', '/', { path: '/' }],
    ['PEERCALL_PATH', '/signal/v1', { path: '/signal/v1' }],
    ['PEERCALL_PATH', '/peerjs/', { path: '/peerjs' }],
    ['PEERCALL_KEY', 'team_call-2', { key: 'team_call-2' }],
    ['PEERCALL_ALLOWED_ORIGINS', 'https://app.example.com', { allowedOrigins: ['https://app.example.com'] }],
    [
      'PEERCALL_ALLOWED_ORIGINS',
      ' chrome-extension://abc , http://localhost:5173 ',
      { allowedOrigins: ['chrome-extension://abc', 'http://localhost:5173'] },
    ],
    ['PEERCALL_ALLOWED_ORIGINS', 'https://*.example.com', { allowedOrigins: ['https://*.example.com'] }],
    ['PEERCALL_ALIVE_TIMEOUT_MS', '5000', { aliveTimeoutMs: 5000 }],
    ['PEERCALL_ROOM_CAPACITY', '3', { roomCapacity: 3 }],
    ['PEERCALL_GUEST_DIR', '/srv/peercall/guest', { guestDir: '/srv/peercall/guest' }],
    ['PEERCALL_TOKEN_SECRET', 'x'.repeat(32), { tokenSecret: 'x'.repeat(32) }],
    ['PEERCALL_MAX_FRAME_BYTES', '16384', { maxFrameBytes: 16_384 }],
    ['PEERCALL_MESSAGES_PER_SECOND', '20', { messagesPerSecond: 20 }],
    ['PEERCALL_MAX_CONNECTIONS_PER_IP', '20000', { maxConnectionsPerIp: 20_000 }],
    ['PEERCALL_MAX_QUEUED_PER_PEER', '0', { maxQueuedPerPeer: 0 }],
    ['PEERCALL_MAX_OUTGOING_BYTES', '1048576', { maxOutgoingBytes: 1_048_576 }],
    ['PEERCALL_TRUSTED_PROXIES', '10.0.0.5, 192.168.0.0/16,::1', { trustedProxies: ['10.0.0.5', '192.168.0.0/16', '::1'] }],
    ['PEERCALL_HEADERS_TIMEOUT_MS', '5000', { headersTimeoutMs: 5000 }],
    ['PEERCALL_SESSIONS_PER_MINUTE', '10', { sessionsPerMinute: 10 }],
    ['PEERCALL_METRICS_ADDRESS', '127.0.0.1:9100', { metricsAddress: { host: '127.0.0.1', port: 9100 } }],
    ['PEERCALL_METRICS_ADDRESS', '[::1]:9100', { metricsAddress: { host: '::1', port: 9100 } }],
    ['PEERCALL_METRICS_TOKEN', 'm'.repeat(32), { metricsToken: 'm'.repeat(32) }],
    ['PEERCALL_STUN_URLS', 'stun:127.0.0.1:3478, stun:stun.example.com:3478', { stunUrls: ['stun:127.0.0.1:3478', 'stun:stun.example.com:3478'] }],
    ['PEERCALL_TURN_TTL_MS', '5000', { turnTtlMs: 5000 }],
  ])('reads %s=%j', (name, value, expected) => {
    expect(parseConfig({ [name]: value }, [])).toEqual({ ...defaults, ...expected });
  });

  it.each([
    [['--host', '0.0.0.0'], { host: '0.0.0.0' }],
    [['--port', '9001'], { port: 9001 }],
    [['--port=9001'], { port: 9001 }],
    [['--path=/signal'], { path: '/signal' }],
    [['--key', 'other'], { key: 'other' }],
    [['--allowed-origins', 'https://a.example'], { allowedOrigins: ['https://a.example'] }],
    [['--alive-timeout-ms=2000'], { aliveTimeoutMs: 2000 }],
    [['--room-capacity', '3'], { roomCapacity: 3 }],
    [['--port', '1', '--port', '2'], { port: 2 }],
  ])('flags %j win over the environment', (argv, expected) => {
    const env = {
      PEERCALL_HOST: '10.0.0.1',
      PEERCALL_PORT: '7000',
      PEERCALL_PATH: '/env',
      PEERCALL_KEY: 'env-key',
      PEERCALL_ALLOWED_ORIGINS: 'https://env.example',
      PEERCALL_ALIVE_TIMEOUT_MS: '30000',
      PEERCALL_ROOM_CAPACITY: '4',
    };
    const fromEnv = {
      host: '10.0.0.1',
      port: 7000,
      path: '/env',
      key: 'env-key',
      allowedOrigins: ['https://env.example'],
      aliveTimeoutMs: 30_000,
      roomCapacity: 4,
    };
    expect(parseConfig(env, argv)).toEqual({ ...defaults, ...fromEnv, ...expected });
  });

  it.each([
    ['PEERCALL_PORT', 'abc', 'must be an integer 0-65535, got "abc"'],
    ['PEERCALL_PORT', '65536', 'must be an integer 0-65535'],
    ['PEERCALL_PORT', '-1', 'must be an integer 0-65535'],
    ['PEERCALL_PORT', '90.5', 'must be an integer 0-65535'],
    ['PEERCALL_PORT', ' 9000', 'must be an integer 0-65535'],
    ['PEERCALL_HOST', 'exa mple', 'host name or IP address'],
    ['PEERCALL_HOST', 'http://x', 'host name or IP address'],
    ['PEERCALL_PATH', 'peerjs', 'starting with "/"'],
    ['PEERCALL_PATH', '/a/../b', 'without ".."'],
    ['PEERCALL_PATH', '/a//b', 'or "//"'],
    ['PEERCALL_PATH', '/peer js', 'starting with "/"'],
    ['PEERCALL_PATH', '/peerjs?x=1', 'starting with "/"'],
    ['PEERCALL_KEY', 'has space', '1 to 64 letters'],
    ['PEERCALL_KEY', 'k'.repeat(65), '1 to 64 letters'],
    ['PEERCALL_KEY', 'key/../x', '1 to 64 letters'],
    ['PEERCALL_ALLOWED_ORIGINS', 'evil', 'is not an origin such as'],
    ['PEERCALL_ALLOWED_ORIGINS', 'https://app.example.com/', 'is not an origin such as'],
    ['PEERCALL_ALLOWED_ORIGINS', '*', 'is not an origin such as'],
    ['PEERCALL_ALLOWED_ORIGINS', 'https://app.example.com,,', 'without empty entries'],
    ['PEERCALL_ALLOWED_ORIGINS', 'https://*.*.example.com', 'at most one "*"'],
    ['PEERCALL_ALLOWED_ORIGINS', 'http*://example.com', 'is not an origin such as'],
    ['PEERCALL_ALLOWED_ORIGINS', 'http://localhost:*', 'is not an origin such as'],
    ['PEERCALL_ALIVE_TIMEOUT_MS', 'soon', 'must be an integer 1000-86400000'],
    ['PEERCALL_ALIVE_TIMEOUT_MS', '999', 'must be an integer 1000-86400000'],
    ['PEERCALL_ROOM_CAPACITY', '0', 'must be an integer 1-50'],
    ['PEERCALL_ROOM_CAPACITY', 'six', 'must be an integer 1-50'],
    ['PEERCALL_TRUSTED_PROXIES', '10.0.0.0/33', 'is not an IP address or a CIDR range'],
    ['PEERCALL_TRUSTED_PROXIES', 'proxy.example.com', 'is not an IP address or a CIDR range'],
    ['PEERCALL_METRICS_ADDRESS', '9100', 'must be host:port'],
    ['PEERCALL_METRICS_TOKEN', 'short', 'at least 32 characters'],
    ['PEERCALL_HEADERS_TIMEOUT_MS', '30000', 'must not exceed PEERCALL_REQUEST_TIMEOUT_MS'],
  ])('rejects %s=%j', (name, value, expected) => {
    const error = configError(() => parseConfig({ [name]: value }, []));
    expect(error.message).toContain(name);
    expect(error.message).toContain(expected);
  });

  it.each([
    [['--port', 'nope'], '--port must be an integer 0-65535, got "nope"'],
    [['--port=nope'], '--port must be an integer 0-65535, got "nope"'],
    [['--key', 'bad key'], '--key must be 1 to 64 letters'],
    [['--path=relative'], '--path must be a URL path'],
    [['--alive-timeout-ms', '0'], '--alive-timeout-ms must be an integer'],
    [['--allowed-origins', 'nope'], '--allowed-origins must be a comma-separated list'],
    [['--port'], '--port needs a value'],
    [['--port', '--host', 'x'], '--port needs a value'],
    [['--verbose'], 'unknown option "--verbose"'],
    [['--port-number=1'], 'unknown option "--port-number"'],
    [['9000'], 'unexpected argument "9000"'],
  ])('rejects the command line %j', (argv, expected) => {
    expect(configError(() => parseConfig({}, argv)).message).toContain(expected);
  });
});

describe('isOriginAllowed', () => {
  const extensions = ['chrome-extension://*', 'moz-extension://*'];

  it.each([
    ['chrome-extension://abcdefghijklmnop', extensions, true],
    ['moz-extension://0d9f4a8e-1c2b-4e5f-9a7b-3c6d8e0f1a2b', extensions, true],
    ['CHROME-EXTENSION://ABCDEF', extensions, true],
    ['https://evil.example', extensions, false],
    ['chrome-extension://', extensions, false],
    ['chrome-extension://abc/path', extensions, false],
    ['chrome-extension://abc:1234', extensions, false],
    [undefined, extensions, false],
    ['', extensions, false],
    ['null', ['null'], false],
    ['https://app.example.com', ['https://app.example.com'], true],
    ['https://APP.example.com', ['https://app.example.com'], true],
    ['https://app.example.com:8443', ['https://app.example.com'], false],
    ['http://app.example.com', ['https://app.example.com'], false],
    ['https://app.example.com.evil.example', ['https://app.example.com'], false],
    ['https://a.example.com', ['https://*.example.com'], true],
    ['https://a.b.example.com', ['https://*.example.com'], true],
    ['https://example.com', ['https://*.example.com'], false],
    ['https://evil.com/.example.com', ['https://*.example.com'], false],
    ['https://evilexample.com', ['https://*.example.com'], false],
    ['http://localhost:5173', ['http://localhost:5173'], true],
    ['https://app.example.com', [], false],
  ])('%j against %j is %s', (origin, allowed, expected) => {
    expect(isOriginAllowed(origin, allowed)).toBe(expected);
  });
});
