/**
 * What the call sees of one other person's connection, whatever carries it: the one
 * RTCPeerConnection, its control messages and file lane, and how it ends. PeerJS is
 * behind it (peer-transport.ts); nothing here knows that.
 */
import type { RoomMessage } from '../call/room-protocol';
import type { Unsubscribe } from '../call/emitter';
import type { FileLane } from '../files/file-lane';

/** `turn-refused`: relay-only, and the TURN server refused our credentials, so no path can exist. */
export type RemoteEnd = 'left' | 'failed' | 'turn-refused';

/** Whether the call's network path carries packets: `lost` when ICE is disconnected or failed. */
export type TransportState = 'connected' | 'lost';

export interface RemotePeer {
  readonly remoteId: string;
  /** The one RTCPeerConnection of this call; its senders are what replaceTrack acts on. */
  readonly peerConnection: RTCPeerConnection;
  readonly files: FileLane;
  onStream(listener: (stream: MediaStream) => void): Unsubscribe;
  /** ICE found a working path: media can flow. The stream arrives earlier, with the answer. */
  onConnected(listener: () => void): Unsubscribe;
  onControl(listener: (message: RoomMessage) => void): Unsubscribe;
  onEnded(listener: (why: RemoteEnd) => void): Unsubscribe;
  /** After the first connection: the path was lost, or found again (after an ICE restart, say). */
  onTransport(listener: (state: TransportState) => void): Unsubscribe;
  /** A message from this peer failed validation and was dropped. */
  onMalformed(listener: () => void): Unsubscribe;
  sendControl(message: RoomMessage): void;
  /** Offers the other side a new ICE path on the same connection (through the signaling server). */
  restartIce(): Promise<void>;
  /** When a restart's offer and answer last went through, either way round; null before any. */
  readonly restartExchangedAtMs: number | null;
  close(): void;
}

export interface IncomingCall {
  readonly remoteId: string;
  answer(stream: MediaStream): RemotePeer;
  reject(): void;
}
