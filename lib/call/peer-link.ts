/**
 * One other person in the call: their connection, the senders our tracks go out on,
 * and what they told us about themselves (name, microphone, camera).
 */
import type { MediaKind } from '../media/local-media';
import type { RemotePeer } from '../signaling/remote-peer';
import { arriving, defaultPresenceRules, nextPresence, type Presence, type PresenceEvent, type PresencePhase, type PresenceRules } from './presence';
import { type Bucket, fullBucket, handReceiveLimit, reactionReceiveLimit, take } from './reaction-limit';
import { isNewer, type Reaction, type RoomMessage } from './room-protocol';
import { type Quality, quality, readStats, type StatsReading } from '../media/connection-quality';
import { nextSpeaking, notSpeaking, type SpeakingState } from '../media/speaking';
import type { PixelSize, VideoCap } from '../media/uplink-budget';
import { VideoSenderCap } from '../media/video-sender-cap';
import { connectionCertificates } from './dtls-certificates';
import { safetyCode } from './safety-code';

export interface Participant {
  readonly peerId: string;
  /** Null until their hello arrives. */
  readonly name: string | null;
  readonly stream: MediaStream | null;
  readonly micMuted: boolean;
  readonly cameraOff: boolean;
  /** Whether they told us they are recording the call. */
  readonly recording: boolean;
  /** Since when (our clock) they share a screen; null while they do not. The newest share is presented. */
  readonly sharingSinceMs: number | null;
  /** From the level of the audio we receive from them. */
  readonly speaking: boolean;
  /** How their connection to us is doing; null until measured. */
  readonly quality: Quality | null;
  /** Whether they are here: connecting, connected, or reconnecting since `sinceMs`. */
  readonly presence: { readonly phase: PresencePhase; readonly sinceMs: number };
  /** What they and we read aloud to check nobody is in the middle (safety-code.ts); null until worked out. */
  readonly safetyCode: string | null;
}

export type Received =
  | { kind: 'participant-changed' }
  | { kind: 'bye' }
  | { kind: 'chat'; id: string; text: string; sentAtMs: number }
  | { kind: 'reaction'; reaction: Reaction }
  /** Their hand went up at `raisedAtMs` (their clock), or down (null). */
  | { kind: 'hand'; raisedAtMs: number | null }
  | { kind: 'ignored' };

/** Two sizes are the same box. */
const sameSize = (a: PixelSize | null, b: PixelSize | null) => a?.width === b?.width && a?.height === b?.height;

export class PeerLink {
  readonly remote: RemotePeer;
  readonly #senders: Partial<Record<MediaKind, RTCRtpSender>>;
  #lastSeq: number | undefined;
  #lastHandSeq: number | undefined;
  /** The receive limits are the person's, so a redialed connection keeps what they spent. */
  #reactionBucket: Bucket;
  #handBucket: Bucket;
  #lastRecordingSeq: number | undefined;
  #presence: Presence;
  readonly #rules: PresenceRules;
  participant: Participant;
  #speaking: SpeakingState = notSpeaking;
  #lastReading: StatsReading | null = null;
  readonly #videoCap: VideoSenderCap | null;
  /** The box we last told them we draw them in. */
  #toldShown: PixelSize | null = null;
  /** Whether this connection's safety code is known or being worked out: once per connection. */
  #safetyCodeSought = false;

  /**
   * `previous`: the link this one replaces after a redial, whose person (their name, what
   * they told us, that they are reconnecting) carries over to the new connection.
   */
  constructor(remote: RemotePeer, nowMs: number, rules: PresenceRules = defaultPresenceRules, previous?: PeerLink) {
    this.remote = remote;
    this.#rules = rules;
    this.#presence = previous ? previous.#presence : arriving(nowMs);
    this.#lastSeq = undefined;
    this.#reactionBucket = previous ? previous.#reactionBucket : fullBucket;
    this.#handBucket = previous ? previous.#handBucket : fullBucket;
    // Taken at creation, while every sender still has a track to tell its kind by.
    const senders = remote.peerConnection.getSenders();
    this.#senders = {
      audio: senders.find((s) => s.track?.kind === 'audio'),
      video: senders.find((s) => s.track?.kind === 'video'),
    };
    this.#videoCap = this.#senders.video ? new VideoSenderCap(this.#senders.video) : null;
    this.participant = previous
      ? // A new connection has certificates of its own, so a code of its own.
        { ...previous.participant, quality: null, safetyCode: null }
      : {
          peerId: remote.remoteId,
          name: null,
          stream: null,
          micMuted: false,
          cameraOff: false,
          recording: false,
          sharingSinceMs: null,
          speaking: false,
          quality: null,
          presence: { phase: 'connecting', sinceMs: nowMs },
          safetyCode: null,
        };
  }

  get presence(): Presence {
    return this.#presence;
  }

  /** Folds an event into whether they are here; true when their phase changed. */
  note(event: PresenceEvent): boolean {
    const before = this.#presence;
    // Back after a gap: what they decode of our video froze with it; start it afresh.
    if (event.type === 'heard' && before.lastHeardMs !== null && event.atMs - before.lastHeardMs >= pictureGapMs) {
      this.#videoCap?.freshPicture().catch((error: unknown) => console.warn('PeerCall: could not refresh the picture', error));
    }
    this.#presence = nextPresence(before, event, this.#rules);
    if (this.#presence.phase === before.phase && this.#presence.sinceMs === before.sinceMs) return false;
    this.participant = { ...this.participant, presence: { phase: this.#presence.phase, sinceMs: this.#presence.sinceMs } };
    return this.#presence.phase !== before.phase;
  }

  /** Folds in a stats report; figures are over the time since the previous one. */
  measureQuality(report: Iterable<Record<string, unknown>>, nowMs: number): void {
    const reading = readStats(report, nowMs);
    this.participant = { ...this.participant, quality: quality(this.#lastReading, reading) };
    this.#lastReading = reading;
  }

  /**
   * Works out the safety code of this connection once its DTLS is up; resolves whether it
   * became known now. This one RTCPeerConnection is everything we exchange with them: PeerJS's
   * media connection carries the picture and sound, and its own data channel is our control
   * channel and file lane (peer-transport.ts opens no PeerJS data connection), so its
   * certificates are the ones to vouch for. They last as long as the connection (an ICE
   * restart keeps DTLS), so the code, and its ~65 ms of PBKDF2, is worked out once per link;
   * a redial makes a new link.
   */
  async learnSafetyCode(): Promise<boolean> {
    if (this.#safetyCodeSought) return false;
    this.#safetyCodeSought = true;
    const certificates = await connectionCertificates(this.remote.peerConnection).catch(() => null);
    if (!certificates) {
      // Not yet connected, or closed: a later sample tries again.
      this.#safetyCodeSought = false;
      return false;
    }
    const code = await safetyCode(certificates.local, certificates.remote);
    this.participant = { ...this.participant, safetyCode: code };
    return true;
  }

  /** Folds in the level of their audio; true when that changed whether they are speaking. */
  hearLevel(level: number | null, nowMs: number): boolean {
    const next = nextSpeaking(this.#speaking, level, nowMs);
    this.#speaking = next;
    if (next.speaking === this.participant.speaking) return false;
    this.participant = { ...this.participant, speaking: next.speaking };
    return true;
  }

  async replaceTrack(kind: MediaKind, track: MediaStreamTrack | null): Promise<void> {
    await this.#senders[kind]?.replaceTrack(track);
    // A shared screen is not the camera's size: fit it to their box again.
    if (kind === 'video' && track) await this.#videoCap?.sourceChanged();
  }

  /** Caps the copy of our video this person receives to their share of our uplink. */
  async capVideo(cap: VideoCap): Promise<void> {
    await this.#videoCap?.setBudget(cap);
  }

  /** Tells them how big we draw their video, once per change, so they send no more than that. */
  tellShownSize(size: PixelSize): void {
    if (sameSize(size, this.#toldShown)) return;
    this.#toldShown = size;
    this.remote.sendControl({ v: 1, type: 'shown-size', width: size.width, height: size.height });
  }

  /** Folds a validated message from this person into what we know of them. */
  receive(message: RoomMessage, nowMs: number): Received {
    this.note({ type: 'heard', atMs: nowMs });
    switch (message.type) {
      case 'hello':
        this.participant = { ...this.participant, name: message.name };
        return { kind: 'participant-changed' };
      case 'media-state':
        // The channel is unordered: an older state may arrive after a newer one.
        if (!isNewer(this.#lastSeq, message.seq)) return { kind: 'ignored' };
        this.#lastSeq = message.seq;
        this.participant = {
          ...this.participant,
          micMuted: message.micMuted,
          cameraOff: message.cameraOff,
          // A share goes on counting from when it began, however often the state is sent again.
          sharingSinceMs: message.sharingScreen ? (this.participant.sharingSinceMs ?? nowMs) : null,
        };
        return { kind: 'participant-changed' };
      case 'recording':
        if (!isNewer(this.#lastRecordingSeq, message.seq)) return { kind: 'ignored' };
        this.#lastRecordingSeq = message.seq;
        this.participant = { ...this.participant, recording: message.recording };
        return { kind: 'participant-changed' };
      case 'bye':
        return { kind: 'bye' };
      case 'chat':
        return { kind: 'chat', id: message.id, text: message.text, sentAtMs: message.sentAtMs };
      case 'shown-size':
        this.#videoCap?.setShown({ width: message.width, height: message.height }).catch((error: unknown) => console.warn('PeerCall: could not fit a video sender', error));
        return { kind: 'ignored' };
      case 'reaction': {
        // Over the limit only a modified client gets: dropped here, never drawn.
        const taken = take(this.#reactionBucket, nowMs, reactionReceiveLimit);
        this.#reactionBucket = taken.bucket;
        return taken.allowed ? { kind: 'reaction', reaction: message.reaction } : { kind: 'ignored' };
      }
      case 'hand': {
        if (!isNewer(this.#lastHandSeq, message.seq)) return { kind: 'ignored' };
        const taken = take(this.#handBucket, nowMs, handReceiveLimit);
        this.#handBucket = taken.bucket;
        if (!taken.allowed) return { kind: 'ignored' };
        this.#lastHandSeq = message.seq;
        return { kind: 'hand', raisedAtMs: message.raised ? message.raisedAtMs : null };
      }
      default:
        return { kind: 'ignored' };
    }
  }
}

/** Everyone sends their media state this often, which doubles as a heartbeat. */
export const heartbeatIntervalMs = 1_000;
/** How often we look for silent people: often enough to stay well inside 5 s. */
export const silenceCheckIntervalMs = 250;
/**
 * Heartbeats come every second; twice that with no word at all means packets were lost for
 * a while, and with them the frames the other side's decoder needs: we send a keyframe.
 */
export const pictureGapMs = 2_000;
