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

/** Restarts that have not brought the path back in this long, with the server reachable, will not. */
export const redialAfterMs = 12_000;
/** The polite side (higher ID) waits this long for the other's restart before offering its own. */
export const politeHeadStartMs = 1_500;

export interface RepairHooks {
  /** One ICE restart: offer a new path. */
  restart(): Promise<void>;
  /** Whether the signaling server can carry a restart now. */
  canSignal(): boolean;
  /** Restarts will not do: make a new connection to this person. */
  redial(): void;
  now(): number;
}

export class LinkRepair {
  readonly #hooks: RepairHooks;
  readonly #polite: boolean;
  #attempt = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** When restarts with a reachable server began to fail; null while none has been tried. */
  #tryingSinceMs: number | null = null;
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
    this.#schedule(why === 'ours' || !this.#polite ? 0 : politeHeadStartMs);
  }

  /** The server is reachable again: the attempt waiting for it goes now. */
  signalingBack(): void {
    if (this.#active) this.#schedule(0);
  }

  /** The path is back, or the person is gone: stop. */
  stop(): void {
    this.#active = false;
    this.#attempt = 0;
    this.#tryingSinceMs = null;
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
    const now = this.#hooks.now();
    this.#tryingSinceMs ??= now;
    if (now - this.#tryingSinceMs >= redialAfterMs) {
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
