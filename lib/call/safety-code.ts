/**
 * A short code two people compute from the DTLS certificates their connection actually
 * uses, and read aloud to each other. A signaling server that put itself in the middle holds
 * a connection to each of them with certificates of its own, so each person's code covers a
 * different pair of certificates, and the codes differ.
 *
 * How strong it is: 12 digits, about 39.9 bits. Nothing commits the server to its
 * certificates before it sees the others', so it can search while the call is set up: with
 * both people's fingerprints in hand, it tries certificates for one side until that side's
 * code equals the other's, 10^12 tries on average. The search must end before the caller
 * gives up on the connection (15 s for a first word, presence.ts), and each try costs 2^18
 * PBKDF2-SHA-256 iterations: a GPU doing about 10^10 iterations a second makes some 6×10^5
 * tries in those 15 s, one chance in 1.7 million; a thousand GPUs, one in 1,700. A search
 * that fails is not silent: the two codes differ, and the people comparing them know someone
 * is in the middle. That is why a short code is enough when it is compared live, on the
 * connection it describes. Plain SHA-256 would let one GPU try some 10^9 a second, and a
 * hundred would find a match within the 15 s. Each group alone is only 13 bits, so all three
 * must be compared.
 */
export const safetyCodeIterations = 2 ** 18;
export const safetyCodeGroups = 3;
export const safetyCodeGroupDigits = 4;
/** Versioned, so a change to how codes are made changes every code rather than a few. */
export const safetyCodeDomain = 'PeerCall safety code v1';

/** As RTCCertificateStats gives it for sha-256: 32 bytes of hex, colon-separated. */
const sha256Fingerprint = /^[0-9A-F]{2}(?::[0-9A-F]{2}){31}$/;
const utf8 = new TextEncoder();

/**
 * The code for a connection, the same on both sides: the two fingerprints are sorted, so it
 * does not matter which is ours. Rejects with a RangeError for a fingerprint that is not sha-256.
 */
export async function safetyCode(localFingerprint: string, remoteFingerprint: string): Promise<string> {
  const pair = [localFingerprint, remoteFingerprint].map((fingerprint) => fingerprint.toUpperCase());
  if (!pair.every((fingerprint) => sha256Fingerprint.test(fingerprint))) throw new RangeError('A fingerprint is 32 colon-separated hex bytes of sha-256');
  pair.sort();
  const key = await crypto.subtle.importKey('raw', utf8.encode(pair.join('\n')), 'PBKDF2', false, ['deriveBits']);
  const params = { name: 'PBKDF2', hash: 'SHA-256', salt: utf8.encode(safetyCodeDomain), iterations: safetyCodeIterations };
  const bits = await crypto.subtle.deriveBits(params, key, 64);
  const digitCount = safetyCodeGroups * safetyCodeGroupDigits;
  // 2^64 is 1.8×10^7 times 10^12, so the remainder favours no digits by more than that part.
  const digits = (new DataView(bits).getBigUint64(0) % 10n ** BigInt(digitCount)).toString().padStart(digitCount, '0');
  return Array.from({ length: safetyCodeGroups }, (_, i) => digits.slice(i * safetyCodeGroupDigits, (i + 1) * safetyCodeGroupDigits)).join(' ');
}

export interface CertificatePair {
  readonly local: string;
  readonly remote: string;
}

function fingerprintOf(stat: Record<string, unknown> | undefined): string | null {
  if (stat?.type !== 'certificate' || stat.fingerprintAlgorithm !== 'sha-256') return null;
  return typeof stat.fingerprint === 'string' ? stat.fingerprint : null;
}

/**
 * The fingerprints of the certificates DTLS actually uses, from one getStats report
 * (`[...report.values()]`): each connected transport names its local and remote
 * certificate, and our browser fingerprinted the remote one as the other side presented
 * it, whatever the SDP claimed. Null until DTLS is connected, for a certificate that is
 * not sha-256, or when connected transports disagree: a code over one would not cover all.
 *
 * `presented`: the remote certificates as the connection's connected DTLS transports hold
 * them (dtls-certificates.ts), for a transport whose stats name none. libwebrtc fills a
 * cache of certificate stats on the first getStats that finds a transport and keeps it
 * until the next negotiation, so a report taken while the handshake ran leaves the remote
 * certificate out of every later report. They are used only when they all agree.
 */
export function certificatesInUse(stats: Iterable<Record<string, unknown>>, presented: readonly string[] = []): CertificatePair | null {
  const byId = new Map<string, Record<string, unknown>>();
  const transports: Record<string, unknown>[] = [];
  for (const stat of stats) {
    if (typeof stat.id === 'string') byId.set(stat.id, stat);
    if (stat.type === 'transport' && stat.dtlsState === 'connected') transports.push(stat);
  }
  const certificate = (id: unknown) => (typeof id === 'string' ? byId.get(id) : undefined);
  const presentedRemote = presented.length > 0 && presented.every((fingerprint) => fingerprint === presented[0]) ? presented[0]! : null;
  let pair: CertificatePair | null = null;
  for (const transport of transports) {
    const local = fingerprintOf(certificate(transport.localCertificateId));
    const remote = transport.remoteCertificateId === undefined ? presentedRemote : fingerprintOf(certificate(transport.remoteCertificateId));
    if (local === null || remote === null) return null;
    if (pair !== null && (pair.local !== local || pair.remote !== remote)) return null;
    pair = { local, remote };
  }
  return pair;
}
