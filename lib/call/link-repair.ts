/**
 * Keeps trying to repair one person's connection while it is lost: an ICE restart now,
 * then again with backoff, for as long as the grace period lasts. A restart needs the
 * signaling server to carry its offer and answer, so attempts wait while our own link to
 * the server is down and go at once when it is back. If restarts cannot help (the
 * connection closed, or they kept failing with the server reachable), the call redials.
 */

/** Waits between restart attempts: at once, then 1, 2, 4 and 8 s, then every 8 s. */
export function restartDelayMs(attempt: number): number {
  if (attempt <= 0) return 0;
  return Math.min(8_000, 1_000 * 2 ** (attempt - 1));
}

/**
 * Restarts whose offers and answers went through but have not brought the path back in
 * this long will not: the connection itself is broken.
 */
export const redialAfterMs = 12_000;
/**
 * ICE says "disconnected" after a couple of seconds without packets, and recovers by itself
 * when a short gap ends (a tunnel, a blip); a restart then would only interrupt that. So a
 * noticed loss waits this long before the first restart; our own network changing does not.
 */
export const noticedLossWaitMs = 2_000;
/** The polite side (higher ID) waits this much longer for the other's restart before offering its own. */
export const politeHeadStartMs = 1_500;

export interface RepairHooks {
  /** One ICE restart: offer a new path. */
  restart(): Promise<void>;
  /** Whether the signaling server can carry a restart now. */
  canSignal(): boolean;
  /** When a restart's offer and answer last went through, either way round; null before any. */
  exchangedAtMs(): number | null;
  /** Whether ICE says the path carries packets now. */
  pathUp(): boolean;
  /** Restarts will not do: make a new connection to this person. */
  redial(): void;
  now(): number;
}

export class LinkRepair {
  readonly #hooks: RepairHooks;
  readonly #polite: boolean;
  #attempt = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #startedMs = 0;
  /** Our own network changed: the first restart goes even if ICE has not noticed yet. */
  #forced = false;
  /** When the first restart of this repair went through both ways; null until one has. */
  #exchangedSinceMs: number | null = null;
  #active = false;

  constructor(hooks: RepairHooks, polite: boolean) {
    this.#hooks = hooks;
    this.#polite = polite;
  }

  get active(): boolean {
    return this.#active;
  }

  /** The path was lost (`noticed`), or our own network changed (`ours`: try at once whoever we are). */
  start(why: 'noticed' | 'ours'): void {
    if (this.#active && why === 'noticed') return;
    this.#active = true;
    this.#attempt = 0;
    this.#startedMs = this.#hooks.now();
    this.#exchangedSinceMs = null;
    this.#forced = why === 'ours';
    this.#schedule(why === 'ours' ? 0 : noticedLossWaitMs + (this.#polite ? politeHeadStartMs : 0));
  }

  /** The server is reachable again: the attempt waiting for it goes now. */
  signalingBack(): void {
    if (this.#active) this.#schedule(0);
  }

  /** The path is back, or the person is gone: stop. */
  stop(): void {
    this.#active = false;
    this.#attempt = 0;
    this.#exchangedSinceMs = null;
    clearTimeout(this.#timer);
  }

  #schedule(delayMs: number): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#tryOnce(), delayMs);
  }

  async #tryOnce(): Promise<void> {
    if (!this.#active) return;
    // Without the server nothing can be exchanged; `signalingBack` resumes.
    if (!this.#hooks.canSignal()) return;
    // The path came back by itself (ICE consent resumes after a short gap): a restart now
    // would only interrupt it.
    if (this.#hooks.pathUp() && !this.#forced) return this.stop();
    this.#forced = false;
    const now = this.#hooks.now();
    const exchanged = this.#hooks.exchangedAtMs();
    // Only a restart the other side answered proves the path, not the signaling, is what fails.
    if (exchanged !== null && exchanged >= this.#startedMs) this.#exchangedSinceMs ??= exchanged;
    if (this.#exchangedSinceMs !== null && now - this.#exchangedSinceMs >= redialAfterMs) {
      this.stop();
      return this.#hooks.redial();
    }
    this.#attempt += 1;
    try {
      await this.#hooks.restart();
    } catch (error) {
      console.warn('PeerCall: an ICE restart could not be offered', error);
    }
    if (this.#active) this.#schedule(Math.max(1_000, restartDelayMs(this.#attempt)));
  }
}
