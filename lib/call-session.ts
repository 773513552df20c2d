/**
 * One call, from Start or Join to Leave: wires local media, the PeerJS transport and
 * the pure call state together. The UI reads its signals and calls its methods.
 */
import { signal } from '@preact/signals-core';
import { type CallError, type CallErrorCode, callError } from './call-error';
import { type CallId, newCallId } from './call-id';
import { type CallState, idle, isActive, transition, type CallEvent } from './call-state';
import type { ControlMessage } from './control-protocol';
import { LocalMedia, type MediaKind, silentPlaceholders } from './local-media';
import type { IncomingCall, PeerTransport, RemotePeer } from './peer-transport';
import type { RoomEvent } from './room-signaling';
import { parseSignalingUrl, type Settings } from './settings';
import { retryDelayMs, type SignalingStatus } from './signaling-status';

export type CallIntent = { role: 'host' } | { role: 'guest'; callId: CallId };

/** How long a guest waits for the host's media before giving up. */
export const dialTimeoutMs = 20_000;

export interface RemoteMediaState {
  readonly micMuted: boolean;
  readonly cameraOff: boolean;
}

export class CallSession {
  readonly state = signal<CallState>(idle);
  /** The latest problem or notice for the user; null when there is nothing to say. */
  readonly notice = signal<CallError | { code: 'info'; fatal: false; message: string } | null>(null);
  readonly signaling = signal<SignalingStatus>({ kind: 'offline' });
  readonly remoteStream = signal<MediaStream | null>(null);
  readonly remoteMedia = signal<RemoteMediaState>({ micMuted: false, cameraOff: false });
  readonly media = new LocalMedia();

  readonly #settings: Settings;
  #transport: PeerTransport | null = null;
  #mediaReady: Promise<void> = Promise.resolve();
  #remote: RemotePeer | null = null;
  #remoteUnsubscribes: (() => void)[] = [];
  #senders: Partial<Record<MediaKind, RTCRtpSender>> = {};
  #controlSeq = 0;
  #lastRemoteSeq = -1;
  #retryAttempt = 0;
  #roomRequested = false;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #dialTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(settings: Settings) {
    this.#settings = settings;
    this.media.setTrackSink(async ({ kind, track }) => {
      this.#sendMediaState();
      await this.#senders[kind]?.replaceTrack(track);
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
    // PeerJS loads while the camera opens instead of before it.
    const { PeerTransport } = await import('./peer-transport');
    if (!isActive(this.state.value)) return;

    const transport = new PeerTransport({
      // Everyone registers under a random ID of their own; the shared call ID names the
      // room on the server, which tells a joiner whom to call.
      id: newCallId(),
      endpoint: endpoint.value,
      key: this.#settings.signalingKey,
      iceServers: this.#settings.iceServers,
    });
    this.#transport = transport;
    this.signaling.value = { kind: 'connecting' };
    transport.onOpen(() => void this.#onSignalingOpen());
    transport.onSignalingLost(() => this.#scheduleReconnect());
    transport.onError((code) => this.#onTransportError(code));
    transport.onIncomingCall((call) => void this.#onIncomingCall(call));
    transport.onRoomEvent((event) => this.#onRoomEvent(event));
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

  async selectDevice(kind: MediaKind, deviceId: string): Promise<void> {
    const problem = kind === 'video' ? await this.media.selectCamera(deviceId) : await this.media.selectMicrophone(deviceId);
    if (problem) this.#notify(problem);
  }

  leave(): void {
    this.#remote?.sendControl({ v: 1, type: 'bye' });
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

  async #onSignalingOpen(): Promise<void> {
    clearTimeout(this.#retryTimer);
    this.#retryAttempt = 0;
    this.signaling.value = { kind: 'online' };
    if (this.notice.value?.code === 'signaling-unreachable') this.notice.value = null;
    this.#dispatch({ type: 'signaling-open' });
    await this.#mediaReady;
    const state = this.state.value;
    if (!isActive(state) || state.kind === 'idle') return;
    // The server forgets a room member whose socket drops, so every (re)connect asks again.
    const room = state.callId;
    const firstTime = !this.#roomRequested;
    this.#roomRequested = true;
    this.#transport?.sendRoomRequest({ type: state.role === 'host' && firstTime ? 'ROOM-CREATE' : 'ROOM-JOIN', payload: { room } });
  }

  #onRoomEvent(event: RoomEvent): void {
    const state = this.state.value;
    if (event.type === 'refused') {
      // A host back from a network drop finds its room gone once everyone left: open it again.
      if (event.code === 'room-unknown' && state.kind === 'waiting') {
        return this.#transport?.sendRoomRequest({ type: 'ROOM-CREATE', payload: { room: state.callId } });
      }
      if (state.kind === 'dialing' && (event.code === 'room-unknown' || event.code === 'room-full')) this.#fail(event.code);
      if (state.kind === 'starting' && event.code === 'room-exists') this.#fail('id-taken');
      return;
    }
    if (event.type !== 'members') return;
    if (state.kind === 'starting' && state.role === 'host') return this.#dispatch({ type: 'room-open' });
    if (state.kind !== 'dialing' || this.#remote !== null) return;
    const [host, ...others] = event.members;
    if (host === undefined) return this.#fail('room-unknown');
    // One-to-one until group calls (issue 3): a third person is told the call is full.
    if (others.length > 0) {
      this.#transport?.sendRoomRequest({ type: 'ROOM-LEAVE' });
      return this.#fail('room-full');
    }
    this.#dial(host);
  }

  #scheduleReconnect(): void {
    if (!isActive(this.state.value)) return;
    clearTimeout(this.#retryTimer);
    this.#retryAttempt += 1;
    const delay = retryDelayMs(this.#retryAttempt, Math.random());
    this.signaling.value = { kind: 'retrying', attempt: this.#retryAttempt, retryAtMs: Date.now() + delay };
    this.#notify('signaling-unreachable');
    this.#retryTimer = setTimeout(() => {
      this.signaling.value = { kind: 'connecting' };
      this.#transport?.reconnect();
    }, delay);
  }

  #onTransportError(code: CallErrorCode): void {
    // Losing the server is handled by the reconnect loop; everything else ends the attempt.
    if (code === 'signaling-unreachable') return;
    // An unanswered dial is reported by the server only for the ID we rang.
    this.#fail(code);
  }

  #dial(remoteId: string): void {
    const transport = this.#transport;
    if (!transport) return;
    this.#dialTimer = setTimeout(() => this.#fail('no-answer'), dialTimeoutMs);
    this.#withPlaceholders((stream) => this.#adoptRemote(transport.call(remoteId, stream)));
  }

  async #onIncomingCall(call: IncomingCall): Promise<void> {
    await this.#mediaReady;
    // One-to-one: a second caller is turned away while someone is in the call.
    if (this.state.value.kind !== 'waiting' || this.#remote !== null) return call.reject();
    this.#withPlaceholders((stream) => this.#adoptRemote(call.answer(stream)));
  }

  /**
   * Negotiates with a track of each kind even when a device is missing or off, so both
   * senders exist from the start and every later change is a replaceTrack, never a renegotiation.
   */
  #withPlaceholders(connect: (stream: MediaStream) => void): void {
    const real = { audio: this.media.microphone.value, video: this.media.camera.value };
    const tracks = [real.audio, real.video].filter((t): t is MediaStreamTrack => t !== null);
    if (tracks.length === 2) return connect(new MediaStream(tracks));
    const placeholders = silentPlaceholders();
    const filler = placeholders.tracks.filter((t) => !tracks.some((r) => r.kind === t.kind));
    connect(new MediaStream([...tracks, ...filler]));
    for (const kind of ['audio', 'video'] as const) void this.#senders[kind]?.replaceTrack(real[kind]);
    placeholders.release();
  }

  #adoptRemote(remote: RemotePeer): void {
    this.#remote = remote;
    this.#lastRemoteSeq = -1;
    const senders = remote.peerConnection.getSenders();
    this.#senders = {
      audio: senders.find((s) => s.track?.kind === 'audio'),
      video: senders.find((s) => s.track?.kind === 'video'),
    };
    this.#remoteUnsubscribes = [
      remote.onStream((stream) => {
        clearTimeout(this.#dialTimer);
        this.remoteStream.value = stream;
        this.#dispatch({ type: 'remote-connected' });
      }),
      remote.onControl((message) => this.#onControl(message)),
      remote.onEnded((why) => (why === 'left' ? this.#onRemoteLeft() : this.#fail('connection-failed'))),
    ];
    this.#sendMediaState();
  }

  #onControl(message: ControlMessage): void {
    if (message.type === 'bye') return this.#onRemoteLeft();
    if (message.seq <= this.#lastRemoteSeq) return;
    this.#lastRemoteSeq = message.seq;
    this.remoteMedia.value = { micMuted: message.micMuted, cameraOff: message.cameraOff };
  }

  #onRemoteLeft(): void {
    const wasHost = this.state.value.kind === 'in-call' && this.state.value.role === 'host';
    this.#dropRemote();
    this.#dispatch({ type: 'remote-left' });
    if (wasHost) this.#notify('The other person left. Your call is still open: share the ID to let someone join.');
  }

  #dropRemote(): void {
    for (const unsubscribe of this.#remoteUnsubscribes) unsubscribe();
    this.#remoteUnsubscribes = [];
    this.#remote?.close();
    this.#remote = null;
    this.#senders = {};
    this.remoteStream.value = null;
    this.remoteMedia.value = { micMuted: false, cameraOff: false };
  }

  #sendMediaState(): void {
    this.#remote?.sendControl({
      v: 1,
      type: 'media-state',
      seq: this.#controlSeq++,
      micMuted: this.media.micMuted.value,
      cameraOff: this.media.cameraOff.value || this.media.camera.value === null,
    });
  }

  #teardown(): void {
    clearTimeout(this.#retryTimer);
    clearTimeout(this.#dialTimer);
    this.#dropRemote();
    this.media.stop();
    this.#transport?.dispose();
    this.#transport = null;
    this.signaling.value = { kind: 'offline' };
  }
}
