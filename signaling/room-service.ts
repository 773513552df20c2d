/**
 * Rooms on top of PeerServer: listens to its connection, message and disconnect
 * events, keeps the registry, and answers each room request on the sender's socket.
 */
import type { IClient, PeerServerEvents } from 'peer';
import { membersMessage, noticeMessage, parseRoomRequest, roomErrorMessage } from './room-messages.js';
import { type Notice, RoomRegistry } from './rooms.js';

export interface RoomService {
  readonly roomCount: () => number;
}

export function serveRooms(peerServer: PeerServerEvents, capacity: number): RoomService {
  const registry = new RoomRegistry(capacity);
  const clients = new Map<string, IClient>();
  const deliver = (notices: readonly Notice[]) => {
    for (const notice of notices) clients.get(notice.to)?.send(noticeMessage(notice));
  };

  peerServer.on('connection', (client) => clients.set(client.getId(), client));
  peerServer.on('disconnect', (client) => {
    // A reconnect under the same ID may already have replaced this client.
    if (clients.get(client.getId()) !== client) return;
    clients.delete(client.getId());
    deliver(registry.leave(client.getId()));
  });
  peerServer.on('message', (client, message) => {
    const request = parseRoomRequest(message);
    if (request === null) return;
    const peer = client.getId();
    switch (request.type) {
      case 'invalid':
        return client.send(roomErrorMessage('bad-request'));
      case 'ROOM-LEAVE':
        return deliver(registry.leave(peer));
      case 'ROOM-CREATE':
      case 'ROOM-JOIN': {
        const outcome = request.type === 'ROOM-CREATE' ? registry.create(request.room, peer) : registry.join(request.room, peer);
        deliver(outcome.notices);
        client.send(outcome.ok ? membersMessage(request.room, outcome.members) : roomErrorMessage(outcome.refusal));
      }
    }
  });
  return { roomCount: () => registry.roomCount };
}
