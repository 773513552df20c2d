/**
 * Answers a peer's room requests. A peer's token names the one room it may enter
 * (by hash), so an ID issued for one room cannot be walked into another. The door's
 * requests (policy, admit, deny) are about the asker's own room: being a member of it
 * is what lets a peer make them. A pass (admission-pass.ts) is checked against the
 * socket's own ID, so a pass another peer was given lets nobody else in.
 */
import type { EntryOutcome, Hub } from './hub.js';
import type { Metrics } from './metrics.js';
import { enteredMessages, type RoomRequest, roomErrorMessage, waitingMessage } from './room-messages.js';
import { roomTag } from './tokens.js';

export async function handleRoomRequest(
  hub: Hub,
  metrics: Metrics,
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
      const outcome =
        request.type === 'ROOM-CREATE'
          ? await hub.create(request.room, who.id, request.policy ?? 'open')
          : await hub.join(request.room, who.id, request.name ?? '', request.pass);
      return answerEntry(request.room, outcome, metrics, reply);
    }
    case 'ROOM-POLICY': {
      const outcome = await hub.setPolicy(who.id, request.policy);
      // A member hears the new policy with everyone else; only a refusal is answered here.
      if (!outcome.ok) reply(roomErrorMessage(outcome.code));
      return;
    }
    case 'ROOM-ADMIT':
    case 'ROOM-DENY': {
      const verdict = request.type === 'ROOM-ADMIT' ? 'admit' : 'deny';
      const outcome = await hub.answer(who.id, request.request, verdict);
      if (!outcome.ok) return reply(roomErrorMessage(outcome.code));
      if (verdict === 'deny') metrics.joinRefused('denied');
    }
  }
}

function answerEntry(room: string, outcome: EntryOutcome, metrics: Metrics, reply: (message: object) => void): void {
  if (outcome.ok === 'waiting') return reply(waitingMessage(room));
  if (outcome.ok) {
    for (const message of enteredMessages(room, outcome.members, outcome.door, outcome.pass)) reply(message);
    return;
  }
  if (outcome.refusal === 'join-denied') metrics.joinRefused('denied');
  if (outcome.refusal === 'room-locked') metrics.joinRefused('locked');
  if (outcome.refusal === 'waiting-full') metrics.joinRefused('waiting-full');
  reply(roomErrorMessage(outcome.refusal));
}
