import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SendBudget } from '../../signaling/rate-limit';
import { checkToken, issueToken, newPeerId, roomTag } from '../../signaling/tokens';
import { iceServersFor, turnCredential } from '../../signaling/turn-credentials';

const secret = Buffer.from('0123456789abcdef0123456789abcdef');
const room = 'k3f9-x2ab-7mqz-0h1c-wv8e-5rt4-nd6p';
const now = 1_800_000_000_000;

describe('peer tokens', () => {
  it('a token registers the ID it was issued for, bound to the room by hash', () => {
    const { token, expiresAtMs } = issueToken(secret, 'peer-a', room, now, 60_000);
    expect(expiresAtMs).toBe(now + 60_000);
    expect(checkToken(secret, 'peer-a', token, now)).toEqual({ ok: true, roomTag: roomTag(room), expiresAtMs });
    expect(token).not.toContain(room);
  });

  it.each<[string, (token: string) => [id: string, token: string, nowMs: number, key?: Buffer], string]>([
    ['a token for one ID does not register another', (t) => ['peer-b', t, now], 'bad-signature'],
    ['an expired token', (t) => ['peer-a', t, now + 60_000], 'expired'],
    ['a token signed with another secret', (t) => ['peer-a', t, now, Buffer.from('another secret')], 'bad-signature'],
    ['a token with its expiry pushed out', (t) => ['peer-a', t.replace(/^v1\.(\d+)/, (_m, s: string) => `v1.${Number(s) + 3600}`), now], 'bad-signature'],
    ['a token moved to another room', (t) => ['peer-a', t.replace(/^(v1\.\d+\.)[^.]+/, `$1${roomTag('other-room')}`), now], 'bad-signature'],
    ['a random string', () => ['peer-a', 'test-token', now], 'malformed'],
    ['an empty token', () => ['peer-a', '', now], 'malformed'],
    ['a token of another version', (t) => ['peer-a', t.replace(/^v1/, 'v2'), now], 'malformed'],
    ['a token with a short signature', (t) => ['peer-a', t.slice(0, -1), now], 'malformed'],
    ['a token with an extra part', (t) => ['peer-a', `${t}.x`, now], 'malformed'],
  ])('refuses %s', (_name, tamper, reason) => {
    const { token } = issueToken(secret, 'peer-a', room, now, 60_000);
    const [id, presented, at, key] = tamper(token);
    expect(checkToken(key ?? secret, id, presented, at)).toEqual({ ok: false, reason });
  });

  it('peer IDs are 128 random bits, distinct, and IDs PeerJS accepts', () => {
    const ids = new Set(Array.from({ length: 5000 }, newPeerId));
    expect(ids.size).toBe(5000);
    // PeerJS's own rule (util.validateId): alphanumeric runs joined by single " ", "_" or "-".
    for (const id of ids) expect(id).toMatch(/^(?=[0-9a-f]{32}$)[A-Za-z0-9]+(?:[ _-][A-Za-z0-9]+)*$/);
  });
});

describe('TURN REST credentials', () => {
  it('follow coturn\'s use-auth-secret scheme: "<expiry>:<name>" and base64 HMAC-SHA1', () => {
    const { username, credential } = turnCredential('s3cret', 'peer-a', now, 3_600_000);
    expect(username).toBe(`${(now + 3_600_000) / 1000}:peer-a`);
    expect(credential).toBe(createHmac('sha1', 's3cret').update(username).digest('base64'));
  });

  it('a client gets STUN as configured and TURN with fresh credentials, or neither when none is configured', () => {
    const turn = { urls: ['turn:127.0.0.1:3478?transport=udp'], secret: 's3cret', ttlMs: 60_000 };
    expect(iceServersFor(['stun:127.0.0.1:3478'], turn, 'peer-a', now)).toEqual([
      { urls: ['stun:127.0.0.1:3478'] },
      { urls: ['turn:127.0.0.1:3478?transport=udp'], ...turnCredential('s3cret', 'peer-a', now, 60_000) },
    ]);
    expect(iceServersFor([], null, 'peer-a', now)).toEqual([]);
  });
});

describe('message rate limit', () => {
  it('allows a burst, then the steady rate, and refuses the excess', () => {
    const limit = new SendBudget(10, 5, 5, 0);
    expect(Array.from({ length: 6 }, () => limit.take(0))).toEqual([true, true, true, true, true, false]);
    expect(limit.take(50)).toBe(false);
    expect(limit.take(100)).toBe(true);
    expect(limit.take(100)).toBe(false);
    // A long pause refills only up to the burst.
    expect(Array.from({ length: 6 }, () => limit.take(60_000))).toEqual([true, true, true, true, true, false]);
  });

  it('a clock that goes backwards grants nothing', () => {
    const limit = new SendBudget(10, 1, 1, 1_000);
    expect(limit.take(1_000)).toBe(true);
    expect(limit.take(0)).toBe(false);
  });
});
