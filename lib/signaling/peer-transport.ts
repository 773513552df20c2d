/**
 * The only module that knows PeerJS. It turns PeerJS's events and error types into
 * ours; every `on…` returns an unsubscribe and `dispose()` may be called twice.
 */
import Peer, { type MediaConnection } from 'peerjs';
import type { CallErrorCode } from '../call/call-error';
import { encodeRoomMessage, parseRoomMessage, type RoomMessage } from '../call/room-protocol';
import { IceRestarter } from './ice-restart';
import { parseRestartMessage, parseRoomEvent, type RestartSignal, type RoomEvent, type RoomRequest } from './room-signaling';
import type { SignalingEndpoint } from '../call/settings';
import { Emitter, type Unsubscribe } from '../call/emitter';
import { ChannelFileLane } from '../files/file-lane';
import type { IncomingCall, RemoteEnd, RemotePeer, TransportState } from './remote-peer';
import { parseSpareTicket, refusedOnlyTheTicket, type SpareTicket } from './spare-ticket';

export interface TransportOptions {
  readonly id: string;
  /** A connect ticket for this ID, good for this one connection (PeerJS sends it as its token). */
  readonly ticket: string;
  readonly endpoint: SignalingEndpoint;
  readonly key: string;
  readonly iceServers: readonly RTCIceServer[];
  /** Only relayed candidates: the others never learn our addresses. */
  readonly relayOnly: boolean;
}

function peerErrorCode(type: string): CallErrorCode {
  switch (type) {
    case 'peer-unavailable':
      return 'peer-unavailable';
    case 'unavailable-id':
      return 'id-taken';
    case 'invalid-id':
      // The server chose our ID; PeerJS refusing it means the server is not ours or is broken.
      return 'signaling-rejected';
    case 'invalid-key':
      return 'signaling-rejected';
    case 'browser-incompatible':
      return 'browser-incompatible';
    case 'server-error':
      // The server answered with an ERROR (an expired or refused session) and PeerJS gave up.
      return 'session-ended';
    case 'webrtc':
    case 'negotiation-failed':
      return 'connection-failed';
    default:
      // network, socket-error, socket-closed, ssl-unavailable, disconnected
      return 'signaling-unreachable';
  }
}

/** The server's word that a newer connection took our ID; its socket is then closed with 4409. */
function isReplacedNotice(message: unknown): boolean {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'REPLACED';
}

export class PeerTransport {
  readonly #peer: Peer;
  readonly #opened = new Emitter<void>();
  readonly #lost = new Emitter<void>();
  readonly #errors = new Emitter<CallErrorCode>();
  readonly #incoming = new Emitter<IncomingCall>();
  readonly #roomEvents = new Emitter<RoomEvent>();
  readonly #serverWords = new Emitter<void>();
  readonly #spareTickets = new Emitter<SpareTicket>();
  /** Calls by PeerJS connection ID, so a RESTART finds the call it belongs to. */
  readonly #remotes = new Map<string, PeerJsRemote>();
  readonly #id: string;
  /** Set while a stuck connection attempt is torn down to make a fresh one: not a loss to report. */
  #replacingSocket = false;
  #disposed = false;
  #replaced = false;

  constructor(options: TransportOptions) {
    const { endpoint } = options;
    this.#id = options.id;
    this.#peer = new Peer(options.id, {
      host: endpoint.host,
      port: endpoint.port,
      path: endpoint.path,
      // PeerJS guesses `secure` from the page, and a chrome-extension: page looks insecure to it.
      secure: endpoint.secure,
      key: options.key,
      token: options.ticket,
      // Always our own list: PeerJS's default names public servers we never want to leak to.
      config: { iceServers: [...options.iceServers], iceTransportPolicy: options.relayOnly ? 'relay' : 'all' },
      debug: 0,
    });
    this.#peer.on('open', () => this.#opened.emit());
    this.#peer.on('disconnected', () => {
      if (this.#replacingSocket) return;
      // Replaced: someone holding our session connected after us. Reconnecting would take
      // the ID back and be taken again, so the session ends here instead.
      if (this.#replaced) this.#errors.emit('session-ended');
      else this.#lost.emit();
    });
    this.#peer.on('error', (error) => {
      // PeerJS disconnects right after this error, and the link then tries again with a
      // ticket bought over HTTP: a spent ticket must not end the call.
      if (String(error.type) === 'server-error' && refusedOnlyTheTicket(String(error.message))) return;
      this.#errors.emit(peerErrorCode(String(error.type)));
    });
    this.#peer.on('call', (call) => this.#incoming.emit(this.#incomingCall(call)));
    // Room messages and restarts share the signaling socket; PeerJS ignores the types it does not know.
    this.#peer.socket.on('message', (message: unknown) => {
      this.#serverWords.emit();
      if (isReplacedNotice(message)) this.#replaced = true;
      const spare = parseSpareTicket(message);
      if (spare) return this.#spareTickets.emit(spare);
      const event = parseRoomEvent(message);
      if (event) return this.#roomEvents.emit(event);
      const restart = parseRestartMessage(message);
      const remote = restart && this.#remotes.get(restart.connectionId);
      if (remote && remote.remoteId === restart.from) void remote.receiveRestart(restart.signal);
    });
  }

  /** Anything the server sent: proof the socket still reaches it. */
  onServerWord(listener: () => void): Unsubscribe {
    return this.#serverWords.on(listener);
  }

  /** Asks the server, over the open socket, for a ticket to keep for the next reconnect. */
  requestSpareTicket(token: string): void {
    if (this.#peer.open) this.#peer.socket.send({ type: 'TICKET', payload: { token } });
  }

  onSpareTicket(listener: (spare: SpareTicket) => void): Unsubscribe {
    return this.#spareTickets.on(listener);
  }

  /**
   * Whether the socket now connecting has opened at the WebSocket level, so the server
   * holds the ticket it carried even though it has not said OPEN yet. PeerJS keeps this
   * to itself (`_wsOpen`), hence the cast; without it we answer no, and the link only
   * loses the chance to keep waiting.
   */
  socketReachedServer(): boolean {
    const socket = this.#peer.socket as unknown as { _wsOpen?: () => boolean };
    return typeof socket._wsOpen === 'function' && socket._wsOpen();
  }

  /** Asks the server for a PONG, so a dead socket shows itself by silence. */
  ping(): void {
    if (this.#peer.open) this.#peer.socket.send({ type: 'PING' });
  }

  /** Gives up on a socket that stopped answering; the link then reconnects as after any drop. */
  dropSignaling(): void {
    if (!this.#disposed && !this.#peer.disconnected) this.#peer.disconnect();
  }

  onOpen(listener: () => void): Unsubscribe {
    return this.#opened.on(listener);
  }
  /** The signaling link dropped and may be reconnected; calls in progress continue. Not after being replaced. */
  onSignalingLost(listener: () => void): Unsubscribe {
    return this.#lost.on(listener);
  }
  onError(listener: (code: CallErrorCode) => void): Unsubscribe {
    return this.#errors.on(listener);
  }
  onIncomingCall(listener: (call: IncomingCall) => void): Unsubscribe {
    return this.#incoming.on(listener);
  }
  onRoomEvent(listener: (event: RoomEvent) => void): Unsubscribe {
    return this.#roomEvents.on(listener);
  }

  sendRoomRequest(request: RoomRequest): void {
    if (this.#peer.open) this.#peer.socket.send(request);
  }

  /** Retries the signaling link with the same ID and a fresh ticket, so the server hands our ID back. */
  reconnect(ticket: string): void {
    if (this.#disposed || this.#replaced || this.#peer.open) return;
    // A socket still connecting from before a network change may never finish: start afresh.
    if (!this.#peer.disconnected) {
      this.#replacingSocket = true;
      this.#peer.disconnect();
      this.#replacingSocket = false;
    }
    // PeerJS reads its token from its options on every connect.
    (this.#peer.options as { token: string }).token = ticket;
    this.#peer.reconnect();
  }

  /** The server will not take this session back (no ticket for it any more): the call hears it on the one error path. */
  sessionEnded(): void {
    if (!this.#disposed) this.#errors.emit('session-ended');
  }

  call(remoteId: string, stream: MediaStream): RemotePeer {
    return this.#track(new PeerJsRemote(this.#peer.call(remoteId, stream), this.#id, (connectionId, d) => this.#sendRestart(remoteId, connectionId, d)));
  }

  #sendRestart(remoteId: string, connectionId: string, signal: RestartSignal): void {
    if (this.#peer.open) this.#peer.socket.send({ type: 'RESTART', dst: remoteId, payload: { connectionId, description: signal } });
  }

  #track(remote: PeerJsRemote): PeerJsRemote {
    this.#remotes.set(remote.connectionId, remote);
    remote.onEnded(() => this.#remotes.delete(remote.connectionId));
    return remote;
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.sendRoomRequest({ type: 'ROOM-LEAVE' });
    for (const emitter of [this.#opened, this.#lost, this.#errors, this.#incoming, this.#roomEvents, this.#serverWords]) emitter.clear();
    this.#remotes.clear();
    this.#peer.destroy();
  }

  #incomingCall(call: MediaConnection): IncomingCall {
    return {
      remoteId: call.peer,
      answer: (stream) => {
        // PeerJS creates an answered call's RTCPeerConnection in answer(); the remote needs it.
        call.answer(stream);
        return this.#track(new PeerJsRemote(call, this.#id, (connectionId, d) => this.#sendRestart(call.peer, connectionId, d)));
      },
      reject: () => call.close(),
    };
  }
}

class PeerJsRemote implements RemotePeer {
  readonly #call: MediaConnection;
  readonly #localId: string;
  readonly #sendRestart: (connectionId: string, description: RestartSignal) => void;
  readonly #transport = new Emitter<TransportState>();
  #restarter: IceRestarter | null = null;
  readonly #streams = new Emitter<MediaStream>();
  readonly #control = new Emitter<RoomMessage>();
  readonly #dropped = new Emitter<void>();
  readonly #ended = new Emitter<RemoteEnd>();
  readonly #connected = new Emitter<void>();
  #pendingControl: RoomMessage[] = [];
  #controlChannel: RTCDataChannel | null = null;
  #closed = false;
  readonly files: ChannelFileLane;

  constructor(call: MediaConnection, localId: string, sendRestart: (connectionId: string, description: RestartSignal) => void) {
    this.#call = call;
    this.#localId = localId;
    this.#sendRestart = sendRestart;
    this.files = new ChannelFileLane(call.peerConnection);
    // PeerJS emits `stream` once per track with the same MediaStream; listeners get it once.
    let seen: MediaStream | null = null;
    call.on('stream', (stream) => {
      if (stream === seen) return;
      seen = stream;
      this.#streams.emit(stream);
    });
    // PeerJS closes a media call when its companion data channel closes, which the
    // browser does at once when the other side closes its RTCPeerConnection or its tab.
    call.on('close', () => this.#end('left'));
    call.on('error', () => this.#end('failed'));
    // The caller's channel exists already; the answerer's arrives with the offer. Listen from
    // the moment it exists: a message can come in before PeerJS hears the channel open.
    if (call.dataChannel) this.#attachControlChannel(call.dataChannel);
    else call.peerConnection?.addEventListener('datachannel', (event) => this.#attachControlChannel(event.channel));
    this.#watchIce();
  }

  get remoteId(): string {
    return this.#call.peer;
  }
  get connectionId(): string {
    return this.#call.connectionId;
  }
  get peerConnection(): RTCPeerConnection {
    return this.#call.peerConnection;
  }

  onStream(listener: (stream: MediaStream) => void): Unsubscribe {
    return this.#streams.on(listener);
  }
  onConnected(listener: () => void): Unsubscribe {
    return this.#connected.on(listener);
  }
  onControl(listener: (message: RoomMessage) => void): Unsubscribe {
    return this.#control.on(listener);
  }
  onEnded(listener: (why: RemoteEnd) => void): Unsubscribe {
    return this.#ended.on(listener);
  }
  onMalformed(listener: () => void): Unsubscribe {
    return this.#dropped.on(listener);
  }
  onTransport(listener: (state: TransportState) => void): Unsubscribe {
    return this.#transport.on(listener);
  }

  async restartIce(): Promise<void> {
    await this.#restarter?.restart();
  }

  get restartExchangedAtMs(): number | null {
    return this.#restarter?.exchangedAtMs ?? null;
  }

  async receiveRestart(signal: RestartSignal): Promise<void> {
    await this.#restarter?.receive(signal).catch((error: unknown) => console.warn('PeerCall: an ICE restart failed', error));
  }

  sendControl(message: RoomMessage): void {
    const channel = this.#controlChannel;
    if (channel?.readyState === 'open') channel.send(encodeRoomMessage(message));
    else this.#pendingControl.push(message);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#call.close();
    // PeerJS leaves the RTCPeerConnection to the garbage collector; close it so media stops now.
    this.files.close();
    this.#call.peerConnection?.close();
    for (const emitter of [this.#streams, this.#connected, this.#control, this.#ended, this.#dropped, this.#transport]) emitter.clear();
  }

  #attachControlChannel(channel: RTCDataChannel): void {
    // PeerJS opens one data channel beside every media call to notice hang-ups;
    // it is ours for control messages too, so a call needs no second connection.
    if (this.#controlChannel) return;
    this.#controlChannel = channel;
    channel.addEventListener('message', (event: MessageEvent) => {
      const message = parseRoomMessage(event.data);
      if (message) this.#control.emit(message);
    });
    const flush = () => {
      const pending = this.#pendingControl;
      this.#pendingControl = [];
      for (const message of pending) channel.send(encodeRoomMessage(message));
    };
    if (channel.readyState === 'open') flush();
    else channel.addEventListener('open', flush, { once: true });
  }

  #watchIce(): void {
    const pc = this.#call.peerConnection;
    let connected = false;
    pc?.addEventListener('connectionstatechange', () => {
      const state = pc.connectionState;
      if (connected) {
        // Once connected, a lost path is repaired, not given up: see #takeOverIce.
        if (state === 'disconnected' || state === 'failed') this.#transport.emit('lost');
        if (state === 'connected') this.#transport.emit('connected');
        return;
      }
      // A path never found is a failed call.
      if (state === 'failed') this.#end('failed');
      if (state !== 'connected') return;
      connected = true;
      this.#takeOverIce(pc);
      this.#connected.emit();
    });
    pc?.addEventListener('icecandidateerror', (event: Event) => {
      // 401/403 from a TURN server: wrong or expired credentials. With relay-only there is no other path.
      const code = (event as RTCPeerConnectionIceErrorEvent).errorCode;
      if ((code === 401 || code === 403) && pc.getConfiguration().iceTransportPolicy === 'relay') this.#end('turn-refused');
    });
  }

  /**
   * PeerJS closes a call whose ICE fails and trickles candidates through its OFFER's
   * connection; from here on the connection's ICE is ours: restarts carry their
   * candidates in their descriptions, and a failure waits for one.
   */
  #takeOverIce(pc: RTCPeerConnection): void {
    pc.oniceconnectionstatechange = null;
    pc.onicecandidate = null;
    // The lower ID offers restarts; the higher one asks for them.
    this.#restarter = new IceRestarter(pc, this.#localId < this.remoteId, (signal) => this.#sendRestart(this.connectionId, signal));
  }

  #end(why: RemoteEnd): void {
    if (this.#closed) return;
    this.#ended.emit(why);
    this.close();
  }
}
