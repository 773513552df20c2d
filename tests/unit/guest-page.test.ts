import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { guestSettings } from '../../lib/call/guest-settings';
import { defaultSettings } from '../../lib/call/settings';
import { isOwnOrigin } from '../../signaling/allowed-origins';
import { guestPageCandidates, guestPagePolicy, loadGuestPage } from '../../signaling/guest-page';

const built = mkdtempSync(join(tmpdir(), 'peercall-guest-unit-'));
mkdirSync(join(built, 'assets'));
writeFileSync(
  join(built, 'index.html'),
  '<head>\n<meta name="peercall-path" content="" />\n<meta name="peercall-key" content="" />\n</head><body><div id="app"></div></body>\n',
);
afterAll(() => rmSync(built, { recursive: true, force: true }));

describe('the guest page the server serves', () => {
  it('gets the server\'s path and key written in, escaped', () => {
    const page = loadGuestPage({ guestDir: built, path: '/peerjs', key: 'peercall' });
    expect(page?.html).toContain('<meta name="peercall-path" content="/peerjs" />');
    expect(page?.html).toContain('<meta name="peercall-key" content="peercall" />');
    const odd = loadGuestPage({ guestDir: built, path: '/a"><script>', key: 'k' });
    expect(odd?.html).toContain('content="/a&quot;>&lt;script>"');
    expect(odd?.html).not.toContain('<script>');
  });

  it('is missing, not broken, when nothing was built', () => {
    expect(loadGuestPage({ guestDir: join(built, 'nowhere'), path: '/peerjs', key: 'peercall' })).toBeNull();
  });

  it('is looked for where it was configured, else beside a built server, else in the build output', () => {
    expect(guestPageCandidates('/srv/guest')).toEqual(['/srv/guest']);
    expect(guestPageCandidates(null, '/opt/peercall/server')[0]).toBe('/opt/peercall/server/guest');
    expect(guestPageCandidates(null, '/opt/peercall/server')[1]).toMatch(/\/guest$/);
  });

  it('has a policy that allows only our own scripts, styles and server', () => {
    const policy = guestPagePolicy('peercall.example');
    expect(policy.split('; ')).toEqual([
      "default-src 'none'",
      "script-src 'self' 'wasm-unsafe-eval'",
      "style-src 'self'",
      "img-src 'self' data: blob:",
      "media-src 'self' blob: mediastream:",
      "connect-src 'self' ws://peercall.example wss://peercall.example",
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors 'none'",
    ]);
  });

  it.each([
    ['a header injection', 'peercall.example\r\nSet-Cookie: x=1'],
    ['a policy injection', "peercall.example; script-src *"],
    ['a path', 'peercall.example/evil'],
    ['nothing', undefined],
  ])('names no socket host for %s in the Host header', (_name, host) => {
    expect(guestPagePolicy(host)).toContain("connect-src 'self'; ");
  });
});

describe('the server\'s own origin', () => {
  it.each([
    ['http://127.0.0.1:9000', '127.0.0.1:9000', true],
    ['https://peercall.example', 'peercall.example', true],
    ['https://PeerCall.Example', 'peercall.example', true],
    ['http://[::1]:9000', '[::1]:9000', true],
    ['https://evil.example', 'peercall.example', false],
    ['https://peercall.example.evil.example', 'peercall.example', false],
    ['https://peercall.example:8443', 'peercall.example', false],
    ['chrome-extension://abc', 'abc', false],
    ['null', 'peercall.example', false],
    ['https://peercall.example/path', 'peercall.example', false],
    [undefined, 'peercall.example', false],
    ['https://peercall.example', undefined, false],
    ['https://peercall.example', 'peercall.example\r\nX: y', false],
  ])('%s from a page served as %s → %s', (origin, host, own) => {
    expect(isOwnOrigin(origin, host)).toBe(own);
  });
});

describe('a guest\'s settings', () => {
  it('point at the page\'s own server, with the path and key the server wrote in', () => {
    const settings = guestSettings({ origin: 'https://peercall.example', signalingPath: '/calls/peerjs', signalingKey: 'team', displayName: 'Gus' });
    expect(settings).toEqual({ ...defaultSettings, signalingUrl: 'https://peercall.example/calls/peerjs', signalingKey: 'team', displayName: 'Gus' });
  });

  it.each([
    ['an empty path', '', 'peercall'],
    ['a path with a query', '/peerjs?x=1', 'peercall'],
    ['a relative path', 'peerjs', 'peercall'],
    ['a key with spaces', '/peerjs', 'a b'],
  ])('fall back to the defaults for %s', (_name, path, key) => {
    const settings = guestSettings({ origin: 'https://peercall.example', signalingPath: path, signalingKey: key, displayName: '' });
    expect(settings.signalingUrl).toMatch(/^https:\/\/peercall\.example\/[A-Za-z0-9._~/-]*$/);
    expect(settings.signalingKey).toMatch(/^[A-Za-z0-9_-]+$/);
  });
});
