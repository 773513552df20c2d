// @vitest-environment node
import { createHash, pbkdf2Sync, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  certificatesInUse,
  safetyCode,
  safetyCodeDomain,
  safetyCodeGroupDigits,
  safetyCodeGroups,
  safetyCodeIterations,
} from '../../lib/call/safety-code';

/** A sha-256 fingerprint as Chromium's certificate stats write it: upper-case hex, colon-separated. */
const fingerprintOf = (bytes: Buffer): string => [...createHash('sha256').update(bytes).digest()].map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join(':');
const ours = fingerprintOf(Buffer.from('our certificate'));
const theirs = fingerprintOf(Buffer.from('their certificate'));
const server = fingerprintOf(Buffer.from('a certificate the signaling server made'));

/** The code computed apart from the module: Node's own PBKDF2, then the first 64 bits as 12 decimal digits. */
function expectedCode(a: string, b: string): string {
  const [low, high] = [a.toUpperCase(), b.toUpperCase()].sort();
  const bits = pbkdf2Sync(`${low}\n${high}`, safetyCodeDomain, safetyCodeIterations, 8, 'sha256');
  const digits = (bits.readBigUInt64BE(0) % 10n ** 12n).toString().padStart(12, '0');
  return `${digits.slice(0, 4)} ${digits.slice(4, 8)} ${digits.slice(8)}`;
}

/** The same fingerprint with one byte changed. */
function withByteFlipped(fingerprint: string, index: number): string {
  const bytes = fingerprint.split(':');
  bytes[index] = (Number.parseInt(bytes[index]!, 16) ^ 0x01).toString(16).padStart(2, '0').toUpperCase();
  return bytes.join(':');
}

describe('the safety code', () => {
  it('is three groups of four digits, as the documentation of its strength assumes', () => {
    expect({ groups: safetyCodeGroups, digits: safetyCodeGroupDigits, iterations: safetyCodeIterations }).toEqual({ groups: 3, digits: 4, iterations: 2 ** 18 });
  });

  it.each([
    { name: 'our and their certificates', a: ours, b: theirs },
    { name: 'our and the server’s certificates', a: ours, b: server },
    { name: 'two random certificates', a: fingerprintOf(randomBytes(300)), b: fingerprintOf(randomBytes(300)) },
  ])('matches a PBKDF2 over the sorted fingerprints, computed apart, for $name', async ({ a, b }) => {
    const code = await safetyCode(a, b);
    expect(code).toMatch(/^\d{4} \d{4} \d{4}$/);
    expect(code).toBe(expectedCode(a, b));
  });

  it('is the same on both sides, whichever fingerprint is ours', async () => {
    expect(await safetyCode(theirs, ours)).toBe(await safetyCode(ours, theirs));
  });

  it('does not depend on the case of the hex', async () => {
    expect(await safetyCode(ours.toLowerCase(), theirs)).toBe(await safetyCode(ours, theirs));
  });

  it('differs for the two halves of a call with someone in the middle', async () => {
    const ourHalf = await safetyCode(ours, server);
    const theirHalf = await safetyCode(server, theirs);
    expect(ourHalf).not.toBe(theirHalf);
  });

  it.each([
    { name: 'our first byte', a: withByteFlipped(ours, 0), b: theirs },
    { name: 'our last byte', a: withByteFlipped(ours, 31), b: theirs },
    { name: 'their middle byte', a: ours, b: withByteFlipped(theirs, 16) },
  ])('changes when $name changes', async ({ a, b }) => {
    expect(await safetyCode(a, b)).not.toBe(await safetyCode(ours, theirs));
  });

  it.each([
    { name: 'an empty string', fingerprint: '' },
    { name: 'one byte', fingerprint: 'AB' },
    { name: 'a sha-1 fingerprint (20 bytes)', fingerprint: ours.split(':').slice(0, 20).join(':') },
    { name: 'a sha-512 fingerprint (64 bytes)', fingerprint: `${ours}:${theirs}` },
    { name: 'hex without colons', fingerprint: ours.replaceAll(':', '') },
    { name: 'a trailing colon', fingerprint: `${ours}:` },
    { name: 'a non-hex byte', fingerprint: `GG${ours.slice(2)}` },
    { name: 'the algorithm in front, as the SDP writes it', fingerprint: `sha-256 ${ours}` },
    { name: 'a line break at the end', fingerprint: `${ours}\n` },
    { name: 'three-digit bytes', fingerprint: ours.replace(/^[0-9A-F]{2}/, 'ABC') },
  ])('rejects $name', async ({ fingerprint }) => {
    await expect(safetyCode(fingerprint, theirs)).rejects.toThrow(RangeError);
    await expect(safetyCode(ours, fingerprint)).rejects.toThrow(RangeError);
  });
});

/** A getStats report as Chromium gives it for a connected call, trimmed to the stats that matter and a few that must be ignored. */
function chromiumReport(overrides: { transport?: Record<string, unknown>; remoteCertificate?: Record<string, unknown> } = {}): Record<string, unknown>[] {
  return [
    { id: 'CPm7/Hb2Wc_xqZ1kT9e', type: 'candidate-pair', transportId: 'T01', state: 'succeeded', nominated: true, currentRoundTripTime: 0.012 },
    { id: `CF${ours}`, type: 'certificate', timestamp: 1, fingerprint: ours, fingerprintAlgorithm: 'sha-256', base64Certificate: 'MIIBFjCBvaADAgECAgkA' },
    { id: `CF${theirs}`, type: 'certificate', timestamp: 1, fingerprint: theirs, fingerprintAlgorithm: 'sha-256', base64Certificate: 'MIIBFTCBvaADAgECAgkA', ...overrides.remoteCertificate },
    // A certificate the report still lists but no transport uses, such as the one the SDP named before a renegotiation.
    { id: `CF${server}`, type: 'certificate', timestamp: 1, fingerprint: server, fingerprintAlgorithm: 'sha-256', base64Certificate: 'MIIBFzCBvaADAgECAgkA' },
    { id: 'IT01A2203954', type: 'inbound-rtp', kind: 'audio', transportId: 'T01', audioLevel: 0.02 },
    {
      id: 'T01',
      type: 'transport',
      timestamp: 1,
      bytesSent: 51_234,
      bytesReceived: 48_110,
      dtlsState: 'connected',
      dtlsRole: 'client',
      dtlsCipher: 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
      srtpCipher: 'AES_CM_128_HMAC_SHA1_80',
      tlsVersion: 'FEFD',
      iceRole: 'controlling',
      iceState: 'connected',
      selectedCandidatePairId: 'CPm7/Hb2Wc_xqZ1kT9e',
      selectedCandidatePairChanges: 1,
      localCertificateId: `CF${ours}`,
      remoteCertificateId: `CF${theirs}`,
      ...overrides.transport,
    },
  ];
}

describe('the certificates in use', () => {
  it('follows the connected transport to its certificates, not to others in the report', () => {
    expect(certificatesInUse(chromiumReport())).toEqual({ local: ours, remote: theirs });
  });

  it('reads a report handed over as a Map’s values', () => {
    const report = new Map(chromiumReport().map((stat) => [stat.id as string, stat]));
    expect(certificatesInUse(report.values())).toEqual({ local: ours, remote: theirs });
  });

  it('agrees with a second connected transport using the same certificates', () => {
    const second = { ...chromiumReport().at(-1), id: 'T02', selectedCandidatePairId: 'CPother' };
    expect(certificatesInUse([...chromiumReport(), second])).toEqual({ local: ours, remote: theirs });
  });

  it.each<{ name: string; stats: Record<string, unknown>[] }>([
    { name: 'an empty report', stats: [] },
    { name: 'DTLS still connecting', stats: chromiumReport({ transport: { dtlsState: 'connecting', remoteCertificateId: undefined } }) },
    { name: 'DTLS failed', stats: chromiumReport({ transport: { dtlsState: 'failed' } }) },
    { name: 'a transport naming no remote certificate', stats: chromiumReport({ transport: { remoteCertificateId: undefined } }) },
    { name: 'a transport naming a certificate the report lacks', stats: chromiumReport({ transport: { remoteCertificateId: 'CFgone' } }) },
    { name: 'a transport whose certificate ID names another kind of stat', stats: chromiumReport({ transport: { remoteCertificateId: 'IT01A2203954' } }) },
    { name: 'a remote certificate fingerprinted with sha-1', stats: chromiumReport({ remoteCertificate: { fingerprintAlgorithm: 'sha-1' } }) },
    { name: 'a remote certificate without a fingerprint', stats: chromiumReport({ remoteCertificate: { fingerprint: undefined } }) },
    {
      name: 'a second connected transport with other certificates',
      stats: [...chromiumReport(), { ...chromiumReport().at(-1), id: 'T02', remoteCertificateId: `CF${server}` }],
    },
    {
      name: 'stats without IDs, which must not stand in for a missing certificate',
      stats: [
        { type: 'transport', dtlsState: 'connected' },
        { type: 'certificate', fingerprint: ours, fingerprintAlgorithm: 'sha-256' },
      ],
    },
  ])('is none for $name', ({ stats }) => {
    expect(certificatesInUse(stats)).toBeNull();
  });

  it('takes the remote certificate the DTLS transport presents when the stats left it out, as a report from mid-handshake makes them', () => {
    const noRemote = chromiumReport({ transport: { remoteCertificateId: undefined } });
    expect(certificatesInUse(noRemote, [theirs])).toEqual({ local: ours, remote: theirs });
    expect(certificatesInUse(noRemote, [theirs, theirs])).toEqual({ local: ours, remote: theirs });
  });

  it.each([
    { name: 'DTLS transports that disagree', presented: [theirs, server] },
    { name: 'no DTLS transport to ask', presented: [] },
  ])('has no remote certificate to stand in with $name', ({ presented }) => {
    expect(certificatesInUse(chromiumReport({ transport: { remoteCertificateId: undefined } }), presented)).toBeNull();
  });

  it('keeps the stats’ own remote certificate when they name one', () => {
    expect(certificatesInUse(chromiumReport(), [server])).toEqual({ local: ours, remote: theirs });
  });

  it('gives fingerprints the safety code takes', async () => {
    const pair = certificatesInUse(chromiumReport());
    expect(await safetyCode(pair!.local, pair!.remote)).toBe(expectedCode(ours, theirs));
  });
});
