/**
 * Answers a peer's room requests. A peer's token names the one room it may enter
 * (by hash), so an ID issued for one room cannot be walked into another.
 */
import type { Hub } from './hub.js';
import { membersMessage, roomErrorMessage, type RoomRequest } from './room-messages.js';
import { roomTag } from './tokens.js';

export async function handleRoomRequest(
  hub: Hub,
  who: { readonly id: string; readonly roomTag: string },
  request: RoomRequest | { type: 'invalid' },
  reply: (message: object) => void,
): Promise<void> {
  switch (request.type) {
    case 'invalid':
      return reply(roomErrorMessage('bad-request'));
    case 'ROOM-LEAVE':
      return hub.leave(who.id);
    case 'ROOM-CREATE':
    case 'ROOM-JOIN': {
      if (roomTag(request.room) !== who.roomTag) return reply(roomErrorMessage('not-allowed'));
      const outcome = request.type === 'ROOM-CREATE' ? await hub.create(request.room, who.id) : await hub.join(request.room, who.id);
      reply(outcome.ok ? membersMessage(request.room, outcome.members) : roomErrorMessage(outcome.refusal));
    }
  }
}
