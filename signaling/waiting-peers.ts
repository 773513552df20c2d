/**
 * The newcomers this node holds that wait at a room's door, each with the timer that
 * ends its request when nobody answers. The node holding a waiting peer's socket owns
 * its request: it withdraws it when the socket goes, and when time runs out. Bounded
 * by the sockets the node holds: one entry per waiting peer.
 */
import { randomBytes } from 'node:crypto';

export interface Waiting {
  readonly room: string;
  readonly request: string;
}

/** A fresh handle for a join request (see room-admission.ts: members never see peer IDs). */
export function newRequestHandle(): string {
  return randomBytes(12).toString('base64url');
}

export class WaitingPeers {
  readonly #byPeer = new Map<string, Waiting & { readonly timer: NodeJS.Timeout }>();
  readonly #expired: (peer: string, waiting: Waiting) => void;

  constructor(expired: (peer: string, waiting: Waiting) => void) {
    this.#expired = expired;
  }

  /** `peer` waits with `request` until `expiresAtMs`; a peer already waiting here keeps its timer. */
  wait(peer: string, room: string, request: string, expiresAtMs: number): void {
    const held = this.#byPeer.get(peer);
    if (held?.request === request) return;
    if (held !== undefined) clearTimeout(held.timer);
    const timer = setTimeout(() => {
      if (this.#byPeer.get(peer)?.request !== request) return;
      this.#byPeer.delete(peer);
      this.#expired(peer, { room, request });
    }, Math.max(0, expiresAtMs - Date.now()));
    timer.unref();
    this.#byPeer.set(peer, { room, request, timer });
  }

  has(peer: string): boolean {
    return this.#byPeer.has(peer);
  }

  /** `peer` waits no more (let in, turned away, or gone); what it was waiting for, if anything. */
  done(peer: string): Waiting | undefined {
    const held = this.#byPeer.get(peer);
    if (held === undefined) return undefined;
    clearTimeout(held.timer);
    this.#byPeer.delete(peer);
    return { room: held.room, request: held.request };
  }

  clear(): void {
    for (const { timer } of this.#byPeer.values()) clearTimeout(timer);
    this.#byPeer.clear();
  }
}
