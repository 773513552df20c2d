/**
 * Restarting ICE on a call that already exists, so a new network path replaces a dead one
 * while the RTCPeerConnection, its senders and its data channels carry on. The offer and
 * answer travel as RESTART messages through the signaling server (PeerJS would close a
 * call that receives a second OFFER), each with every candidate gathered so far: no trickle,
 * so nothing arrives before the description it belongs to.
 *
 * Only one side ever offers: the lower peer ID. The other asks it to (a "request"), so
 * offers never cross and nothing is rolled back. (Rolling back an ICE-restart offer and
 * accepting the other side's, as "perfect negotiation" would, left Chromium 156 decoding
 * video that never reached the track, in 4 runs of 6 after a 20-second outage.)
 */
import type { RestartSignal } from './room-signaling';

/** Long enough for a STUN answer or a TURN allocation across a slow link, short enough to recover fast. */
export const gatherLimitMs = 1_500;

export class IceRestarter {
  readonly #pc: RTCPeerConnection;
  /** We offer; the other side only asks. */
  readonly #offering: boolean;
  readonly #send: (signal: RestartSignal) => void;
  #makingOffer = false;
  /** When an offer and its answer last completed, either way round; null before any. */
  exchangedAtMs: number | null = null;

  constructor(pc: RTCPeerConnection, offering: boolean, send: (signal: RestartSignal) => void) {
    this.#pc = pc;
    this.#offering = offering;
    this.#send = send;
  }

  /** Offers new ICE credentials and candidates to the other side, or asks it to. */
  async restart(): Promise<void> {
    if (this.#pc.signalingState === 'closed') return;
    if (!this.#offering) return this.#send({ type: 'request' });
    if (this.#makingOffer) return;
    this.#makingOffer = true;
    try {
      // An offer still waiting (sent while they were unreachable) is replaced, not rolled back.
      this.#pc.restartIce();
      await this.#pc.setLocalDescription();
      await gathered(this.#pc);
      this.#resendOffer();
    } finally {
      this.#makingOffer = false;
    }
  }

  /** What the other side sent: a request (we offer), an offer (we answer) or an answer (applied). */
  async receive(signal: RestartSignal): Promise<void> {
    const pc = this.#pc;
    if (pc.signalingState === 'closed') return;
    switch (signal.type) {
      case 'request':
        if (!this.#offering) return;
        // Our offer may be waiting already, lost on its way: send it again rather than start over.
        if (pc.signalingState === 'have-local-offer' && !this.#makingOffer) return this.#resendOffer();
        return this.restart();
      case 'answer':
        // An answer to an offer since replaced, or a duplicate: nothing to apply it to.
        if (!this.#offering || pc.signalingState !== 'have-local-offer') return;
        await pc.setRemoteDescription(signal);
        this.exchangedAtMs = Date.now();
        return;
      case 'offer': {
        if (this.#offering || pc.signalingState !== 'stable') return;
        await pc.setRemoteDescription(signal);
        await pc.setLocalDescription();
        await gathered(pc);
        const local = pc.localDescription;
        if (local?.type !== 'answer') return;
        this.#send({ type: 'answer', sdp: local.sdp });
        this.exchangedAtMs = Date.now();
      }
    }
  }

  #resendOffer(): void {
    const local = this.#pc.localDescription;
    if (local?.type === 'offer' && this.#pc.signalingState === 'have-local-offer') this.#send({ type: 'offer', sdp: local.sdp });
  }
}

/**
 * Resolves once the gathering this description started completes, or after
 * `gatherLimitMs` with what was found. The state reads "complete" from the last gathering
 * until the browser gets round to the new one, so it counts only after it was "gathering".
 */
function gathered(pc: RTCPeerConnection): Promise<void> {
  return new Promise((resolve) => {
    let started = pc.iceGatheringState === 'gathering';
    const done = () => {
      clearTimeout(timer);
      pc.removeEventListener('icegatheringstatechange', check);
      resolve();
    };
    const check = () => {
      if (pc.iceGatheringState === 'gathering') started = true;
      else if (started && pc.iceGatheringState === 'complete') done();
    };
    const timer = setTimeout(done, gatherLimitMs);
    pc.addEventListener('icegatheringstatechange', check);
  });
}
