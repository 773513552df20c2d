/** What server tests expect to be sent, where part of it is not theirs to know in advance. */
import { expect } from 'vitest';
import { passPattern } from '../../signaling/admission-pass.js';
import type { ServerMessage } from './peer-socket.js';

/**
 * The ROOM-MEMBERS one let into `room` is sent: the others, the policy when the room has
 * a door, and a pass to show when it comes back (that the pass works, the restart tests
 * in ask-to-join.test.ts show).
 */
export function membersOf(room: string, members: unknown, policy?: 'open' | 'ask' | 'locked'): ServerMessage {
  const pass = expect.stringMatching(passPattern);
  return { type: 'ROOM-MEMBERS', payload: policy === undefined ? { room, members, pass } : { room, members, policy, pass } };
}
