/**
 * The call's door, as this tab knows it: who may come in (the policy the server last told
 * us), the newcomers waiting for a member's answer, what Unlock goes back to, and the pass
 * that lets us back into a room we were let into. The server decides; this only remembers
 * what it said and words our requests. The session sends them.
 */
import { signal } from '@preact/signals-core';
import type { CallId } from './call-id';
import { type JoinRequest, type JoinRequestChange, nextJoinRequests } from './join-requests';
import { type JoinPolicy, joinName, type RoomRequest } from '../signaling/room-signaling';

export class CallDoor {
  /** Who may come in, as the server last told us; null until we are in the room. */
  readonly policy = signal<JoinPolicy | null>(null);
  /** Newcomers waiting at the door for a member's answer (ours, or anyone's). */
  readonly requests = signal<readonly JoinRequest[]>([]);
  /** The door a room we open gets, and what Unlock goes back to: the last unlocked policy seen. */
  #unlocked: Exclude<JoinPolicy, 'locked'>;
  /**
   * The server's proof that we were let into the room, from the last time we entered it.
   * Shown when we join it again, it lets us back in even if the server restarted and
   * someone else opened the room anew with a door that asks, or is locked.
   */
  #pass: { readonly room: string; readonly pass: string } | null = null;

  constructor(askToJoin: boolean) {
    this.#unlocked = askToJoin ? 'ask' : 'open';
  }

  /** The server told us the room's policy; Unlock restores the last one that let people ask or walk in. */
  heard(policy: JoinPolicy): void {
    this.policy.value = policy;
    if (policy !== 'locked') this.#unlocked = policy;
  }

  /**
   * We are in the room (first, or again after a drop): the door as it is now, and our pass.
   * The requests still waiting follow from the server, so the old list goes.
   */
  entered(room: string, policy: JoinPolicy | undefined, pass: string | undefined): void {
    if (pass !== undefined) this.#pass = { room, pass };
    this.heard(policy ?? 'open');
    this.changeRequests({ type: 'entered' });
  }

  changeRequests(change: JoinRequestChange): void {
    this.requests.value = nextJoinRequests(this.requests.value, change);
  }

  /** What Lock or Unlock asks the server for. */
  policyFor(locked: boolean): JoinPolicy {
    return locked ? 'locked' : this.#unlocked;
  }

  /** Opening the room, first or again after the server forgot it: with its door as it was, so a locked call stays locked. */
  createRequest(room: CallId): RoomRequest {
    return { type: 'ROOM-CREATE', payload: { room, policy: this.policy.value ?? this.#unlocked } };
  }

  /**
   * Our name rides along, for the members to see should the room ask them to let us in,
   * and our pass once we have been in. A create needs no pass: whoever opens a room is in.
   */
  joinRequest(room: CallId, name: string): RoomRequest {
    const pass = this.#pass?.room === room ? this.#pass.pass : undefined;
    return { type: 'ROOM-JOIN', payload: { room, name: joinName(name), ...(pass === undefined ? {} : { pass }) } };
  }

  /** The call is over: nobody waits at a door we no longer keep. */
  close(): void {
    this.requests.value = [];
  }
}
