// @vitest-environment node
import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type CertifiedConnection, connectionCertificates, fingerprintOfDer } from '../../lib/call/dtls-certificates';

/** A fingerprint as Node writes one, upper-case hex and colons, as certificate stats do. */
const nodeFingerprint = (der: Buffer) => createHash('sha256').update(der).digest('hex').toUpperCase().match(/../g)!.join(':');

const ourDer = randomBytes(300);
const theirDer = randomBytes(310);
const ours = nodeFingerprint(ourDer);
const theirs = nodeFingerprint(theirDer);
const asArrayBuffer = (bytes: Buffer) => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;

/** A connection whose stats name our certificate and, if `statsNameTheirs`, theirs; its one DTLS transport is in `dtlsState` and presents theirs. */
function connection(statsNameTheirs: boolean, dtlsState: RTCDtlsTransportState): CertifiedConnection {
  const stats = new Map<string, Record<string, unknown>>([
    ['T', { id: 'T', type: 'transport', dtlsState: 'connected', localCertificateId: 'L', ...(statsNameTheirs ? { remoteCertificateId: 'R' } : {}) }],
    ['L', { id: 'L', type: 'certificate', fingerprintAlgorithm: 'sha-256', fingerprint: ours }],
    ['R', { id: 'R', type: 'certificate', fingerprintAlgorithm: 'sha-256', fingerprint: theirs }],
  ]);
  const transport = { state: dtlsState, getRemoteCertificates: () => [asArrayBuffer(theirDer)] } as unknown as RTCDtlsTransport;
  return {
    getStats: async () => stats as unknown as RTCStatsReport,
    getSenders: () => [{ transport }, { transport }] as unknown as RTCRtpSender[],
    getReceivers: () => [{ transport }] as unknown as RTCRtpReceiver[],
    sctp: { transport } as unknown as RTCSctpTransport,
  };
}

describe('the certificates a connection uses', () => {
  it('fingerprints a DER certificate as the stats write it', async () => {
    expect(await fingerprintOfDer(asArrayBuffer(ourDer))).toBe(ours);
  });

  it('reads both from the stats when they name both', async () => {
    expect(await connectionCertificates(connection(true, 'connected'))).toEqual({ local: ours, remote: theirs });
  });

  it('asks the DTLS transport for theirs when the stats left it out', async () => {
    expect(await connectionCertificates(connection(false, 'connected'))).toEqual({ local: ours, remote: theirs });
  });

  it('has none while the DTLS transport is not connected and the stats name none', async () => {
    expect(await connectionCertificates(connection(false, 'connecting'))).toBeNull();
  });
});
