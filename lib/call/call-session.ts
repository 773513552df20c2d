/**
 * One call, from Start or Join to Leave: wires local media, the PeerJS transport and
 * the pure call state together. The UI reads its signals and calls its methods.
 */
import { signal } from '@preact/signals-core';
import { type CallError, type CallErrorCode, callError } from './call-error';
import { type CallId, newCallId } from './call-id';
import { type ChatEntry, withChatEntry } from './chat-log';
import { FileTransfers } from '../files/file-transfers';
import { t } from '../i18n/i18n';
import { type CallState, idle, isActive, transition, type CallEvent } from './call-state';
import { LocalMedia, type MediaKind, silentPlaceholders } from '../media/local-media';
import { heartbeatIntervalMs, isSilent, PeerLink, type Participant, silenceCheckIntervalMs } from './peer-link';
import { newRoomItemId, normalizeChatText, normalizeDisplayName, type RoomMessage } from './room-protocol';
import type { IncomingCall, RemotePeer } from '../signaling/peer-transport';
import type { RoomEvent } from '../signaling/room-signaling';
import { parseSignalingUrl, type Settings } from './settings';
import { SignalingLink } from '../signaling/signaling-link';
import type { SignalingStatus } from '../signaling/signaling-status';
import { nextActiveSpeaker } from './active-speaker';
import { LinkStats } from '../media/link-stats';
import { type PixelSize, videoCapPerPeer } from '../media/uplink-budget';

export type CallIntent = { role: 'host' } | { role: 'guest'; callId: CallId };

/** How long a guest waits for the host's media before giving up. */
export const dialTimeoutMs = 20_000;

export class CallSession {
  readonly state = signal<CallState>(idle);
  /** The latest problem or notice for the user; null when there is nothing to say. */
  readonly notice = signal<CallError | { code: 'info'; fatal: false; message: string } | null>(null);
  readonly signaling = signal<SignalingStatus>({ kind: 'offline' });
  /** Everyone else we are connected to, in the order they arrived. */
  readonly participants = signal<readonly Participant[]>([]);
  readonly chat = signal<readonly ChatEntry[]>([]);
  /** Whom a one-picture view (picture-in-picture) shows. */
  readonly activeSpeaker = signal<string | null>(null);

  /** Messages from peers that failed validation and were dropped. */
  readonly droppedMessages = signal(0);
  readonly media = new LocalMedia();
  readonly files = new FileTransfers();
  readonly #stats = new LinkStats();
  /** Whether our own microphone currently carries speech, as the others would hear it. */
  readonly speaking = this.#stats.speaking;

  readonly #settings: Settings;
  /** Our display name, as the others see it; the lobby may change it before entering. */
  readonly name = signal(t('common.guest'));
  #link: SignalingLink | null = null;
  #mediaReady: Promise<void> = Promise.resolve();
  readonly #links = new Map<string, PeerLink>();
  #controlSeq = 0;
  #roomRequested = false;
  #dialTimer: ReturnType<typeof setTimeout> | undefined;
  #heartbeat: ReturnType<typeof setInterval> | undefined;

  constructor(settings: Settings) {
    this.#settings = settings;
    this.name.value = normalizeDisplayName(settings.displayName) ?? t('common.guest');
    this.media.setTrackSink(async ({ kind, track }) => {
      this.#sendMediaState();
      await Promise.all([...this.#links.values()].map((link) => link.replaceTrack(kind, track)));
    });
    this.media.onNotice((notice) => this.#notify(notice));
  }

  async start(intent: CallIntent): Promise<void> {
    const callId = intent.role === 'host' ? newCallId() : intent.callId;
    this.#dispatch({ type: 'start', role: intent.role, callId });
    const endpoint = parseSignalingUrl(this.#settings.signalingUrl);
    if (!endpoint.ok) return this.#fail('signaling-rejected');

    // Camera and signaling start together; only placing or answering the call waits for media.
    this.#mediaReady = this.media.start().then((problem) => {
      if (problem) this.#notify(problem);
    });
    const link = new SignalingLink(endpoint.value, callId, this.#settings, this.signaling, {
      wire: (transport) => {
        transport.onError((code) => this.#onTransportError(code));
        transport.onIncomingCall((call) => void this.#onIncomingCall(call));
        transport.onRoomEvent((event) => this.#onRoomEvent(event));
      },
      opened: () => void this.#onSignalingOpen(),
      unreachable: () => this.#notify('signaling-unreachable'),
      refused: () => this.#fail('signaling-rejected'),
    });
    this.#link = link;
    await link.open();
  }

  /** Tries this call's ICE servers (from Settings and from the server's session); a sentence for the person. */
  async checkConnectivity(): Promise<string> {
    const handedOut = this.#link?.serverIceServers ?? null;
    const { checkConnectivity } = await import('../signaling/connectivity-check');
    return checkConnectivity(this.#settings.iceServers, async () => handedOut);
  }

  /** Retries camera and microphone after the user fixed permissions or closed the other app. */
  async retryMedia(): Promise<void> {
    const problem = await this.media.start();
    this.notice.value = problem ? callError(problem) : null;
  }

  setMicMuted(muted: boolean): void {
    this.media.setMicMuted(muted);
    this.#sendMediaState();
  }

  async setCameraOff(off: boolean): Promise<void> {
    const problem = await this.media.setCameraOff(off);
    if (problem) this.#notify(problem);
    this.#sendMediaState();
  }

  async shareScreen(): Promise<void> {
    const problem = await this.media.startScreenShare();
    if (problem) this.#notify(problem);
  }

  async stopScreenShare(): Promise<void> {
    await this.media.stopScreenShare();
  }

  async selectDevice(kind: MediaKind, deviceId: string): Promise<void> {
    const problem = kind === 'video' ? await this.media.selectCamera(deviceId) : await this.media.selectMicrophone(deviceId);
    if (problem) this.#notify(problem);
  }

  /** Sends a chat message to everyone connected; returns false if the text is empty or too long. */
  sendChat(text: string): boolean {
    const normalized = normalizeChatText(text);
    if (normalized === null) return false;
    const message = { v: 1, type: 'chat', id: newRoomItemId(), text: normalized, sentAtMs: Date.now() } as const;
    for (const link of this.#links.values()) link.remote.sendControl(message);
    this.#addChat({ kind: 'chat', id: message.id, text: normalized, sentAtMs: message.sentAtMs, from: this.name.value, mine: true });
    return true;
  }

  /** Sends a file to everyone in the call now; problems reach the user as a notice. */
  sendFile(file: File): void {
    const problem = this.files.send(file);
    if (problem) this.#notify(problem);
  }

  /** Our tile for `peerId` is drawn this big: they need send no more. */
  showsPeerAt(peerId: string, size: PixelSize): void {
    this.#links.get(peerId)?.tellShownSize(size);
  }

  leave(): void {
    for (const link of this.#links.values()) link.remote.sendControl({ v: 1, type: 'bye' });
    this.#dispatch({ type: 'leave' });
  }

  #dispatch(event: CallEvent): void {
    const before = this.state.value;
    const after = transition(before, event);
    if (after === before) return;
    this.state.value = after;
    if (after.kind === 'ended' || after.kind === 'failed') this.#teardown();
  }

  #fail(code: CallErrorCode): void {
    this.#dispatch({ type: 'error', error: callError(code) });
  }

  #notify(notice: CallErrorCode | string): void {
    this.notice.value = notice.includes(' ')
      ? { code: 'info', fatal: false, message: notice }
      : callError(notice as CallErrorCode);
  }

  /**
   * Leaves the lobby with the person's choices. Media and the signaling link are
   * usually up by now, so the room is asked for at once.
   */
  enter(choices: { name: string; micMuted: boolean; cameraOff: boolean }): void {
    if (this.state.value.kind !== 'lobby') return;
    this.name.value = normalizeDisplayName(choices.name) ?? this.name.value;
    this.setMicMuted(choices.micMuted);
    if (choices.cameraOff !== this.media.cameraOff.value) void this.setCameraOff(choices.cameraOff);
    this.#dispatch({ type: 'enter' });
    if (this.signaling.value.kind === 'online') void this.#onSignalingOpen();
  }

  async #onSignalingOpen(): Promise<void> {
    if (this.notice.value?.code === 'signaling-unreachable') this.notice.value = null;
    this.#dispatch({ type: 'signaling-open' });
    await this.#mediaReady;
    const state = this.state.value;
    // In the lobby the link is ready; the room waits for the person to enter.
    if (!isActive(state) || state.kind === 'idle' || state.kind === 'lobby') return;
    // The server forgets a room member whose socket drops, so every (re)connect asks again.
    const room = state.callId;
    const firstTime = !this.#roomRequested;
    this.#roomRequested = true;
    this.#link?.transport?.sendRoomRequest({ type: state.role === 'host' && firstTime ? 'ROOM-CREATE' : 'ROOM-JOIN', payload: { room } });
  }

  #onRoomEvent(event: RoomEvent): void {
    const state = this.state.value;
    if (event.type === 'refused') {
      // A host back from a network drop finds its room gone once everyone left: open it again.
      if (event.code === 'room-unknown' && state.kind === 'waiting') {
        return this.#link?.transport?.sendRoomRequest({ type: 'ROOM-CREATE', payload: { room: state.callId } });
      }
      if (state.kind === 'dialing' && (event.code === 'room-unknown' || event.code === 'room-full')) this.#fail(event.code);
      if (state.kind === 'starting' && event.code === 'room-exists') this.#fail('id-taken');
      if (event.code === 'not-allowed') this.#fail('signaling-rejected');
      return;
    }
    // The server sees only signaling sockets: someone whose socket blips is still on the
    // call with us. Our heartbeat decides for anyone we have heard from; the server's
    // word drops only those who never got through.
    if (event.type === 'peer-left' && this.#links.get(event.peer)?.lastHeardMs === undefined) return this.#onRemoteLeft(event.peer);
    if (event.type === 'peer-left') return;
    if (event.type !== 'members') return;
    if (state.kind === 'starting' && state.role === 'host') return this.#dispatch({ type: 'room-open' });
    if (state.kind !== 'dialing' || this.#links.size > 0) return;
    if (event.members.length === 0) return this.#fail('room-unknown');
    // Full mesh: the joiner calls everyone already in the room.
    this.#dialTimer = setTimeout(() => this.#fail('no-answer'), dialTimeoutMs);
    for (const member of event.members) this.#dial(member);
  }

  #onTransportError(code: CallErrorCode): void {
    // Losing the server is handled by the signaling link's retries.
    if (code === 'signaling-unreachable') return;
    // In a mesh, one person gone or unreachable is their problem, not the call's: their
    // link never speaks, and the silence check removes it.
    const perPeer = code === 'peer-unavailable' || code === 'connection-failed';
    if (perPeer && (this.state.value.kind === 'in-call' || this.#links.size > 1)) return;
    this.#fail(code);
  }

  #dial(remoteId: string): void {
    const transport = this.#link?.transport;
    if (!transport || this.#links.has(remoteId)) return;
    this.#withPlaceholders((stream) => this.#adoptRemote(transport.call(remoteId, stream)));
  }

  async #onIncomingCall(call: IncomingCall): Promise<void> {
    await this.#mediaReady;
    // Newcomers call everyone in the room; the server has already checked the room's capacity.
    const state = this.state.value.kind;
    if ((state !== 'waiting' && state !== 'in-call' && state !== 'dialing') || this.#links.has(call.remoteId)) return call.reject();
    this.#withPlaceholders((stream) => this.#adoptRemote(call.answer(stream)));
  }

  /**
   * Negotiates with a track of each kind even when a device is missing or off, so both
   * senders exist from the start and every later change is a replaceTrack, never a renegotiation.
   */
  #withPlaceholders(connect: (stream: MediaStream) => PeerLink): void {
    const real = { audio: this.media.microphone.value, video: this.media.screen.value ?? this.media.camera.value };
    const tracks = [real.audio, real.video].filter((t): t is MediaStreamTrack => t !== null);
    if (tracks.length === 2) {
      connect(new MediaStream(tracks));
      return;
    }
    const placeholders = silentPlaceholders();
    const filler = placeholders.tracks.filter((t) => !tracks.some((r) => r.kind === t.kind));
    const link = connect(new MediaStream([...tracks, ...filler]));
    for (const kind of ['audio', 'video'] as const) void link.replaceTrack(kind, real[kind]);
    placeholders.release();
  }

  #adoptRemote(remote: RemotePeer): PeerLink {
    const link = new PeerLink(remote, Date.now());
    const id = remote.remoteId;
    this.#links.set(id, link);
    this.#publishParticipants();
    remote.onStream((stream) => {
      link.participant = { ...link.participant, stream };
      this.#publishParticipants();
    });
    remote.onConnected(() => {
      clearTimeout(this.#dialTimer);
      this.#dispatch({ type: 'remote-connected' });
      this.#applyUplinkBudget();
    });
    remote.onControl((message) => this.#receive(link, message));
    this.files.addPerson(id, remote.files, () => link.participant.name ?? t('common.someone'));
    // A big file can hold their heartbeats up behind its chunks; its bytes prove they are there too.
    remote.files.onFrame(() => (link.lastHeardMs = Date.now()));
    this.#startHeartbeat();
    remote.onMalformed(() => (this.droppedMessages.value += 1));
    remote.onEnded((why) => {
      this.#onRemoteLeft(id);
      if (why === 'turn-refused') {
        if (this.state.value.kind === 'dialing' && this.#links.size === 0) return this.#fail('turn-refused');
        return this.#notify('turn-refused');
      }
      // Losing the only connection while joining means the join failed; later losses are departures.
      if (why === 'failed' && this.state.value.kind === 'dialing' && this.#links.size === 0) this.#fail('connection-failed');
    });
    remote.sendControl({ v: 1, type: 'hello', name: this.name.value });
    this.#sendMediaState(link);
    return link;
  }

  #receive(link: PeerLink, message: RoomMessage): void {
    const nameBefore = link.participant.name;
    const received = link.receive(message, Date.now());
    switch (received.kind) {
      case 'bye':
        return this.#onRemoteLeft(link.participant.peerId);
      case 'participant-changed':
        // Their name travels on another channel than their files, and may come second.
        if (link.participant.name !== nameBefore) this.files.refresh();
        return this.#publishParticipants();
      case 'chat':
        return this.#addChat({ ...received, from: link.participant.name ?? t('common.someone'), mine: false });
    }
  }

  #addChat(entry: ChatEntry): void {
    this.chat.value = withChatEntry(this.chat.value, entry);
  }

  #onRemoteLeft(peerId: string): void {
    const link = this.#links.get(peerId);
    if (!link) return;
    this.#links.delete(peerId);
    this.files.removePerson(peerId);
    link.remote.close();
    this.#publishParticipants();
    this.#applyUplinkBudget();
    this.#dispatch({ type: 'remote-left', remaining: this.#links.size });
    if (this.state.value.kind === 'waiting') {
      this.#notify(t('call.everyoneLeft'));
    }
  }

  /** Sends our state to everyone each second and drops whoever has gone silent. */
  #startHeartbeat(): void {
    if (this.#heartbeat !== undefined) return;
    let lastSentMs = 0;
    this.#heartbeat = setInterval(() => {
      const now = Date.now();
      for (const link of [...this.#links.values()]) if (isSilent(link, now)) this.#onRemoteLeft(link.participant.peerId);
      void this.#sampleLinkStats();
      if (now - lastSentMs < heartbeatIntervalMs) return;
      lastSentMs = now;
      this.#sendMediaState();
    }, silenceCheckIntervalMs);
  }

  /** Who is speaking and how each connection is doing, from one getStats per connection. */
  async #sampleLinkStats(): Promise<void> {
    const links = [...this.#links.values()];
    const changed = await this.#stats.sample(links, (link) => this.#links.has(link.participant.peerId), this.media.micMuted.value);
    if (changed) this.#publishParticipants();
  }

  /** Re-splits the uplink budget whenever someone arrives or leaves. */
  #applyUplinkBudget(): void {
    const cap = videoCapPerPeer(this.#settings.uplinkBudgetKbps, this.#links.size);
    for (const link of this.#links.values()) {
      // A refused cap leaves that copy uncapped; the call itself is unaffected.
      link.capVideo(cap).catch((error: unknown) => console.warn('PeerCall: could not cap a video sender', error));
    }
  }

  #publishParticipants(): void {
    this.participants.value = [...this.#links.values()].map((link) => link.participant);
    this.activeSpeaker.value = nextActiveSpeaker(this.activeSpeaker.value, this.participants.value);
  }

  #sendMediaState(only?: PeerLink): void {
    const message = {
      v: 1,
      type: 'media-state',
      seq: this.#controlSeq++,
      micMuted: this.media.micMuted.value,
      // A shared screen is a picture too: the others show it, not a "camera is off" card.
      cameraOff: this.media.screen.value === null && (this.media.cameraOff.value || this.media.camera.value === null),
    } as const;
    for (const link of only ? [only] : this.#links.values()) link.remote.sendControl(message);
  }

  #teardown(): void {
    clearTimeout(this.#dialTimer);
    clearInterval(this.#heartbeat);
    for (const id of [...this.#links.keys()]) {
      // Files in flight fail with a reason; files already received stay downloadable.
      this.files.removePerson(id);
      this.#links.get(id)?.remote.close();
    }
    this.#links.clear();
    this.#publishParticipants();
    this.media.stop();
    this.#link?.dispose();
  }
}
