/**
 * Our link to the signaling server for one call: fetch a session (peer ID, token, ICE
 * servers, a first connect ticket), register through PeerJS, renew the token before it
 * expires, and retry with backoff while the server is unreachable, showing the status.
 * Every reconnect first asks for a fresh ticket: a ticket is good for one connection.
 * Replaced by a newer connection of our ID, the transport ends the session and the link
 * does not reconnect. What the call does once the link is open (rooms, calls) is the
 * session's.
 */
import type { Signal } from '@preact/signals-core';
import type { CallId } from '../call/call-id';
import type { PeerTransport } from './peer-transport';
import type { Settings, SignalingEndpoint } from '../call/settings';
import { renewDelayMs, requestSession, requestTicket, type SignalingSession } from './signaling-session';
import { retryDelayMs, type SignalingStatus } from './signaling-status';

export interface SignalingLinkHandlers {
  /** A transport exists: attach listeners for errors, calls and room events. */
  wire(transport: PeerTransport): void;
  /** The link opened (first time or again). */
  opened(): void;
  /** The server cannot be reached; a retry is scheduled. */
  unreachable(): void;
  /** The server refused us a session: retrying will not help. */
  refused(): void;
}

export class SignalingLink {
  readonly #endpoint: SignalingEndpoint;
  readonly #callId: CallId;
  readonly #settings: Pick<Settings, 'signalingKey' | 'iceServers' | 'relayOnly'>;
  readonly #status: Signal<SignalingStatus>;
  readonly #on: SignalingLinkHandlers;
  #module: typeof import('./peer-transport') | null = null;
  #session: SignalingSession | null = null;
  #transport: PeerTransport | null = null;
  #retryAttempt = 0;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #renewTimer: ReturnType<typeof setTimeout> | undefined;
  #disposed = false;

  constructor(
    endpoint: SignalingEndpoint,
    callId: CallId,
    settings: Pick<Settings, 'signalingKey' | 'iceServers' | 'relayOnly'>,
    status: Signal<SignalingStatus>,
    handlers: SignalingLinkHandlers,
  ) {
    this.#endpoint = endpoint;
    this.#callId = callId;
    this.#settings = settings;
    this.#status = status;
    this.#on = handlers;
  }

  get transport(): PeerTransport | null {
    return this.#transport;
  }

  /** The ICE servers the server handed out for this call, once it has. */
  get serverIceServers(): readonly RTCIceServer[] | null {
    return this.#session?.iceServers ?? null;
  }

  async open(): Promise<void> {
    // PeerJS loads while the session is fetched, instead of before it.
    const [module] = await Promise.all([import('./peer-transport'), this.#openSession()]);
    this.#module = module;
    this.#connect();
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    clearTimeout(this.#retryTimer);
    clearTimeout(this.#renewTimer);
    this.#transport?.dispose();
    this.#transport = null;
    this.#status.value = { kind: 'offline' };
  }

  /**
   * Asks the server for a session: the random peer ID we register under (the shared
   * call ID names the room, which tells a joiner whom to call), its token, and the
   * ICE servers with fresh TURN credentials.
   */
  async #openSession(): Promise<void> {
    if (this.#disposed) return;
    this.#status.value = { kind: 'connecting' };
    const result = await requestSession(this.#endpoint, this.#callId);
    if (this.#disposed) return;
    if (!result.ok) return result.problem === 'refused' ? this.#on.refused() : this.#scheduleRetry();
    this.#session = result.session;
    this.#scheduleRenewal();
    this.#connect();
  }

  /** Trades the token for a fresh one for the same ID before it expires, so a later reconnect keeps our ID. */
  #scheduleRenewal(): void {
    clearTimeout(this.#renewTimer);
    const session = this.#session;
    if (!session) return;
    this.#renewTimer = setTimeout(async () => {
      const result = await requestSession(this.#endpoint, this.#callId, { peerId: session.peerId, token: session.token });
      if (this.#disposed || this.#session !== session) return;
      if (result.ok) this.#session = result.session;
      // Unreachable: try again soon, while the current token still holds. Refused: a reconnect will say so.
      if (result.ok || result.problem === 'unreachable') this.#scheduleRenewal();
    }, renewDelayMs(session, Date.now()));
  }

  /** Once both the session and PeerJS are here, registers with the signaling server. */
  #connect(): void {
    const session = this.#session;
    if (!session || !this.#module || this.#transport || this.#disposed) return;
    const transport = new this.#module.PeerTransport({
      id: session.peerId,
      ticket: session.ticket,
      endpoint: this.#endpoint,
      key: this.#settings.signalingKey,
      iceServers: [...this.#settings.iceServers, ...session.iceServers],
      relayOnly: this.#settings.relayOnly,
    });
    this.#transport = transport;
    this.#status.value = { kind: 'connecting' };
    transport.onOpen(() => {
      clearTimeout(this.#retryTimer);
      this.#retryAttempt = 0;
      this.#status.value = { kind: 'online' };
      this.#on.opened();
    });
    transport.onSignalingLost(() => this.#scheduleRetry());
    this.#on.wire(transport);
  }

  /** A fresh ticket, then PeerJS's reconnect with it; a ticket refused means the server will not take this session back. */
  async #reconnect(): Promise<void> {
    const session = this.#session;
    if (!session) return;
    this.#status.value = { kind: 'connecting' };
    const result = await requestTicket(this.#endpoint, session);
    if (this.#disposed || this.#session !== session) return;
    if (result.ok) return this.#transport?.reconnect(result.ticket);
    if (result.problem === 'refused') return this.#transport?.sessionEnded();
    this.#scheduleRetry();
  }

  /** Capped exponential backoff with jitter, for fetching the session or for reconnecting. */
  #scheduleRetry(): void {
    if (this.#disposed) return;
    clearTimeout(this.#retryTimer);
    this.#retryAttempt += 1;
    const delay = retryDelayMs(this.#retryAttempt, Math.random());
    this.#status.value = { kind: 'retrying', attempt: this.#retryAttempt, retryAtMs: Date.now() + delay };
    this.#on.unreachable();
    this.#retryTimer = setTimeout(() => void (this.#session ? this.#reconnect() : this.#openSession()), delay);
  }
}
