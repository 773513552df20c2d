/**
 * "Will a call get through?": gathers ICE candidates against the configured STUN and
 * TURN servers and says, plainly, whether STUN answered (a server-reflexive address
 * came back) and whether TURN allocated a relay. Gathering needs no other peer.
 */
import { t } from '../i18n/i18n';

export type StunVerdict = 'ok' | 'no-answer' | 'not-configured';
export type TurnVerdict = 'ok' | 'refused' | 'no-answer' | 'not-configured';

export interface IceCheck {
  readonly stun: StunVerdict;
  readonly turn: TurnVerdict;
}

export interface Gathered {
  /** Candidate types seen: host, srflx, relay. */
  readonly types: readonly string[];
  /** icecandidateerror codes with the URL they came from. */
  readonly errors: readonly { url: string; code: number }[];
}

const urlsOf = (servers: readonly RTCIceServer[]) => servers.flatMap((s) => (Array.isArray(s.urls) ? s.urls : [s.urls]));

/**
 * A TURN server answers STUN too, so a relay or a reflexive address from it also counts
 * for STUN. On one machine or a LAN there is no reflexive address to find, so a relay
 * alone is enough to call STUN fine when only TURN was configured.
 */
export function judgeIceCheck(servers: readonly RTCIceServer[], gathered: Gathered): IceCheck {
  const urls = urlsOf(servers);
  const hasStun = urls.some((u) => /^stuns?:/.test(u));
  const hasTurn = urls.some((u) => /^turns?:/.test(u));
  const relay = gathered.types.includes('relay');
  const reflexive = gathered.types.includes('srflx');
  const refused = gathered.errors.some((e) => /^turns?:/.test(e.url) && (e.code === 401 || e.code === 403));
  const turn: TurnVerdict = !hasTurn ? 'not-configured' : relay ? 'ok' : refused ? 'refused' : 'no-answer';
  const stun: StunVerdict = !hasStun ? 'not-configured' : reflexive || relay ? 'ok' : 'no-answer';
  return { stun, turn };
}

export function describeIceCheck(check: IceCheck): string {
  return `${t(`ice.stun.${check.stun}`)} ${t(`ice.turn.${check.turn}`)}`;
}

/** Gathers candidates for up to `timeoutMs`; needs a browser. */
export async function gatherCandidates(servers: readonly RTCIceServer[], timeoutMs = 8_000): Promise<Gathered> {
  const pc = new RTCPeerConnection({ iceServers: [...servers] });
  const types = new Set<string>();
  const errors: { url: string; code: number }[] = [];
  try {
    pc.addEventListener('icecandidate', (event) => {
      if (event.candidate?.type) types.add(event.candidate.type);
    });
    pc.addEventListener('icecandidateerror', (event: Event) => {
      const { url, errorCode } = event as RTCPeerConnectionIceErrorEvent;
      errors.push({ url, code: errorCode });
    });
    const complete = new Promise<void>((resolve) => {
      pc.addEventListener('icegatheringstatechange', () => {
        if (pc.iceGatheringState === 'complete') resolve();
      });
    });
    pc.createDataChannel('check');
    await pc.setLocalDescription(await pc.createOffer());
    await Promise.race([complete, new Promise((resolve) => setTimeout(resolve, timeoutMs))]);
    return { types: [...types], errors };
  } finally {
    pc.close();
  }
}

/**
 * The options page's check: the ICE servers typed in Settings plus those the signaling
 * server hands out (asked for with a throwaway call ID, as a call would).
 */
export async function checkConnectivity(
  ownServers: readonly RTCIceServer[],
  serverSession: () => Promise<readonly RTCIceServer[] | null>,
): Promise<string> {
  const handedOut = await serverSession();
  const servers = [...ownServers, ...(handedOut ?? [])];
  const verdict = describeIceCheck(judgeIceCheck(servers, await gatherCandidates(servers)));
  return handedOut === null ? t('ice.serverUnreachable', { verdict }) : verdict;
}
