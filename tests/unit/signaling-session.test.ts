import { describe, expect, it } from 'vitest';
import type { CallId } from '../../lib/call/call-id';
import { parseSession, renewDelayMs, requestSession, requestTicket, sessionUrl } from '../../lib/signaling/signaling-session';

const endpoint = { host: '127.0.0.1', port: 9000, path: '/peerjs', secure: false, origin: 'http://127.0.0.1:9000' };
const room = 'k3f9-x2ab-7mqz-0h1c-wv8e-5rt4-nd6p' as CallId;
const good = {
  peerId: '0123456789abcdef0123456789abcdef',
  token: 'v1.1800000000.tag_tag_tag_tag_tag_ta.sig',
  expiresAtMs: 1_800_000_000_000,
  ticket: 't1.1800000000.tag_tag_tag_tag_tag_ta.nonce_nonce_nonce_nonc.sig',
  iceServers: [{ urls: ['stun:127.0.0.1:3478'] }, { urls: 'turn:127.0.0.1:3478?transport=udp', username: '1800000000:x', credential: 'c2VjcmV0' }],
};

function answering(status: number, body: unknown): typeof fetch {
  return (async () => new Response(typeof body === 'string' ? body : JSON.stringify(body), { status })) as typeof fetch;
}

describe('the session a client gets before a call', () => {
  it('is asked for at <path>/session, also behind TLS and on IPv6', () => {
    expect(sessionUrl(endpoint)).toBe('http://127.0.0.1:9000/peerjs/session');
    expect(sessionUrl({ ...endpoint, host: '::1', path: '/', secure: true, port: 443 })).toBe('https://[::1]:443/session');
  });

  it('takes a well-formed answer', async () => {
    expect(await requestSession(endpoint, room, undefined, answering(200, good))).toEqual({
      ok: true,
      session: { ...good, iceServers: [{ urls: ['stun:127.0.0.1:3478'] }, { ...good.iceServers[1], urls: ['turn:127.0.0.1:3478?transport=udp'] }] },
    });
  });

  it.each<[string, unknown]>([
    ['a peer ID with odd characters', { ...good, peerId: '../x' }],
    ['a peer ID PeerJS would refuse', { ...good, peerId: '-starts-with-a-dash' }],
    ['a peer ID with a doubled separator', { ...good, peerId: 'a--b' }],
    ['a missing token', { ...good, token: undefined }],
    ['a token with spaces', { ...good, token: 'a b' }],
    ['a missing ticket', { ...good, ticket: undefined }],
    ['a ticket with a query in it', { ...good, ticket: 't1&id=victim' }],
    ['an expiry that is text', { ...good, expiresAtMs: 'soon' }],
    ['ICE servers that are not a list', { ...good, iceServers: {} }],
    ['an ICE server with an http URL', { ...good, iceServers: [{ urls: 'http://evil.example' }] }],
    ['a TURN server without a credential', { ...good, iceServers: [{ urls: 'turn:x:1', username: 'u' }] }],
    ['eleven ICE servers', { ...good, iceServers: Array.from({ length: 11 }, () => ({ urls: 'stun:x:1' })) }],
    ['null', null],
  ])('refuses an answer with %s', (_name, body) => {
    expect(parseSession(body)).toBeNull();
  });

  it('tells a server that cannot be reached from one that refuses', async () => {
    const down = (async () => {
      throw new TypeError('Failed to fetch');
    }) as typeof fetch;
    expect(await requestSession(endpoint, room, undefined, down)).toEqual({ ok: false, problem: 'unreachable' });
    expect(await requestSession(endpoint, room, undefined, answering(503, ''))).toEqual({ ok: false, problem: 'unreachable' });
    expect(await requestSession(endpoint, room, undefined, answering(403, { code: 'renew-refused' }))).toEqual({ ok: false, problem: 'refused' });
    expect(await requestSession(endpoint, room, undefined, answering(200, 'not json'))).toEqual({ ok: false, problem: 'refused' });
  });

  it('asks for a connect ticket at <path>/ticket with the ID and token in the body, never the URL', async () => {
    let asked: { url: string; body: unknown } | null = null;
    const server = (async (url: string, init: RequestInit) => {
      asked = { url, body: JSON.parse(String(init.body)) };
      return new Response(JSON.stringify({ ticket: 't1.1800000000.a.b.c', expiresAtMs: 1 }), { status: 200 });
    }) as typeof fetch;
    expect(await requestTicket(endpoint, good, server)).toEqual({ ok: true, ticket: 't1.1800000000.a.b.c' });
    expect(asked).toEqual({ url: 'http://127.0.0.1:9000/peerjs/ticket', body: { peerId: good.peerId, token: good.token } });
  });

  it('a refused ticket means the session is over; a busy or slowing server is worth retrying', async () => {
    expect(await requestTicket(endpoint, good, answering(403, { code: 'ticket-refused' }))).toEqual({ ok: false, problem: 'refused' });
    expect(await requestTicket(endpoint, good, answering(200, { ticket: 'has spaces' }))).toEqual({ ok: false, problem: 'refused' });
    expect(await requestTicket(endpoint, good, answering(429, ''))).toEqual({ ok: false, problem: 'unreachable' });
    expect(await requestSession(endpoint, room, undefined, answering(429, ''))).toEqual({ ok: false, problem: 'unreachable' });
    expect(await requestTicket(endpoint, good, answering(502, ''))).toEqual({ ok: false, problem: 'unreachable' });
  });

  it('renews halfway to expiry, and never in less than a second', () => {
    expect(renewDelayMs({ ...good, expiresAtMs: 600_000 }, 0)).toBe(300_000);
    expect(renewDelayMs({ ...good, expiresAtMs: 100 }, 0)).toBe(1_000);
  });
});
