/**
 * One call, from Start or Join to Leave: wires local media, the signaling link, the
 * mesh of other people and the pure call state together. The UI reads its signals and
 * calls its methods.
 */
import { signal } from '@preact/signals-core';
import { FileTransfers } from '../files/file-transfers';
import { t } from '../i18n/i18n';
import { LinkStats } from '../media/link-stats';
import { LocalMedia, type MediaKind } from '../media/local-media';
import type { PixelSize } from '../media/uplink-budget';
import type { IncomingCall } from '../signaling/remote-peer';
import type { JoinPolicy, RoomEvent, RoomRefusal, RoomRequest } from '../signaling/room-signaling';
import { SignalingLink } from '../signaling/signaling-link';
import type { SignalingStatus } from '../signaling/signaling-status';
import { type CallError, type CallErrorCode, callError, isJoinRefusal } from './call-error';
import { type CallId, newCallId } from './call-id';
import type { CallIntent } from './call-intent';
import { type CallEvent, type CallState, idle, isActive, transition } from './call-state';
import { CallDoor } from './call-door';
import { CallRecording } from './call-recording';
import { type ChatEntry, withChatEntry } from './chat-log';
import { HandQueue } from './hand-queue';
import { type Departure, Mesh } from './mesh';
import { defaultPresenceRules } from './presence';
import { ReactionFeed } from './reaction-feed';
import { newRoomItemId, normalizeChatText, normalizeDisplayName, type Reaction } from './room-protocol';
import { parseSignalingUrl, type Settings } from './settings';

export type { CallIntent } from './call-intent';

/** How long a guest waits for the host's media before giving up. */
export const dialTimeoutMs = 20_000;

export class CallSession {
  readonly state = signal<CallState>(idle);
  /** The latest problem or notice for the user; null when there is nothing to say. */
  readonly notice = signal<CallError | { code: 'info'; fatal: false; message: string } | null>(null);
  readonly signaling = signal<SignalingStatus>({ kind: 'offline' });
  readonly chat = signal<readonly ChatEntry[]>([]);
  readonly #door: CallDoor;
  /** Who may come in, as the server last told us; null until we are in the room. */
  readonly policy;
  /** Newcomers waiting at the door for a member's answer (ours, or anyone's). */
  readonly joinRequests;

  /** Messages from peers that failed validation and were dropped. */
  readonly droppedMessages = signal(0);
  readonly media = new LocalMedia();
  readonly files = new FileTransfers();
  readonly #stats = new LinkStats();
  /** Whether our own microphone currently carries speech, as the others would hear it. */
  readonly speaking = this.#stats.speaking;
  readonly #reactions = new ReactionFeed();
  /** The reactions floating over the tiles now, ours (`from` null) and everyone's. */
  readonly floatingReactions = this.#reactions.floating;
  readonly #hands: HandQueue;
  /** Whether our hand is up. */
  readonly handRaised;
  /** Who has a hand up, in the order they went up: a peer ID, or null for us. */
  readonly raisedHands;
  readonly #unsubscribeSpeaking: () => void;

  readonly #settings: Settings;
  /** Our display name, as the others see it; the lobby may change it before entering. */
  readonly name = signal(t('common.guest'));
  readonly #mesh: Mesh;
  /** Everyone else in the call, in the order they arrived, reconnecting ones included. */
  readonly participants;
  /** Whom a one-picture view (picture-in-picture) shows. */
  readonly activeSpeaker;
  /** Our own recording of the call, and the files it made. */
  readonly recording: CallRecording;
  #link: SignalingLink | null = null;
  #mediaReady: Promise<void> = Promise.resolve();
  #roomRequested = false;
  /** Counts signaling (re)opens; the room is announced once per open, however many paths ask. */
  #openings = 0;
  #announcedOpening = -1;
  #dialTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(settings: Settings) {
    this.#settings = settings;
    this.#door = new CallDoor(settings.askToJoin);
    this.policy = this.#door.policy;
    this.joinRequests = this.#door.requests;
    this.name.value = normalizeDisplayName(settings.displayName) ?? t('common.guest');
    this.#mesh = new Mesh(
      {
        media: this.media,
        files: this.files,
        stats: this.#stats,
        uplinkBudgetKbps: settings.uplinkBudgetKbps,
        rules: { ...defaultPresenceRules, graceMs: settings.reconnectGraceSeconds * 1000 },
      },
      {
        transport: () => this.#link?.transport ?? null,
        canSignal: () => this.signaling.value.kind === 'online',
        localId: () => this.#link?.peerId ?? null,
        name: () => this.name.value,
        greeting: () => this.#hands.greeting(),
        connected: () => {
          clearTimeout(this.#dialTimer);
          this.#dispatch({ type: 'remote-connected' });
        },
        gone: (person, why, remaining) => {
          this.#hands.left(person.peerId);
          this.#reactions.forget(person.peerId);
          this.#onGone(person.name, why, remaining);
        },
        message: (link, _message, received) => {
          const from = link.participant.peerId;
          if (received.kind === 'chat') this.#addChat({ ...received, from: link.participant.name ?? t('common.someone'), mine: false });
          if (received.kind === 'reaction') this.#reactions.show(from, received.reaction, Date.now());
          if (received.kind === 'hand') this.#hands.heard(from, received.raisedAtMs);
        },
        malformed: () => (this.droppedMessages.value += 1),
      },
    );
    this.#hands = new HandQueue({
      sendToAll: (message) => this.#mesh.sendToAll(message),
      localId: () => this.#link?.peerId ?? null,
      speaking: () => this.speaking.peek(),
    });
    this.handRaised = this.#hands.raised;
    this.raisedHands = this.#hands.queue;
    this.#unsubscribeSpeaking = this.speaking.subscribe((speaking) => this.#hands.heardOurselves(speaking));
    this.participants = this.#mesh.participants;
    this.activeSpeaker = this.#mesh.activeSpeaker;
    this.recording = new CallRecording({
      participants: this.participants,
      media: this.media,
      announce: (on) => this.#mesh.setRecording(on),
      notify: (text) => this.#notify(text),
    });
    this.media.setTrackSink(({ kind, track }) => this.#mesh.replaceTrack(kind, track));
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
      opened: () => {
        this.#openings += 1;
        void this.#onSignalingOpen();
      },
      unreachable: () => this.#notify('signaling-unreachable'),
      refused: () => this.#fail('signaling-rejected'),
      networkChanged: () => this.#mesh.networkChanged(),
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
    this.#mesh.sendMediaState();
  }

  async setCameraOff(off: boolean): Promise<void> {
    const problem = await this.media.setCameraOff(off);
    if (problem) this.#notify(problem);
    this.#mesh.sendMediaState();
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
    this.#mesh.sendToAll(message);
    this.#addChat({ kind: 'chat', id: message.id, text: normalized, sentAtMs: message.sentAtMs, from: this.name.value, mine: true });
    return true;
  }

  /**
   * Floats a reaction over our tile and everyone's view of it. Past the sending limit it is
   * refused with a notice, so a click is never silently lost; returns whether it went.
   */
  react(reaction: Reaction): boolean {
    if (!this.#reactions.trySend(reaction, Date.now())) {
      this.#notify(t('reactions.tooMany'));
      return false;
    }
    this.#mesh.sendToAll({ v: 1, type: 'reaction', reaction });
    return true;
  }

  /** Raises or lowers our hand; it also comes down by itself once we have spoken for a while. */
  setHandRaised(up: boolean): void {
    this.#hands.setRaised(up);
  }

  /** Sends a file to everyone in the call now; problems reach the user as a notice. */
  sendFile(file: File): void {
    const problem = this.files.send(file);
    if (problem) this.#notify(problem);
  }

  /** Our tile for `peerId` is drawn this big: they need send no more. */
  showsPeerAt(peerId: string, size: PixelSize): void {
    this.#mesh.showsPeerAt(peerId, size);
  }

  leave(): void {
    this.recording.stop();
    this.#mesh.sendToAll({ v: 1, type: 'bye' });
    this.#dispatch({ type: 'leave' });
  }

  /**
   * Asks the server to change who may come in. Nothing changes here until the server
   * tells every member (us too) the new policy, so all screens say the same.
   */
  setPolicy(policy: JoinPolicy): void {
    if (!this.#inRoom()) return;
    this.#link?.transport?.sendRoomRequest({ type: 'ROOM-POLICY', payload: { policy } });
  }

  /** Lock the call, or unlock it back to asking or open, as it was before. */
  setLocked(locked: boolean): void {
    this.setPolicy(this.#door.policyFor(locked));
  }

  /** Lets a newcomer in, or turns them away; their card goes at once, and the server tells the others. */
  answerJoinRequest(request: string, verdict: 'admit' | 'deny'): void {
    if (!this.#inRoom()) return;
    this.#door.changeRequests({ type: 'ended', request });
    this.#link?.transport?.sendRoomRequest({ type: verdict === 'admit' ? 'ROOM-ADMIT' : 'ROOM-DENY', payload: { request } });
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

  #dispatch(event: CallEvent): void {
    const before = this.state.value;
    const after = transition(before, event);
    if (after === before) return;
    this.state.value = after;
    if (after.kind === 'ended' || after.kind === 'failed') this.#teardown();
  }

  /** Whether the server counts us a member of the room: only members set its door or answer it. */
  #inRoom(): boolean {
    const kind = this.state.value.kind;
    return this.policy.value !== null && (kind === 'waiting' || kind === 'in-call' || kind === 'dialing');
  }

  #fail(code: CallErrorCode): void {
    this.#dispatch({ type: 'error', error: callError(code) });
  }

  #notify(notice: CallErrorCode | string): void {
    this.notice.value = notice.includes(' ') ? { code: 'info', fatal: false, message: notice } : callError(notice as CallErrorCode);
  }

  async #onSignalingOpen(): Promise<void> {
    if (this.notice.value?.code === 'signaling-unreachable') this.notice.value = null;
    this.#dispatch({ type: 'signaling-open' });
    // Restarts that waited for the server go now.
    this.#mesh.signalingBack();
    await this.#mediaReady;
    const state = this.state.value;
    // In the lobby the link is ready; the room waits for the person to enter.
    if (!isActive(state) || state.kind === 'idle' || state.kind === 'lobby') return;
    // The server forgets a room member whose socket drops (and every room when it
    // restarts), so every (re)connect announces us again, once.
    if (this.#announcedOpening === this.#openings) return;
    this.#announcedOpening = this.#openings;
    const room = state.callId;
    const firstTime = !this.#roomRequested;
    this.#roomRequested = true;
    this.#link?.transport?.sendRoomRequest(state.role === 'host' && firstTime ? this.#createRequest(room) : this.#joinRequest(room));
  }

  #createRequest(room: CallId): RoomRequest {
    return this.#door.createRequest(room);
  }

  #joinRequest(room: CallId): RoomRequest {
    return this.#door.joinRequest(room, this.name.value);
  }

  #onRoomEvent(event: RoomEvent): void {
    const state = this.state.value;
    switch (event.type) {
      case 'refused':
        return this.#onRefused(event.code);
      case 'peer-joined':
      case 'peer-left':
        return this.#mesh.serverSays(event.peer, event.type === 'peer-left' ? 'left' : 'joined');
      case 'waiting':
        return this.#dispatch({ type: 'asked' });
      case 'join-request':
        return this.#door.changeRequests({ type: 'asked', request: event.request, name: event.name });
      case 'join-request-ended':
        return this.#door.changeRequests({ type: 'ended', request: event.request });
      case 'policy':
        return this.#door.heard(event.policy);
      case 'members':
        break;
    }
    // In the room (first, or again after a drop): the door as it is now, and the requests
    // still waiting, which the server sends right after.
    this.#door.entered(event.room, event.policy, event.pass);
    if (state.kind === 'starting' && state.role === 'host') return this.#dispatch({ type: 'room-open' });
    this.#dispatch({ type: 'admitted' });
    if (this.state.value.kind !== 'dialing' || this.#mesh.size > 0) return;
    if (event.members.length === 0) return this.#fail('room-unknown');
    // Full mesh: the joiner calls everyone already in the room.
    this.#dialTimer = setTimeout(() => this.#fail('no-answer'), dialTimeoutMs);
    for (const member of event.members) this.#mesh.dial(member);
  }

  #onRefused(code: RoomRefusal): void {
    const state = this.state.value;
    // Back from a drop or a server restart, we find the room gone: open it again, and
    // whoever comes back next finds it. A room someone else reopened first is joined.
    const inRoom = state.kind === 'waiting' || state.kind === 'in-call';
    if (inRoom && code === 'room-unknown') return this.#link?.transport?.sendRoomRequest(this.#createRequest(state.callId));
    if (inRoom && code === 'room-exists') return this.#link?.transport?.sendRoomRequest(this.#joinRequest(state.callId));
    // Turned away at the door (or the room is gone or full) while joining: one failure, with what to do next.
    if ((state.kind === 'dialing' || state.kind === 'asking') && isJoinRefusal(code)) return this.#fail(code);
    if (state.kind === 'starting' && code === 'room-exists') return this.#fail('id-taken');
    if (code === 'not-allowed') this.#fail('signaling-rejected');
  }

  #onTransportError(code: CallErrorCode): void {
    // Losing the server is handled by the signaling link's retries.
    if (code === 'signaling-unreachable') return;
    // In a mesh, one person gone or unreachable is their problem, not the call's: their
    // connection never speaks, and their presence removes them.
    const perPeer = code === 'peer-unavailable' || code === 'connection-failed';
    if (perPeer && (this.state.value.kind === 'in-call' || this.#mesh.size > 1)) return;
    this.#fail(code);
  }

  async #onIncomingCall(call: IncomingCall): Promise<void> {
    await this.#mediaReady;
    // Newcomers call everyone in the room; the server has already checked the room's capacity.
    const state = this.state.value.kind;
    if (state !== 'waiting' && state !== 'in-call' && state !== 'dialing') return call.reject();
    this.#mesh.answer(call);
  }

  #onGone(name: string | null, why: Departure, remaining: number): void {
    const joining = this.state.value.kind === 'dialing' && remaining === 0;
    if (why === 'turn-refused') return joining ? this.#fail('turn-refused') : this.#notify('turn-refused');
    // Losing the only connection while joining means the join failed; later losses are departures.
    if (why === 'failed' && joining) return this.#fail('connection-failed');
    this.#dispatch({ type: 'remote-left', remaining });
    const who = name ?? t('common.someone');
    if (why === 'lost-connection') return this.#notify(t('call.lostConnection', { name: who }));
    if (this.state.value.kind === 'waiting') this.#notify(t('call.everyoneLeft'));
  }

  #addChat(entry: ChatEntry): void {
    this.chat.value = withChatEntry(this.chat.value, entry);
  }

  #teardown(): void {
    clearTimeout(this.#dialTimer);
    this.#door.close();
    // Before the media stops, so the file ends on the call's last frame, not on black.
    this.recording.stop();
    this.#unsubscribeSpeaking();
    this.#hands.dispose();
    this.#reactions.dispose();
    this.#mesh.closeAll();
    this.media.stop();
    this.#link?.dispose();
  }
}
