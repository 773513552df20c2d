/**
 * Our link to the signaling server for one call: fetch a session (peer ID, token, ICE
 * servers, a first connect ticket), register through PeerJS, renew the token before it
 * expires, and keep the link alive. A socket can die without closing (the network changed
 * under it, a router lost its mapping), so the link pings and gives up on a socket that
 * stops answering; it tries again at once, then with backoff, and the moment a probe finds
 * the server up. Every reconnect first asks for a fresh ticket (a ticket is good for one
 * connection); replaced by a newer connection of our ID, the transport ends the session and
 * the link does not reconnect. What the call does once the link is open is the session's.
 */
import type { Signal } from '@preact/signals-core';
import type { CallId } from '../call/call-id';
import type { Settings, SignalingEndpoint } from '../call/settings';
import type { PeerTransport } from './peer-transport';
import { type SpareTicket, spareTryTimeoutMs } from './spare-ticket';
import { renewDelayMs, requestSession, requestTicket, type SignalingSession } from './signaling-session';
import { deadAfterMs, pingIntervalMs, probeIntervalMs, retryDelayMs, type SignalingStatus } from './signaling-status';

/** A socket try that has not opened in this long has failed. */
const attemptTimeoutMs = 4_000;
/** A try this old when a probe finds the server up is likely stuck on a dead path: make a fresh one. */
const attemptHangingMs = 2_000;
/**
 * While online, the link keeps a spare connect ticket, asked for over the socket this often
 * (tickets live a minute). A reconnect then needs no HTTP request first, which matters after
 * an outage: Chromium hands new requests to the server to connection attempts it began during
 * the outage, and those wait out TCP's SYN backoff (seconds), even though a new connection
 * would go through at once. WebSocket connects are not pooled that way.
 */
const spareRenewMs = 20_000;
/** A spare this close to expiry is not used: the server might see it expired. */
const spareMarginMs = 3_000;
/**
 * With a spare, the wait before the next try, after spareTryTimeoutMs gave up on a hung one.
 * (A try the server closed or refused drops the spare, and the next goes by HTTP with backoff.)
 */
const spareRetryDelayMs = 100;

export interface SignalingLinkHandlers {
  /** A transport exists: attach listeners for errors, calls and room events. */
  wire(transport: PeerTransport): void;
  /** The link opened (first time or again). */
  opened(): void;
  /** The server cannot be reached; a retry is scheduled. */
  unreachable(): void;
  /** The server refused us a session: retrying will not help. */
  refused(): void;
  /** Our own network changed or came back: paths to the others may be dead too. */
  networkChanged(): void;
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
  #probeTimer: ReturnType<typeof setTimeout> | undefined;
  #renewTimer: ReturnType<typeof setTimeout> | undefined;
  #pingTimer: ReturnType<typeof setInterval> | undefined;
  #spareTimer: ReturnType<typeof setInterval> | undefined;
  /** A ticket for the next reconnect, and whether the try in flight uses it. */
  #spare: SpareTicket | null = null;
  #tryingSpare = false;
  #lastServerWordMs = 0;
  /** When the socket try now in flight began; null when none is. */
  #attemptStartedMs: number | null = null;
  /** When the latest connect or reconnect began, and how long the last one that opened took. */
  #triedAtMs: number | null = null;
  #openTookMs: number | null = null;
  /** Counts tries, so a ticket that comes back after a newer try began is dropped. */
  #attempts = 0;
  /** When the link went down; null while it is up (or was never up). */
  #downSinceMs: number | null = null;
  #disposed = false;
  readonly #onOnline = () => this.#networkBack();
  readonly #onOffline = () => this.#networkGone();

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

  /** Our peer ID on the server, once a session gave us one. */
  get peerId(): string | null {
    return this.#session?.peerId ?? null;
  }

  /** The ICE servers the server handed out for this call, once it has. */
  get serverIceServers(): readonly RTCIceServer[] | null {
    return this.#session?.iceServers ?? null;
  }

  async open(): Promise<void> {
    globalThis.addEventListener?.('online', this.#onOnline);
    globalThis.addEventListener?.('offline', this.#onOffline);
    // PeerJS loads while the session is fetched, instead of before it.
    const [module] = await Promise.all([import('./peer-transport'), this.#openSession()]);
    this.#module = module;
    this.#connect();
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    globalThis.removeEventListener?.('online', this.#onOnline);
    globalThis.removeEventListener?.('offline', this.#onOffline);
    clearTimeout(this.#retryTimer);
    clearTimeout(this.#probeTimer);
    clearTimeout(this.#renewTimer);
    clearInterval(this.#pingTimer);
    clearInterval(this.#spareTimer);
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
    if (this.#downSinceMs === null) this.#status.value = { kind: 'connecting' };
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
    this.#triedAtMs = Date.now();
    if (this.#downSinceMs === null) this.#status.value = { kind: 'connecting' };
    transport.onServerWord(() => (this.#lastServerWordMs = Date.now()));
    transport.onSpareTicket((spare) => (this.#spare = spare));
    transport.onOpen(() => {
      clearTimeout(this.#retryTimer);
      clearTimeout(this.#probeTimer);
      this.#probeTimer = undefined;
      this.#attemptStartedMs = null;
      this.#retryAttempt = 0;
      this.#downSinceMs = null;
      this.#lastServerWordMs = Date.now();
      if (this.#triedAtMs !== null) this.#openTookMs = Date.now() - this.#triedAtMs;
      this.#status.value = { kind: 'online' };
      // Whatever ticket this open used is spent; the next reconnect needs a new spare.
      this.#spare = null;
      this.#tryingSpare = false;
      this.#startPinging();
      this.#keepSpare();
      this.#on.opened();
    });
    transport.onSignalingLost(() => this.#lost());
    this.#on.wire(transport);
  }

  /** While online: a ping every second, and a socket silent for 3.5 s is given up on. */
  #startPinging(): void {
    clearInterval(this.#pingTimer);
    this.#pingTimer = setInterval(() => {
      if (this.#status.value.kind !== 'online') return clearInterval(this.#pingTimer);
      if (Date.now() - this.#lastServerWordMs > deadAfterMs) {
        // Only the socket is given up on. The calls' own paths may be fine, or coming back by
        // themselves after a short gap: ICE says so when they are lost, and restarting them on
        // a hunch interrupted media that was already flowing again (a 3 s outage went from
        // 0.1-0.7 s to 1.6-2.6 s of frozen video).
        return this.#transport?.dropSignaling();
      }
      this.#transport?.ping();
    }, pingIntervalMs);
  }

  /** While online: a spare ticket now and every 20 s, bought with the session's token over the socket. */
  #keepSpare(): void {
    clearInterval(this.#spareTimer);
    const ask = () => {
      if (this.#status.value.kind !== 'online') return clearInterval(this.#spareTimer);
      if (this.#session) this.#transport?.requestSpareTicket(this.#session.token);
    };
    ask();
    this.#spareTimer = setInterval(ask, spareRenewMs);
  }

  /** The spare, if it is still good for a try. */
  #usableSpare(): SpareTicket | null {
    return this.#spare && this.#spare.expiresAtMs - Date.now() > spareMarginMs ? this.#spare : null;
  }

  /** The socket closed or was given up on: the first time, try again at once; after a failed try, back off. */
  #lost(): void {
    if (this.#disposed) return;
    clearInterval(this.#pingTimer);
    clearInterval(this.#spareTimer);
    // A try with the spare that the server closed may have spent it (or been refused for it):
    // the next try asks for a ticket over HTTP. A try that hung never reached the server, and
    // its spare is still good.
    if (this.#tryingSpare) this.#spare = null;
    this.#tryingSpare = false;
    const wasOnline = this.#status.value.kind === 'online';
    this.#downSinceMs ??= Date.now();
    this.#attemptStartedMs = null;
    if (!wasOnline) return this.#scheduleRetry();
    this.#status.value = { kind: 'reconnecting', sinceMs: this.#downSinceMs };
    this.#attempt();
  }

  #networkGone(): void {
    if (this.#disposed) return;
    this.#downSinceMs ??= Date.now();
    this.#status.value = { kind: 'no-network', sinceMs: this.#downSinceMs };
    // Whatever the socket looks like, it cannot carry anything now.
    this.#transport?.dropSignaling();
  }

  #networkBack(): void {
    if (this.#disposed) return;
    this.#on.networkChanged();
    if (this.#status.value.kind === 'online') return;
    this.#status.value = { kind: 'reconnecting', sinceMs: this.#downSinceMs ?? Date.now() };
    this.#retryAttempt = 0;
    this.#attempt();
  }

  /**
   * One try at the socket: a fresh ticket, then PeerJS's reconnect with it. If no OPEN
   * comes in time, it counts as failed and the backoff goes on; a ticket refused means the
   * server will not take this session back.
   */
  #attempt(): void {
    if (this.#disposed) return;
    clearTimeout(this.#retryTimer);
    this.#probe();
    const session = this.#session;
    if (!session) return void this.#openSession();
    const attempt = ++this.#attempts;
    this.#attemptStartedMs = Date.now();
    const spare = this.#usableSpare();
    if (spare) {
      this.#tryingSpare = true;
      const hangsAfterMs = spareTryTimeoutMs(this.#openTookMs);
      this.#retryTimer = setTimeout(() => {
        if (!this.#transport?.socketReachedServer()) return this.#scheduleRetry();
        // The server has this try and its ticket, and is slow to answer (a loaded machine):
        // a new try now would present a ticket the server already counts as used.
        this.#spare = null;
        this.#retryTimer = setTimeout(() => this.#scheduleRetry(), attemptTimeoutMs - hangsAfterMs);
      }, hangsAfterMs);
      this.#triedAtMs = Date.now();
      return this.#transport?.reconnect(spare.ticket);
    }
    this.#tryingSpare = false;
    this.#retryTimer = setTimeout(() => this.#scheduleRetry(), attemptTimeoutMs);
    void requestTicket(this.#endpoint, session).then((result) => {
      // A newer try has begun, or the link is up or gone: this ticket is not needed.
      if (this.#disposed || this.#session !== session || attempt !== this.#attempts || this.#status.value.kind === 'online') return;
      if (result.ok) {
        this.#triedAtMs = Date.now();
        return this.#transport?.reconnect(result.ticket);
      }
      clearTimeout(this.#retryTimer);
      if (result.problem === 'refused') return this.#transport?.sessionEnded();
      this.#scheduleRetry();
    });
  }

  /** Capped exponential backoff with jitter, cut short by a probe that finds the server up. */
  #scheduleRetry(): void {
    if (this.#disposed || this.#status.value.kind === 'online') return;
    clearTimeout(this.#retryTimer);
    this.#attemptStartedMs = null;
    this.#retryAttempt += 1;
    // With a spare, tries are cheap WebSocket connects that each start a fresh TCP handshake:
    // keep making them, so one goes out right after the network returns.
    const delay = this.#usableSpare() ? spareRetryDelayMs : retryDelayMs(this.#retryAttempt, Math.random());
    this.#downSinceMs ??= Date.now();
    if (this.#status.value.kind !== 'no-network') {
      // Trying again every moment is "reconnecting", not a countdown to the next try.
      this.#status.value = this.#usableSpare()
        ? { kind: 'reconnecting', sinceMs: this.#downSinceMs }
        : { kind: 'retrying', attempt: this.#retryAttempt, retryAtMs: Date.now() + delay, sinceMs: this.#downSinceMs };
    }
    this.#on.unreachable();
    this.#retryTimer = setTimeout(() => this.#attempt(), delay);
    this.#probe();
  }

  /**
   * While the link is down, asks /health each second: the moment the server answers, a
   * try goes (replacing one that has been hanging, as a socket opened just before a
   * network change does).
   */
  #probe(): void {
    if (this.#probeTimer !== undefined) return;
    // Tries with the spare are probes themselves, and an HTTP probe stuck during an outage
    // would hold up the ticket request that follows the spare.
    if (this.#usableSpare()) return;
    const settled = () => this.#disposed || this.#status.value.kind === 'online';
    this.#probeTimer = setTimeout(async () => {
      if (settled()) return void (this.#probeTimer = undefined);
      const up = await fetch(`${this.#endpoint.origin}/health`, { signal: AbortSignal.timeout(probeIntervalMs), cache: 'no-store', credentials: 'omit' }).then(
        (response) => response.ok,
        () => false,
      );
      this.#probeTimer = undefined;
      if (settled()) return;
      const hanging = this.#attemptStartedMs === null || Date.now() - this.#attemptStartedMs > attemptHangingMs;
      if (up && hanging) return this.#attempt();
      this.#probe();
    }, probeIntervalMs);
  }
}
