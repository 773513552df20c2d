import { describe, expect, it } from 'vitest';
import { allowServer, maxAllowedServers, routeInvite, validAllowedServers } from '../../lib/call/invite-server';

const ours = 'http://127.0.0.1:9000/peerjs';

describe('which server an invite is for', () => {
  it.each([
    ['a bare ID', null, [], { kind: 'configured' }],
    ['a link to our own server', 'http://127.0.0.1:9000', [], { kind: 'configured' }],
    ['a link to our server under a path prefix', 'https://calls.example/pc', [], { kind: 'configured' }, 'https://calls.example/pc/peerjs'],
    ['a link to another port of the same host', 'http://127.0.0.1:9001', [], { kind: 'ask', host: '127.0.0.1:9001', server: 'http://127.0.0.1:9001', signalingUrl: 'http://127.0.0.1:9001/peerjs' }],
    ['a link to another server', 'https://peercall.example', [], { kind: 'ask', host: 'peercall.example', server: 'https://peercall.example', signalingUrl: 'https://peercall.example/peerjs' }],
    ['a link to a server allowed before', 'https://peercall.example', ['https://peercall.example'], { kind: 'allowed', signalingUrl: 'https://peercall.example/peerjs' }],
    ['a link to a server behind a prefix', 'https://x.example/pc', [], { kind: 'ask', host: 'x.example', server: 'https://x.example/pc', signalingUrl: 'https://x.example/pc/peerjs' }],
    ['something that is not a server base', 'javascript:alert(1)', [], { kind: 'configured' }],
    ['a server with a trailing slash', 'https://peercall.example/', [], { kind: 'configured' }],
  ])('%s', (_name, server, allowed, route, configured = ours) => {
    expect(routeInvite(server as string | null, configured as string, allowed as string[])).toEqual(route);
  });

  it('allowing one host does not allow another that merely starts the same', () => {
    expect(routeInvite('https://peercall.example.evil.example', ours, ['https://peercall.example']).kind).toBe('ask');
  });
});

describe('the servers a person allowed', () => {
  it('puts the newest first without repeats, and forgets the oldest beyond the limit', () => {
    expect(allowServer(['https://a.example', 'https://b.example'], 'https://b.example')).toEqual(['https://b.example', 'https://a.example']);
    const many = Array.from({ length: maxAllowedServers }, (_, i) => `https://s${i}.example`);
    const after = allowServer(many, 'https://new.example');
    expect(after).toHaveLength(maxAllowedServers);
    expect(after[0]).toBe('https://new.example');
    expect(after).not.toContain(`https://s${maxAllowedServers - 1}.example`);
  });

  it.each([
    ['nothing stored', undefined, []],
    ['not a list', 'https://a.example', []],
    ['garbage among servers', ['https://a.example', 5, 'ftp://b.example', 'https://u:p@c.example', 'https://d.example/pc'], ['https://a.example', 'https://d.example/pc']],
  ])('reads back %s', (_name, stored, servers) => {
    expect(validAllowedServers(stored)).toEqual(servers);
  });
});
