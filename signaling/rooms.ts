/**
 * Who is in which room. Pure bookkeeping: the server feeds it joins, leaves and
 * disconnects, and sends whatever notices it returns. Nothing here can list rooms
 * or peers without a room ID, so knowing a room's ID is what lets you in.
 */
export type RoomRefusal = 'room-unknown' | 'room-full' | 'room-exists';

export interface Notice {
  readonly to: string;
  readonly event: 'peer-joined' | 'peer-left';
  readonly room: string;
  readonly peer: string;
}

export type JoinOutcome =
  | { ok: true; members: readonly string[]; notices: readonly Notice[] }
  | { ok: false; refusal: RoomRefusal; notices: readonly Notice[] };

export class RoomRegistry {
  readonly #capacity: number;
  readonly #members = new Map<string, Set<string>>();
  readonly #roomOf = new Map<string, string>();

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  get roomCount(): number {
    return this.#members.size;
  }

  roomOf(peer: string): string | undefined {
    return this.#roomOf.get(peer);
  }

  /** Who is in `room` (none when it does not exist). */
  membersOf(room: string): readonly string[] {
    return [...(this.#members.get(room) ?? [])];
  }

  /** Starts a room with its creator in it. */
  create(room: string, peer: string): JoinOutcome {
    if (this.#members.has(room)) return { ok: false, refusal: 'room-exists', notices: [] };
    const notices = this.leave(peer);
    this.#members.set(room, new Set([peer]));
    this.#roomOf.set(peer, room);
    return { ok: true, members: [], notices };
  }

  /** Adds a peer to an existing room; it learns the members, and they learn of it. */
  join(room: string, peer: string): JoinOutcome {
    const members = this.#members.get(room);
    if (members === undefined) return { ok: false, refusal: 'room-unknown', notices: [] };
    if (members.has(peer)) return { ok: true, members: [...members].filter((m) => m !== peer), notices: [] };
    if (members.size >= this.#capacity) return { ok: false, refusal: 'room-full', notices: [] };
    // Leaving the old room first may empty and delete it; the target room is already in hand.
    const notices = [...this.leave(peer)];
    const others = [...members];
    members.add(peer);
    this.#roomOf.set(peer, room);
    for (const to of others) notices.push({ to, event: 'peer-joined', room, peer });
    return { ok: true, members: others, notices };
  }

  /** Removes a peer from its room (if any); the room ends when its last member goes. */
  leave(peer: string): Notice[] {
    const room = this.#roomOf.get(peer);
    if (room === undefined) return [];
    this.#roomOf.delete(peer);
    const members = this.#members.get(room);
    if (members === undefined) return [];
    members.delete(peer);
    if (members.size === 0) this.#members.delete(room);
    return [...members].map((to) => ({ to, event: 'peer-left', room, peer }));
  }
}
