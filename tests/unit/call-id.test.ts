// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { type CallId, callIdLength, inviteLink, newCallId, parseCallId, parseInvite } from '../../lib/call/call-id';

const crockford = '0123456789abcdefghjkmnpqrstvwxyz';
const callIdShape = /^[0-9a-hjkmnp-tv-z]{4}(-[0-9a-hjkmnp-tv-z]{4}){6}$/;
const sample = 'k3f9-x2ab-7mqz-0h1c-wv8e-5rt4-nd6p' as CallId;

/** A "random" source that writes the given byte at every position, offset by the position. */
function bytesFrom(pick: (index: number) => number) {
  return (bytes: Uint8Array) => bytes.map((_, i) => pick(i));
}

describe('newCallId', () => {
  it('is 7 groups of 4 lowercase Crockford characters', () => {
    expect(callIdLength).toBe(28);
    expect(newCallId()).toMatch(callIdShape);
  });

  it.each([
    { name: 'byte 0 is "0"', byte: 0, symbol: '0' },
    { name: 'byte 31 is "z"', byte: 31, symbol: 'z' },
    { name: 'byte 32 wraps to "0"', byte: 32, symbol: '0' },
    { name: 'byte 255 is "z"', byte: 255, symbol: 'z' },
    { name: 'byte 18 skips i and l and is "j"', byte: 18, symbol: 'j' },
  ])('$name', ({ byte, symbol }) => {
    expect(newCallId(bytesFrom(() => byte))).toBe(Array(7).fill(symbol.repeat(4)).join('-'));
  });

  it('maps every byte value onto the alphabet equally often', () => {
    const counts = new Map<string, number>();
    for (let start = 0; start < 256; start += callIdLength) {
      const id = newCallId(bytesFrom((i) => (start + i) % 256));
      for (const ch of id.replaceAll('-', '')) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    }
    // 10 ids of 28 characters cover bytes 0..279, i.e. every byte value once and 0..23 twice.
    const perSymbol = [...crockford].map((ch) => counts.get(ch));
    expect([...counts.keys()].sort().join('')).toBe(crockford);
    expect(perSymbol.slice(0, 24)).toEqual(Array(24).fill(9));
    expect(perSymbol.slice(24)).toEqual(Array(8).fill(8));
  });

  it('asks the random source for one byte per character', () => {
    const lengths: number[] = [];
    newCallId((bytes) => {
      lengths.push(bytes.length);
      return bytes;
    });
    expect(lengths).toEqual([callIdLength]);
  });

  it('gives 10 000 distinct IDs that each parse back to themselves', () => {
    const ids = Array.from({ length: 10_000 }, () => newCallId());
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) {
      expect(id).toMatch(callIdShape);
      expect(parseCallId(id)).toBe(id);
    }
  });
});

describe('parseCallId', () => {
  it.each([
    { name: 'the ID as shown', text: sample },
    { name: 'upper case', text: sample.toUpperCase() },
    { name: 'no dashes', text: sample.replaceAll('-', '') },
    { name: 'spaces instead of dashes', text: sample.replaceAll('-', ' ') },
    { name: 'dashes in odd places', text: `-${sample.replaceAll('-', '')}-`.replace('x2', 'x-2') },
    { name: 'surrounding whitespace and tabs', text: `  \t${sample}\n` },
    { name: 'mixed case', text: 'K3f9-X2aB-7MqZ-0h1C-wV8e-5Rt4-Nd6P' },
  ])('accepts $name', ({ text }) => {
    expect(parseCallId(text)).toBe(sample);
  });

  it.each([
    { name: 'I and L read as 1', text: 'I1L1-i1l1-0000-0000-0000-0000-0000', id: '1111-1111-0000-0000-0000-0000-0000' },
    { name: 'O reads as 0', text: 'OoOo-0000-0000-0000-0000-0000-0000', id: '0000-0000-0000-0000-0000-0000-0000' },
  ])('reads look-alikes: $name', ({ text, id }) => {
    expect(parseCallId(text)).toBe(id);
  });

  it.each([
    { name: 'empty text', text: '' },
    { name: 'one character short', text: sample.slice(0, -1) },
    { name: 'one character long', text: `${sample}a` },
    { name: 'six groups', text: sample.slice(0, 29) },
    { name: 'a "u", which Crockford leaves out', text: sample.replace('k', 'u') },
    { name: 'punctuation', text: sample.replace('k', '.') },
    { name: 'an underscore separator', text: sample.replaceAll('-', '_') },
    { name: 'a non-ASCII letter', text: sample.replace('k', 'é') },
    { name: 'input over 200 characters that would otherwise parse', text: `${sample}${' '.repeat(180)}` },
  ])('rejects $name', ({ text }) => {
    expect(parseCallId(text)).toBeNull();
  });

  it('accepts padded input of exactly 200 characters', () => {
    const text = sample.padEnd(200, ' ');
    expect(text).toHaveLength(200);
    expect(parseCallId(text)).toBe(sample);
  });
});

describe('parseInvite', () => {
  it.each([
    { name: 'empty text', input: '' },
    { name: 'only whitespace', input: ' \n\t ' },
  ])('calls $name empty', ({ input }) => {
    expect(parseInvite(input)).toEqual({ ok: false, reason: 'empty' });
  });

  it.each([
    { name: 'garbage', input: 'hello there' },
    { name: 'a javascript: URL', input: `javascript:alert(1)//${sample}` },
    { name: 'a link without a fragment', input: 'https://x.example/join' },
    { name: 'a link with an empty fragment', input: 'https://x.example/join#' },
    { name: 'a link on the wrong path', input: `https://x.example/call#${sample}` },
    { name: 'a link whose path only ends in "join"', input: `https://x.example/rejoin#${sample}` },
    { name: 'a link whose fragment is not an ID', input: 'https://x.example/join#hello' },
    { name: 'a link that is not a URL', input: `https://#${sample}` },
    { name: 'a link with a user name in it', input: `https://someone@x.example/join#${sample}` },
    { name: 'a link with a percent sign that does not decode', input: 'https://x.example/join#%E0%A4%A' },
    { name: 'an ID with one character missing', input: sample.slice(0, -1) },
  ])('calls $name malformed', ({ input }) => {
    expect(parseInvite(input)).toEqual({ ok: false, reason: 'malformed' });
  });

  it.each([
    { name: 'the bare ID', input: sample, server: null },
    { name: 'the bare ID in upper case', input: sample.toUpperCase(), server: null },
    { name: 'the bare ID with spaces around it', input: `  ${sample}  `, server: null },
    { name: 'an https invite link', input: `https://x.example/join#${sample}`, server: 'https://x.example' },
    { name: 'an http invite link with a port', input: `http://127.0.0.1:9000/join#${sample}`, server: 'http://127.0.0.1:9000' },
    { name: 'an invite link with the ID in upper case', input: `HTTPS://X.EXAMPLE/join#${sample.toUpperCase()}`, server: 'https://x.example' },
    { name: 'an invite link under a deeper path', input: `https://x.example/peercall/join#${sample}`, server: 'https://x.example/peercall' },
    { name: 'an invite link with a percent-encoded fragment', input: `https://x.example/join#${sample.replaceAll('-', '%20')}`, server: 'https://x.example' },
    {
      name: 'the invite message PeerCall writes',
      input: `Join my PeerCall: open PeerCall, choose Join and paste https://x.example/join#${sample} (or the ID ${sample}).`,
      server: 'https://x.example',
    },
    { name: 'a message with the link on its own line', input: `Call me here:\nhttps://x.example/join#${sample}\nthanks`, server: 'https://x.example' },
    { name: 'a link that ends a sentence', input: `Join me at https://x.example/join#${sample}.`, server: 'https://x.example' },
    { name: 'a link in parentheses', input: `my call (https://x.example/join#${sample})`, server: 'https://x.example' },
  ])('reads the ID and the server from $name', ({ input, server }) => {
    expect(parseInvite(input)).toEqual({ ok: true, callId: sample, server });
  });

  it.each([
    { name: 'a loopback server', origin: 'http://127.0.0.1:9000' },
    { name: 'an https server', origin: 'https://calls.example' },
    { name: 'an IPv6 server', origin: 'http://[::1]:9000' },
  ])('an invite link for $name parses back to its ID', ({ origin }) => {
    const id = newCallId();
    const link = inviteLink(origin, id);
    expect(link).toBe(`${origin}/join#${id}`);
    expect(parseInvite(link)).toEqual({ ok: true, callId: id, server: origin });
  });
});
