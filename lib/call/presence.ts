/**
 * Whether another person is here, as a pure transition. A gap in packets is not a
 * goodbye: people walk through tunnels, hand over from Wi-Fi to 4G, and come back. Silence
 * makes a person "reconnecting"; they are gone only when they say so, when their connection
 * closes, when the server no longer has them while they are silent, or when the silence
 * outlasts the grace period.
 */

export type GoneReason =
  /** They left: a goodbye, or their connection closed. */
  | 'left'
  /** Silent past the grace period, or silent while the server no longer has them. */
  | 'lost-connection'
  /** Their first word never came. */
  | 'never-connected';

export type PresencePhase = 'connecting' | 'connected' | 'reconnecting' | 'gone';

export interface Presence {
  readonly phase: PresencePhase;
  /** When this phase began: how long someone has been reconnecting is `now - sinceMs`. */
  readonly sinceMs: number;
  /** When they last sent us anything; null before their first word. */
  readonly lastHeardMs: number | null;
  /**
   * When the signaling server said their socket is gone (null: it has them). A socket that
   * closes while they are talking to us, and then silence, is a crash: they are gone. A
   * socket that closes after they went silent is often their own old one, closing as their
   * network comes back: they get `serverWordMs` to come back on a new one.
   */
  readonly serverGoneAtMs: number | null;
  /** Set once gone. */
  readonly why: GoneReason | null;
}

export type PresenceEvent =
  /** Anything from them: a message, a heartbeat, file bytes. */
  | { readonly type: 'heard'; readonly atMs: number }
  /** Time passes; silence is judged here. */
  | { readonly type: 'tick'; readonly atMs: number }
  /** Their connection stopped carrying packets (ICE disconnected or failed). */
  | { readonly type: 'transport-lost'; readonly atMs: number }
  | { readonly type: 'server-left'; readonly atMs: number }
  /** The server has them again (they re-joined the room after a reconnect). */
  | { readonly type: 'server-back'; readonly atMs: number }
  | { readonly type: 'bye'; readonly atMs: number }
  /** The connection closed for good (not one we are repairing). */
  | { readonly type: 'closed'; readonly atMs: number };

export interface PresenceRules {
  /** Heartbeats come every second: this long without a word is a gap. */
  readonly silentAfterMs: number;
  /** How long a gap may last before the person is removed. */
  readonly graceMs: number;
  /** How long a new connection may take to say its first word. */
  readonly firstWordMs: number;
  /** How long someone already reconnecting has to come back once the server says their socket is gone. */
  readonly serverWordMs: number;
}

export const defaultGraceMs = 30_000;
export const defaultPresenceRules: PresenceRules = { silentAfterMs: 3_500, graceMs: defaultGraceMs, firstWordMs: 15_000, serverWordMs: 3_000 };

export function arriving(atMs: number): Presence {
  return { phase: 'connecting', sinceMs: atMs, lastHeardMs: null, serverGoneAtMs: null, why: null };
}

/** The server has said they are gone, and not taken it back, for long enough to believe it. */
function serverSureGone(presence: Presence, atMs: number, rules: PresenceRules): boolean {
  return presence.serverGoneAtMs !== null && atMs - presence.serverGoneAtMs >= rules.serverWordMs;
}

function gone(presence: Presence, why: GoneReason, atMs: number): Presence {
  return { ...presence, phase: 'gone', sinceMs: atMs, why };
}

export function nextPresence(presence: Presence, event: PresenceEvent, rules: PresenceRules = defaultPresenceRules): Presence {
  if (presence.phase === 'gone') return presence;
  const at = event.atMs;
  switch (event.type) {
    case 'bye':
    case 'closed':
      return gone(presence, 'left', at);
    case 'heard':
      return presence.phase === 'connected'
        ? { ...presence, lastHeardMs: at }
        : { ...presence, phase: 'connected', sinceMs: at, lastHeardMs: at };
    case 'server-back':
      return { ...presence, serverGoneAtMs: null };
    case 'server-left':
      return presence.serverGoneAtMs === null ? { ...presence, serverGoneAtMs: at } : presence;
    case 'transport-lost':
      if (presence.phase === 'connecting') return presence;
      if (presence.phase === 'connected' && presence.serverGoneAtMs !== null) return gone(presence, 'lost-connection', at);
      if (serverSureGone(presence, at, rules)) return gone(presence, 'lost-connection', at);
      return presence.phase === 'reconnecting' ? presence : { ...presence, phase: 'reconnecting', sinceMs: at };
    case 'tick':
      switch (presence.phase) {
        case 'connecting':
          // Never heard from, and no longer on the server: they left before we met.
          if (serverSureGone(presence, at, rules)) return gone(presence, 'left', at);
          return at - presence.sinceMs > rules.firstWordMs ? gone(presence, 'never-connected', at) : presence;
        case 'connected': {
          const lastHeard = presence.lastHeardMs ?? presence.sinceMs;
          if (at - lastHeard <= rules.silentAfterMs) return presence;
          // Their socket went while they were talking, and now they are silent: a crash.
          return presence.serverGoneAtMs !== null ? gone(presence, 'lost-connection', at) : { ...presence, phase: 'reconnecting', sinceMs: lastHeard };
        }
        case 'reconnecting':
          if (serverSureGone(presence, at, rules)) return gone(presence, 'lost-connection', at);
          return at - presence.sinceMs > rules.graceMs ? gone(presence, 'lost-connection', at) : presence;
      }
  }
}
