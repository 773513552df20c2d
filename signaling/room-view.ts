/**
 * What one node knows of the rooms its own peers are in: each local peer's room, and
 * every member of those rooms wherever they are connected. It learns from its peers'
 * own joins and leaves and from the notices they are sent, so a relay between
 * room-mates is allowed, and one to a stranger refused, without asking Redis. Pure.
 */
export class RoomView {
  readonly #roomOf = new Map<string, string>();
  readonly #members = new Map<string, Set<string>>();
  readonly #localIn = new Map<string, number>();

  /** A local peer is in `room` with `others` (its own joins, or its room read back on attach). */
  enter(peer: string, room: string, others: readonly string[]): void {
    this.leave(peer);
    this.#roomOf.set(peer, room);
    this.#localIn.set(room, (this.#localIn.get(room) ?? 0) + 1);
    const members = this.#members.get(room) ?? new Set<string>();
    for (const other of others) members.add(other);
    members.add(peer);
    this.#members.set(room, members);
  }

  /** A local peer left its room, or its socket here is gone. */
  leave(peer: string): void {
    const room = this.#roomOf.get(peer);
    if (room === undefined) return;
    this.#roomOf.delete(peer);
    const left = (this.#localIn.get(room) ?? 1) - 1;
    if (left > 0) {
      this.#localIn.set(room, left);
      this.#members.get(room)?.delete(peer);
      return;
    }
    // No local member remains: nothing here needs the room any more.
    this.#localIn.delete(room);
    this.#members.delete(room);
  }

  /** A notice to a local member: someone joined or left its room. */
  noticed(event: 'peer-joined' | 'peer-left', room: string, peer: string): void {
    const members = this.#members.get(room);
    if (members === undefined || this.#roomOf.has(peer)) return;
    if (event === 'peer-joined') members.add(peer);
    else members.delete(peer);
  }

  roomOf(peer: string): string | undefined {
    return this.#roomOf.get(peer);
  }

  /** Whether `to` is known to share the room of the local peer `from`. */
  together(from: string, to: string): boolean {
    const room = this.#roomOf.get(from);
    return room !== undefined && (this.#members.get(room)?.has(to) ?? false);
  }
}
