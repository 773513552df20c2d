/**
 * The certificates one connection's DTLS uses, read from the browser: its stats first, and
 * the DTLS transports themselves for what the stats leave out (see certificatesInUse).
 */
import { type CertificatePair, certificatesInUse } from './safety-code';

/** What certificatesInUse needs of a connection; an RTCPeerConnection is one. */
export type CertifiedConnection = Pick<RTCPeerConnection, 'getStats' | 'getSenders' | 'getReceivers' | 'sctp'>;

/** A DER certificate's sha-256 fingerprint, written as certificate stats write it. */
export async function fingerprintOfDer(der: ArrayBuffer): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', der));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, '0').toUpperCase()).join(':');
}

/**
 * The fingerprint of the certificate the other side presented on each connected DTLS
 * transport of the connection. Empty where the browser cannot say (no getRemoteCertificates).
 */
async function presentedCertificates(connection: CertifiedConnection): Promise<string[]> {
  const transports = new Set<RTCDtlsTransport>();
  for (const { transport } of [...connection.getSenders(), ...connection.getReceivers()]) if (transport) transports.add(transport);
  if (connection.sctp) transports.add(connection.sctp.transport);
  const leaves: ArrayBuffer[] = [];
  for (const transport of transports) {
    if (transport.state !== 'connected' || typeof transport.getRemoteCertificates !== 'function') continue;
    // The chain starts with the certificate of the peer itself; WebRTC's are self-signed, alone.
    const [leaf] = transport.getRemoteCertificates();
    if (leaf) leaves.push(leaf);
  }
  return Promise.all(leaves.map(fingerprintOfDer));
}

/** The certificates in use on the connection; null until its DTLS is connected, or when they cannot be told. */
export async function connectionCertificates(connection: CertifiedConnection): Promise<CertificatePair | null> {
  const stats = [...(await connection.getStats()).values()] as Record<string, unknown>[];
  return certificatesInUse(stats) ?? certificatesInUse(stats, await presentedCertificates(connection));
}
