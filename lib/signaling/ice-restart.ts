/**
 * Restarting ICE on a call that already exists, so a new network path replaces a dead one
 * while the RTCPeerConnection, its senders and its data channels carry on. The offer and
 * answer travel as RESTART messages through the signaling server (PeerJS would close a
 * call that receives a second OFFER), each with every candidate gathered so far: no trickle,
 * so nothing arrives before the description it belongs to.
 *
 * Both sides may start a restart (the one that noticed first, or whose network changed),
 * so a collision is settled the way "perfect negotiation" settles it: the polite side
 * (the higher peer ID) rolls its own offer back and answers; the other ignores theirs.
 */

export interface RestartDescription {
  readonly type: 'offer' | 'answer';
  readonly sdp: string;
}

/** Long enough for a STUN answer or a TURN allocation across a slow link, short enough to recover fast. */
export const gatherLimitMs = 1_500;

export class IceRestarter {
  readonly #pc: RTCPeerConnection;
  readonly #polite: boolean;
  readonly #send: (description: RestartDescription) => void;
  #makingOffer = false;

  constructor(pc: RTCPeerConnection, polite: boolean, send: (description: RestartDescription) => void) {
    this.#pc = pc;
    this.#polite = polite;
    this.#send = send;
  }

  /** Offers new ICE credentials and candidates to the other side. */
  async restart(): Promise<void> {
    if (this.#pc.signalingState === 'closed' || this.#makingOffer) return;
    this.#makingOffer = true;
    try {
      this.#pc.restartIce();
      await this.#pc.setLocalDescription();
      await gathered(this.#pc);
      const local = this.#pc.localDescription;
      if (local?.type === 'offer' && this.#pc.signalingState === 'have-local-offer') this.#send({ type: 'offer', sdp: local.sdp });
    } finally {
      this.#makingOffer = false;
    }
  }

  /** The other side's offer (answered) or answer (applied). */
  async receive(description: RestartDescription): Promise<void> {
    const pc = this.#pc;
    if (pc.signalingState === 'closed') return;
    if (description.type === 'answer') {
      // An answer to an offer we rolled back, or a duplicate: nothing to apply it to.
      if (pc.signalingState !== 'have-local-offer') return;
      await pc.setRemoteDescription(description);
      return;
    }
    const collision = this.#makingOffer || pc.signalingState !== 'stable';
    if (collision && !this.#polite) return;
    if (collision) await pc.setLocalDescription({ type: 'rollback' });
    await pc.setRemoteDescription(description);
    await pc.setLocalDescription();
    await gathered(pc);
    const local = pc.localDescription;
    if (local?.type === 'answer') this.#send({ type: 'answer', sdp: local.sdp });
  }
}

/** Resolves once ICE gathering completes, or after `gatherLimitMs` with what was found. */
function gathered(pc: RTCPeerConnection): Promise<void> {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      pc.removeEventListener('icegatheringstatechange', check);
      resolve();
    };
    const check = () => {
      if (pc.iceGatheringState === 'complete') done();
    };
    const timer = setTimeout(done, gatherLimitMs);
    pc.addEventListener('icegatheringstatechange', check);
  });
}
