/**
 * Everyone else in the call, each on a connection of their own (a full mesh): dialing and
 * answering, the heartbeat that proves each person is there, and keeping a connection
 * through the gaps real networks have. A lost path is repaired with ICE restarts on the
 * same connection; a connection beyond repair is redialed in the background; a person is
 * removed only when their presence (presence.ts) says they are gone.
 */
import { signal } from '@preact/signals-core';
import type { FileTransfers } from '../files/file-transfers';
import { t } from '../i18n/i18n';
import type { LinkStats } from '../media/link-stats';
import { type LocalMedia, type MediaKind, silentPlaceholders } from '../media/local-media';
import { type PixelSize, videoCapPerPeer } from '../media/uplink-budget';
import type { PeerTransport } from '../signaling/peer-transport';
import type { IncomingCall, RemoteEnd, RemotePeer } from '../signaling/remote-peer';
import { nextActiveSpeaker } from './active-speaker';
import { LinkRepair } from './link-repair';
import { heartbeatIntervalMs, PeerLink, type Participant, silenceCheckIntervalMs } from './peer-link';
import type { GoneReason, PresenceEvent, PresenceRules } from './presence';
import type { RoomMessage } from './room-protocol';

/** Why someone is no longer in the call, as the session tells the person. */
export type Departure = GoneReason | 'turn-refused' | 'failed';

export interface MeshHooks {
  transport(): PeerTransport | null;
  /** Whether the signaling server carries messages now. */
  canSignal(): boolean;
  /** Our ID on the server, which orders who restarts and who redials. */
  localId(): string | null;
  name(): string;
  /** What every new connection is told after our hello and media state (a raised hand). */
  greeting(): readonly RoomMessage[];
  /** A connection came up (the first one ends a join). */
  connected(): void;
  /** Someone is gone for good; `remaining` counts everyone still in the call, reconnecting or not. */
  gone(person: { readonly peerId: string; readonly name: string | null }, why: Departure, remaining: number): void;
  /** A message the mesh does not handle itself (chat, reactions, hands). */
  message(link: PeerLink, message: RoomMessage, received: ReturnType<PeerLink['receive']>): void;
  malformed(): void;
}

export interface MeshOptions {
  readonly media: LocalMedia;
  readonly files: FileTransfers;
  readonly stats: LinkStats;
  readonly uplinkBudgetKbps: number;
  readonly rules: PresenceRules;
}

export class Mesh {
  /** Everyone else, in the order they arrived, reconnecting ones included. */
  readonly participants = signal<readonly Participant[]>([]);
  /** Whom a one-picture view (picture-in-picture) shows. */
  readonly activeSpeaker = signal<string | null>(null);
  readonly #hooks: MeshHooks;
  readonly #options: MeshOptions;
  readonly #links = new Map<string, PeerLink>();
  readonly #repairs = new Map<string, LinkRepair>();
  #controlSeq = 0;
  #heartbeat: ReturnType<typeof setInterval> | undefined;
  #lastStateSentMs = 0;
  /** Whether our video senders carry a track (a camera or a screen), as far as replaceTrack has finished. */
  #videoOnSenders = true;
  #recording = false;

  constructor(options: MeshOptions, hooks: MeshHooks) {
    this.#options = options;
    this.#hooks = hooks;
  }

  get size(): number {
    return this.#links.size;
  }

  has(peerId: string): boolean {
    return this.#links.has(peerId);
  }

  /** Calls someone already in the room. */
  dial(remoteId: string): void {
    if (this.#links.has(remoteId)) return;
    this.#call(remoteId);
  }

  /** Someone calls us: a newcomer, or a person redialing a connection that broke. */
  answer(call: IncomingCall): void {
    const existing = this.#links.get(call.remoteId);
    if (existing && existing.presence.phase !== 'reconnecting') return call.reject();
    this.#withPlaceholders((stream) => this.#adopt(call.answer(stream), existing));
  }

  /** The signaling server's word on a room member. */
  serverSays(peerId: string, what: 'left' | 'joined'): void {
    this.#note(peerId, { type: what === 'left' ? 'server-left' : 'server-back', atMs: Date.now() });
  }

  /** Our own network changed (online again, a new address): every connection's path is likely dead. */
  networkChanged(): void {
    const now = Date.now();
    for (const [id, repair] of this.#repairs) {
      this.#note(id, { type: 'transport-lost', atMs: now });
      repair.start('ours');
    }
  }

  /** The signaling server is reachable again: restarts that waited for it go now. */
  signalingBack(): void {
    for (const repair of this.#repairs.values()) repair.signalingBack();
  }

  sendToAll(message: RoomMessage): void {
    for (const link of this.#links.values()) link.remote.sendControl(message);
  }

  /** Tells everyone whether we record the call; each person who connects later is told too. */
  setRecording(recording: boolean): void {
    if (recording === this.#recording) return;
    this.#recording = recording;
    for (const link of this.#links.values()) this.#sendRecording(link);
  }

  #sendRecording(link: PeerLink): void {
    link.remote.sendControl({ v: 1, type: 'recording', seq: this.#controlSeq++, recording: this.#recording });
  }

  /**
   * Going off is said at once, so nobody watches a frozen picture. Coming on is said once the
   * senders carry the track: said earlier (replaceTrack takes a while on a loaded machine),
   * the others would take down the camera-off card before there is a picture to show.
   */
  async replaceTrack(kind: MediaKind, track: MediaStreamTrack | null): Promise<void> {
    // A switch from one camera to another keeps saying on; only a track from nothing waits.
    if (kind === 'video' && !track) this.#videoOnSenders = false;
    if (!track) this.sendMediaState();
    try {
      await Promise.all([...this.#links.values()].map((link) => link.replaceTrack(kind, track)));
    } finally {
      if (kind === 'video') this.#videoOnSenders = track !== null;
    }
    if (track) this.sendMediaState();
  }

  showsPeerAt(peerId: string, size: PixelSize): void {
    this.#links.get(peerId)?.tellShownSize(size);
  }

  sendMediaState(only?: PeerLink): void {
    const { media } = this.#options;
    const message = {
      v: 1,
      type: 'media-state',
      seq: this.#controlSeq++,
      micMuted: media.micMuted.value,
      // A shared screen is a picture too: the others show it, not a "camera is off" card.
      cameraOff: media.screen.value === null && (media.cameraOff.value || media.camera.value === null || !this.#videoOnSenders),
      sharingScreen: media.screen.value !== null,
    } as const;
    for (const link of only ? [only] : this.#links.values()) link.remote.sendControl(message);
  }

  /** Closes every connection; files in flight fail with a reason, files received stay downloadable. */
  closeAll(): void {
    clearInterval(this.#heartbeat);
    this.#heartbeat = undefined;
    for (const repair of this.#repairs.values()) repair.stop();
    this.#repairs.clear();
    for (const [id, link] of this.#links) {
      this.#options.files.removePerson(id);
      link.remote.close();
    }
    this.#links.clear();
    this.#publish();
  }

  #call(remoteId: string, previous?: PeerLink): void {
    const transport = this.#hooks.transport();
    if (!transport) return;
    this.#withPlaceholders((stream) => this.#adopt(transport.call(remoteId, stream), previous));
  }

  /**
   * Negotiates with a track of each kind even when a device is missing or off, so both
   * senders exist from the start and every later change is a replaceTrack, never a renegotiation.
   */
  #withPlaceholders(connect: (stream: MediaStream) => PeerLink): void {
    const { media } = this.#options;
    const real = { audio: media.microphone.value, video: media.screen.value ?? media.camera.value };
    const tracks = [real.audio, real.video].filter((track): track is MediaStreamTrack => track !== null);
    if (tracks.length === 2) {
      connect(new MediaStream(tracks));
      return;
    }
    const placeholders = silentPlaceholders();
    const filler = placeholders.tracks.filter((track) => !tracks.some((r) => r.kind === track.kind));
    const link = connect(new MediaStream([...tracks, ...filler]));
    for (const kind of ['audio', 'video'] as const) void link.replaceTrack(kind, real[kind]);
    placeholders.release();
  }

  #adopt(remote: RemotePeer, previous?: PeerLink): PeerLink {
    const id = remote.remoteId;
    if (previous) this.#retire(previous);
    const link = new PeerLink(remote, Date.now(), this.#options.rules, previous);
    this.#links.set(id, link);
    const localId = this.#hooks.localId() ?? '';
    const repair = new LinkRepair(
      {
        restart: () => remote.restartIce(),
        canSignal: () => this.#hooks.canSignal(),
        exchangedAtMs: () => remote.restartExchangedAtMs,
        pathUp: () => remote.peerConnection.connectionState === 'connected',
        // The lower ID dials again; the other answers the new call as a replacement.
        redial: () => {
          if (localId < id && this.#links.get(id) === link) this.#call(id, link);
        },
        now: Date.now,
      },
      localId > id,
    );
    this.#repairs.set(id, repair);
    this.#publish();
    remote.onStream((stream) => {
      link.participant = { ...link.participant, stream };
      this.#publish();
    });
    remote.onConnected(() => {
      this.#hooks.connected();
      this.#applyUplinkBudget();
    });
    remote.onTransport((state) => {
      if (state === 'connected') return repair.stop();
      this.#note(id, { type: 'transport-lost', atMs: Date.now() });
      if (this.#links.get(id) === link && link.presence.phase !== 'gone') repair.start('noticed');
    });
    remote.onControl((message) => this.#receive(link, message));
    remote.onMalformed(() => this.#hooks.malformed());
    if (previous) this.#options.files.replaceLane(id, remote.files);
    else this.#options.files.addPerson(id, remote.files, () => link.participant.name ?? t('common.someone'));
    // A big file can hold their heartbeats up behind its chunks; its bytes prove they are there too.
    remote.files.onFrame(() => this.#note(id, { type: 'heard', atMs: Date.now() }));
    remote.onEnded((why) => this.#onEnded(link, why));
    this.#startHeartbeat();
    remote.sendControl({ v: 1, type: 'hello', name: this.#hooks.name() });
    this.sendMediaState(link);
    for (const message of this.#hooks.greeting()) remote.sendControl(message);
    // Always, not only while on: a redialed person may have missed the stop on the old connection.
    this.#sendRecording(link);
    return link;
  }

  /** A replaced connection goes quietly: its person lives on in the new one. */
  #retire(link: PeerLink): void {
    this.#repairs.get(link.participant.peerId)?.stop();
    link.remote.close();
  }

  #onEnded(link: PeerLink, why: RemoteEnd): void {
    const id = link.participant.peerId;
    if (this.#links.get(id) !== link) return;
    // Closed while its path was already lost: the network killed it, not the person.
    if (why === 'left' && link.presence.phase === 'reconnecting') {
      this.#repairs.get(id)?.stop();
      if ((this.#hooks.localId() ?? '') < id) this.#call(id, link);
      return;
    }
    if (why === 'left') return this.#note(id, { type: 'closed', atMs: Date.now() });
    this.#remove(link, why);
  }

  #receive(link: PeerLink, message: RoomMessage): void {
    if (this.#links.get(link.participant.peerId) !== link) return;
    const nameBefore = link.participant.name;
    const phaseBefore = link.presence.phase;
    const received = link.receive(message, Date.now());
    if (link.presence.phase !== phaseBefore) this.#publish();
    switch (received.kind) {
      case 'bye':
        return this.#note(link.participant.peerId, { type: 'bye', atMs: Date.now() });
      case 'participant-changed':
        // Their name travels on another channel than their files, and may come second.
        if (link.participant.name !== nameBefore) this.#options.files.refresh();
        return this.#publish();
      default:
        return this.#hooks.message(link, message, received);
    }
  }

  #note(peerId: string, event: PresenceEvent): void {
    const link = this.#links.get(peerId);
    if (!link || !link.note(event)) return;
    const presence = link.presence;
    if (presence.phase === 'gone') return this.#remove(link, presence.why ?? 'left');
    // Silence alone shows as reconnecting; repairs start when ICE says the path is lost.
    if (presence.phase === 'connected') this.#repairs.get(peerId)?.stop();
    this.#publish();
  }

  #remove(link: PeerLink, why: Departure): void {
    const id = link.participant.peerId;
    if (this.#links.get(id) !== link) return;
    this.#links.delete(id);
    this.#repairs.get(id)?.stop();
    this.#repairs.delete(id);
    this.#options.files.removePerson(id);
    link.remote.close();
    this.#publish();
    this.#applyUplinkBudget();
    this.#hooks.gone({ peerId: id, name: link.participant.name }, why, this.#links.size);
  }

  /** Sends our state to everyone each second (it doubles as the heartbeat) and judges silence. */
  #startHeartbeat(): void {
    if (this.#heartbeat !== undefined) return;
    this.#heartbeat = setInterval(() => {
      const now = Date.now();
      for (const id of [...this.#links.keys()]) this.#note(id, { type: 'tick', atMs: now });
      void this.#sampleStats();
      this.#learnSafetyCodes();
      if (now - this.#lastStateSentMs < heartbeatIntervalMs) return;
      this.#lastStateSentMs = now;
      this.sendMediaState();
    }, silenceCheckIntervalMs);
  }

  /** Who is speaking and how each connection is doing, from one getStats per connection. */
  async #sampleStats(): Promise<void> {
    const links = [...this.#links.values()];
    const changed = await this.#options.stats.sample(links, (link) => this.#links.get(link.participant.peerId) === link, this.#options.media.micMuted.value);
    if (changed) this.#publish();
  }

  /** Each connection that is up and has no safety code yet gets one, shown as soon as it is known. */
  #learnSafetyCodes(): void {
    for (const link of this.#links.values()) {
      if (link.participant.safetyCode !== null || link.remote.peerConnection.connectionState !== 'connected') continue;
      void link.learnSafetyCode().then((known) => {
        if (known && this.#links.get(link.participant.peerId) === link) this.#publish();
      });
    }
  }

  /** Re-splits the uplink budget whenever someone arrives or leaves. */
  #applyUplinkBudget(): void {
    const cap = videoCapPerPeer(this.#options.uplinkBudgetKbps, this.#links.size);
    for (const link of this.#links.values()) {
      // A refused cap leaves that copy uncapped; the call itself is unaffected.
      link.capVideo(cap).catch((error: unknown) => console.warn('PeerCall: could not cap a video sender', error));
    }
  }

  #publish(): void {
    this.participants.value = [...this.#links.values()].map((link) => link.participant);
    this.activeSpeaker.value = nextActiveSpeaker(this.activeSpeaker.value, this.participants.value);
  }
}
