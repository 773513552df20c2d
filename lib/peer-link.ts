/**
 * One other person in the call: their connection, the senders our tracks go out on,
 * and what they last told us about their microphone and camera.
 */
import type { ControlMessage } from './control-protocol';
import type { MediaKind } from './local-media';
import type { RemotePeer } from './peer-transport';

export interface Participant {
  readonly peerId: string;
  readonly stream: MediaStream | null;
  readonly micMuted: boolean;
  readonly cameraOff: boolean;
}

export class PeerLink {
  readonly remote: RemotePeer;
  readonly #senders: Partial<Record<MediaKind, RTCRtpSender>>;
  #lastSeq = -1;
  participant: Participant;

  constructor(remote: RemotePeer) {
    this.remote = remote;
    // Taken at creation, while every sender still has a track to tell its kind by.
    const senders = remote.peerConnection.getSenders();
    this.#senders = {
      audio: senders.find((s) => s.track?.kind === 'audio'),
      video: senders.find((s) => s.track?.kind === 'video'),
    };
    this.participant = { peerId: remote.remoteId, stream: null, micMuted: false, cameraOff: false };
  }

  async replaceTrack(kind: MediaKind, track: MediaStreamTrack | null): Promise<void> {
    await this.#senders[kind]?.replaceTrack(track);
  }

  /** Applies a media-state message unless an older one overtook it on the unordered channel. */
  applyMediaState(message: Extract<ControlMessage, { type: 'media-state' }>): boolean {
    if (message.seq <= this.#lastSeq) return false;
    this.#lastSeq = message.seq;
    this.participant = { ...this.participant, micMuted: message.micMuted, cameraOff: message.cameraOff };
    return true;
  }
}
