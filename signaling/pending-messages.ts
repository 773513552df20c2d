/**
 * Messages held for a room member whose socket is momentarily gone (its node died and
 * it has not yet reconnected elsewhere), by peer: at most `maxPerPeer` each, at most
 * `maxHeldBytes` in all, and none for longer than `holdMs`. The server sweeps every
 * second, so a peer that never comes back does not keep its messages either.
 */
export const holdMs = 10_000;
export const sweepIntervalMs = 1_000;
/** Held on one node in all; past it a message is refused as queue-full like one past a peer's cap. */
export const maxHeldBytes = 8 * 1024 * 1024;

interface Held {
  readonly message: object;
  readonly atMs: number;
  readonly bytes: number;
}

export class PendingMessages {
  readonly #byPeer = new Map<string, Held[]>();
  #count = 0;
  #bytes = 0;

  constructor(readonly maxPerPeer: number) {}

  /** `bytes`: about what the message costs to hold (the frame it came in). */
  add(to: string, message: object, bytes: number, nowMs: number): boolean {
    const list = this.#live(to, nowMs);
    if (list.length >= this.maxPerPeer || this.#bytes + bytes > maxHeldBytes) return false;
    list.push({ message, atMs: nowMs, bytes });
    this.#byPeer.set(to, list);
    this.#count += 1;
    this.#bytes += bytes;
    return true;
  }

  take(peer: string, nowMs: number): object[] {
    const list = this.#live(peer, nowMs);
    this.#forget(peer, list);
    return list.map((held) => held.message);
  }

  /** Drops everything held longer than holdMs. */
  sweep(nowMs: number): void {
    for (const peer of [...this.#byPeer.keys()]) this.#live(peer, nowMs);
  }

  get size(): number {
    return this.#count;
  }

  /** The peer's messages still within holdMs (held in arrival order); the older ones are forgotten on the way. */
  #live(peer: string, nowMs: number): Held[] {
    const list = this.#byPeer.get(peer) ?? [];
    const firstLive = list.findIndex((held) => nowMs - held.atMs < holdMs);
    const stale = firstLive === -1 ? list.length : firstLive;
    if (stale === 0) return list;
    for (const held of list.slice(0, stale)) {
      this.#count -= 1;
      this.#bytes -= held.bytes;
    }
    const live = list.slice(stale);
    if (live.length === 0) this.#byPeer.delete(peer);
    else this.#byPeer.set(peer, live);
    return live;
  }

  #forget(peer: string, list: readonly Held[]): void {
    this.#byPeer.delete(peer);
    for (const held of list) {
      this.#count -= 1;
      this.#bytes -= held.bytes;
    }
  }
}
