// @vitest-environment node
import { describe, expect, it } from 'vitest';
import {
  defaultSettings,
  formatIceServers,
  parseIceServers,
  parseReconnectGraceSeconds,
  parseSignalingKey,
  parseSignalingUrl,
} from '../../lib/call/settings';

describe('defaultSettings', () => {
  it('points at a local PeerServer and uses no public ICE servers', () => {
    expect(defaultSettings.signalingUrl).toBe('http://127.0.0.1:9000/peerjs');
    expect(defaultSettings.iceServers).toEqual([]);
    expect(parseSignalingUrl(defaultSettings.signalingUrl).ok).toBe(true);
    expect(parseSignalingKey(defaultSettings.signalingKey)).toEqual({ ok: true, value: defaultSettings.signalingKey });
  });
});

describe('parseSignalingUrl', () => {
  it.each([
    {
      name: 'the default local server',
      text: 'http://127.0.0.1:9000/peerjs',
      value: { host: '127.0.0.1', port: 9000, path: '/peerjs', secure: false, origin: 'http://127.0.0.1:9000' },
    },
    {
      name: 'http without a port on 80',
      text: 'http://calls.example/peerjs',
      value: { host: 'calls.example', port: 80, path: '/peerjs', secure: false, origin: 'http://calls.example' },
    },
    {
      name: 'https without a port on 443',
      text: 'https://calls.example/peerjs',
      value: { host: 'calls.example', port: 443, path: '/peerjs', secure: true, origin: 'https://calls.example' },
    },
    {
      name: 'https with an explicit port',
      text: 'https://calls.example:8443/signal/v1',
      value: { host: 'calls.example', port: 8443, path: '/signal/v1', secure: true, origin: 'https://calls.example:8443' },
    },
    {
      name: 'https with its default port written out',
      text: 'https://calls.example:443/peerjs',
      value: { host: 'calls.example', port: 443, path: '/peerjs', secure: true, origin: 'https://calls.example' },
    },
    {
      name: 'no path as the root path',
      text: 'http://calls.example',
      value: { host: 'calls.example', port: 80, path: '/', secure: false, origin: 'http://calls.example' },
    },
    {
      name: 'an IPv6 host, kept in brackets',
      text: 'http://[::1]:9000/peerjs',
      value: { host: '[::1]', port: 9000, path: '/peerjs', secure: false, origin: 'http://[::1]:9000' },
    },
    {
      name: 'surrounding whitespace and an upper-case host',
      text: '  HTTP://Calls.Example:9000/peerjs \n',
      value: { host: 'calls.example', port: 9000, path: '/peerjs', secure: false, origin: 'http://calls.example:9000' },
    },
  ])('accepts $name', ({ text, value }) => {
    expect(parseSignalingUrl(text)).toEqual({ ok: true, value });
  });

  it.each([
    { name: 'an ftp address', text: 'ftp://calls.example/peerjs', mentions: 'http://' },
    { name: 'a ws address', text: 'ws://calls.example/peerjs', mentions: 'http://' },
    { name: 'garbage', text: 'not a url', mentions: 'full address' },
    { name: 'an address without a scheme', text: 'calls.example:9000/peerjs', mentions: 'http://' },
    { name: 'empty text', text: '', mentions: 'full address' },
    { name: 'a user name and password', text: 'http://user:pass@calls.example/peerjs', mentions: 'user name' },
    { name: 'a user name alone', text: 'http://user@calls.example/peerjs', mentions: 'user name' },
    { name: 'a query', text: 'http://calls.example/peerjs?key=x', mentions: 'query' },
    { name: 'a fragment', text: 'http://calls.example/peerjs#top', mentions: 'fragment' },
  ])('rejects $name with a hint', ({ text, mentions }) => {
    const result = parseSignalingUrl(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toContain(mentions);
  });
});

describe('parseSignalingKey', () => {
  it.each([
    { text: 'peercall', value: 'peercall' },
    { text: '  my_key-2 ', value: 'my_key-2' },
    { text: 'a', value: 'a' },
    { text: 'k'.repeat(64), value: 'k'.repeat(64) },
  ])('accepts "$text"', ({ text, value }) => {
    expect(parseSignalingKey(text)).toEqual({ ok: true, value });
  });

  it.each([
    { name: 'an empty key', text: '' },
    { name: 'only spaces', text: '   ' },
    { name: 'a key of 65 characters', text: 'k'.repeat(65) },
    { name: 'a space inside', text: 'peer call' },
    { name: 'punctuation', text: 'peer.call' },
    { name: 'a slash', text: 'peer/call' },
    { name: 'a non-ASCII letter', text: 'peercäll' },
  ])('rejects $name', ({ text }) => {
    const result = parseSignalingKey(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(/1 to 64/);
  });
});

describe('parseIceServers', () => {
  it.each([
    { name: 'nothing as no servers', text: '', value: [] },
    { name: 'only blank lines and comments as no servers', text: '\n  \n# my TURN box\n  # spare\n', value: [] },
    { name: 'a STUN line', text: 'stun:stun.example:3478', value: [{ urls: 'stun:stun.example:3478' }] },
    { name: 'a STUNS line', text: 'stuns:stun.example:5349', value: [{ urls: 'stuns:stun.example:5349' }] },
    {
      name: 'a TURN line with user name and credential',
      text: 'turn:turn.example:3478 alice s3cret',
      value: [{ urls: 'turn:turn.example:3478', username: 'alice', credential: 's3cret' }],
    },
    {
      name: 'a TURNS line over TCP',
      text: 'turns:turn.example:443?transport=tcp alice s3cret',
      value: [{ urls: 'turns:turn.example:443?transport=tcp', username: 'alice', credential: 's3cret' }],
    },
    {
      name: 'several lines with comments, tabs, CRLF and extra spaces',
      text: '# ours\r\n  stun:a.example:3478  \r\n\r\nturn:b.example:3478\tbob\t\tpw\r\n',
      value: [{ urls: 'stun:a.example:3478' }, { urls: 'turn:b.example:3478', username: 'bob', credential: 'pw' }],
    },
    { name: 'an IPv6 STUN server', text: 'stun:[2001:db8::1]:3478', value: [{ urls: 'stun:[2001:db8::1]:3478' }] },
  ])('reads $name', ({ text, value }) => {
    expect(parseIceServers(text)).toEqual({ ok: true, value });
  });

  it.each([
    { name: 'a TURN server without any login', text: 'turn:t.example:3478', error: 'Line 1: a TURN server needs' },
    { name: 'a TURN server without a credential', text: 'turn:t.example:3478 alice', error: 'Line 1: a TURN server needs' },
    {
      name: 'a TURN server further down, counting blank and comment lines',
      text: '# servers\n\nstun:s.example:3478\nturns:t.example:443 alice',
      error: 'Line 4: a TURN server needs',
    },
    { name: 'a STUN server with a user name', text: 'stun:s.example:3478 alice', error: 'Line 1: a STUN server takes no user name' },
    { name: 'an http URL', text: 'https://turn.example', error: 'Line 1: expected stun:host:port' },
    { name: 'a bare host name', text: 'turn.example:3478', error: 'Line 1: expected stun:host:port' },
    { name: 'a scheme with no host', text: 'stun:', error: 'Line 1: expected stun:host:port' },
    { name: 'a URL with a path', text: 'turn:t.example:3478/x alice pw', error: 'Line 1: expected stun:host:port' },
    { name: 'an upper-case scheme', text: 'STUN:s.example:3478', error: 'Line 1: expected stun:host:port' },
    { name: 'junk on the second line', text: 'stun:s.example\nhello', error: 'Line 2: expected stun:host:port or turn:host:port, got "hello".' },
    { name: 'too many fields', text: 'turn:t.example:3478 alice pw extra', error: 'Line 1: expected at most a URL' },
  ])('rejects $name', ({ text, error }) => {
    const result = parseIceServers(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toContain(error);
  });
});

describe('formatIceServers', () => {
  it.each([
    { name: 'no servers', text: '' },
    { name: 'one STUN server', text: 'stun:s.example:3478' },
    { name: 'a TURN server with a login', text: 'turn:t.example:3478 alice s3cret' },
    { name: 'a TURNS server over TCP', text: 'turns:t.example:443?transport=tcp alice s3cret' },
    { name: 'a mixed list', text: 'stun:s.example:3478\nturn:t.example:3478 alice pw\nstuns:u.example:5349' },
  ])('writes $name back as the text it was read from', ({ text }) => {
    const parsed = parseIceServers(text);
    if (!parsed.ok) throw new Error(parsed.error);
    expect(formatIceServers(parsed.value)).toBe(text);
    expect(parseIceServers(formatIceServers(parsed.value))).toEqual(parsed);
  });

  it('writes one line per URL when a server lists several', () => {
    const servers: RTCIceServer[] = [
      { urls: ['turn:a.example:3478', 'turns:a.example:443?transport=tcp'], username: 'u', credential: 'c' },
    ];
    expect(formatIceServers(servers)).toBe('turn:a.example:3478 u c\nturns:a.example:443?transport=tcp u c');
  });
});

describe('how long someone whose connection dropped is waited for', () => {
  it.each([
    ['30', { ok: true, value: 30 }],
    [' 5 ', { ok: true, value: 5 }],
    ['600', { ok: true, value: 600 }],
    ['4', { ok: false }],
    ['601', { ok: false }],
    ['2.5', { ok: false }],
    ['', { ok: false }],
  ])('%j gives %j', (text, expected) => {
    expect(parseReconnectGraceSeconds(text)).toMatchObject(expected);
  });
});
