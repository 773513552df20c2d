/**
 * The only module that knows PeerJS. It turns PeerJS's events and error types into
 * ours; every `on…` returns an unsubscribe and `dispose()` may be called twice.
 */
import Peer, { type MediaConnection } from 'peerjs';
import type { CallErrorCode } from '../call/call-error';
import { encodeRoomMessage, parseRoomMessage, type RoomMessage } from '../call/room-protocol';
import { parseRoomEvent, type RoomEvent, type RoomRequest } from './room-signaling';
import type { SignalingEndpoint } from '../call/settings';
import { Emitter, type Unsubscribe } from '../call/emitter';
import { ChannelFileLane, type FileLane } from '../files/file-lane';

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

/** `turn-refused`: relay-only, and the TURN server refused our credentials, so no path can exist. */
export type RemoteEnd = 'left' | 'failed' | 'turn-refused';

export interface RemotePeer {
  readonly remoteId: string;
  /** The one RTCPeerConnection of this call; its senders are what replaceTrack acts on. */
  readonly peerConnection: RTCPeerConnection;
  readonly files: FileLane;
  onStream(listener: (stream: MediaStream) => void): Unsubscribe;
  /** ICE found a working path: media can flow. The stream arrives earlier, with the answer. */
  onConnected(listener: () => void): Unsubscribe;
  onControl(listener: (message: RoomMessage) => void): Unsubscribe;
  onEnded(listener: (why: RemoteEnd) => void): Unsubscribe;
  /** A message from this peer failed validation and was dropped. */
  onMalformed(listener: () => void): Unsubscribe;
  sendControl(message: RoomMessage): void;
  close(): void;
}

export interface IncomingCall {
  readonly remoteId: string;
  answer(stream: MediaStream): RemotePeer;
  reject(): void;
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
  #disposed = false;
  #replaced = false;

  constructor(options: TransportOptions) {
    const { endpoint } = options;
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
    // Replaced: someone holding our session connected after us. Reconnecting would take
    // the ID back and be taken again, so the session ends here instead.
    this.#peer.on('disconnected', () => (this.#replaced ? this.#errors.emit('session-ended') : this.#lost.emit()));
    this.#peer.on('error', (error) => this.#errors.emit(peerErrorCode(String(error.type))));
    this.#peer.on('call', (call) => this.#incoming.emit(this.#incomingCall(call)));
    // Room messages share the signaling socket; PeerJS ignores the types it does not know.
    this.#peer.socket.on('message', (message: unknown) => {
      if (isReplacedNotice(message)) this.#replaced = true;
      const event = parseRoomEvent(message);
      if (event) this.#roomEvents.emit(event);
    });
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
    if (this.#disposed || this.#replaced || !this.#peer.disconnected) return;
    // PeerJS reads its token from its options on every connect.
    (this.#peer.options as { token: string }).token = ticket;
    this.#peer.reconnect();
  }

  /** The server will not take this session back (no ticket for it any more): the call hears it on the one error path. */
  sessionEnded(): void {
    if (!this.#disposed) this.#errors.emit('session-ended');
  }

  call(remoteId: string, stream: MediaStream): RemotePeer {
    return new PeerJsRemote(this.#peer.call(remoteId, stream));
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.sendRoomRequest({ type: 'ROOM-LEAVE' });
    for (const emitter of [this.#opened, this.#lost, this.#errors, this.#incoming, this.#roomEvents]) emitter.clear();
    this.#peer.destroy();
  }

  #incomingCall(call: MediaConnection): IncomingCall {
    return {
      remoteId: call.peer,
      answer: (stream) => {
        // PeerJS creates an answered call's RTCPeerConnection in answer(); the remote needs it.
        call.answer(stream);
        return new PeerJsRemote(call);
      },
      reject: () => call.close(),
    };
  }
}

class PeerJsRemote implements RemotePeer {
  readonly #call: MediaConnection;
  readonly #streams = new Emitter<MediaStream>();
  readonly #control = new Emitter<RoomMessage>();
  readonly #dropped = new Emitter<void>();
  readonly #ended = new Emitter<RemoteEnd>();
  readonly #connected = new Emitter<void>();
  #pendingControl: RoomMessage[] = [];
  #controlChannel: RTCDataChannel | null = null;
  #closed = false;
  readonly files: ChannelFileLane;

  constructor(call: MediaConnection) {
    this.#call = call;
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
    for (const emitter of [this.#streams, this.#connected, this.#control, this.#ended, this.#dropped]) emitter.clear();
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
      if (pc.connectionState === 'failed') this.#end('failed');
      if (pc.connectionState !== 'connected' || connected) return;
      connected = true;
      this.#connected.emit();
    });
    pc?.addEventListener('icecandidateerror', (event: Event) => {
      // 401/403 from a TURN server: wrong or expired credentials. With relay-only there is no other path.
      const code = (event as RTCPeerConnectionIceErrorEvent).errorCode;
      if ((code === 401 || code === 403) && pc.getConfiguration().iceTransportPolicy === 'relay') this.#end('turn-refused');
    });
  }

  #end(why: RemoteEnd): void {
    if (this.#closed) return;
    this.#ended.emit(why);
    this.close();
  }
}
