/**
 * Files travel on a channel of their own beside each call: reliable and ordered, so a
 * file's offer, chunks and end arrive in order, and with its own backpressure.
 */
import { Emitter, type Unsubscribe } from '../call/emitter';

/**
 * A reliable, ordered channel to one person for files: the offer, its chunks and its end
 * must arrive in order, which the control channel (unordered, for fresh state) does not promise.
 */
export interface FileLane {
  readonly open: boolean;
  /** Bytes queued in the browser and not yet handed to the network. */
  readonly bufferedBytes: number;
  /** Queues a frame; false when the lane is not open. */
  send(frame: string | Uint8Array): boolean;
  /** Resolves once the queue has drained to `lowWaterBytes`, or the lane closed. */
  drained(lowWaterBytes: number): Promise<void>;
  /** Text frames are protocol messages, binary frames file chunks; both still unvalidated. */
  onFrame(listener: (frame: string | ArrayBuffer) => void): Unsubscribe;
}

/**
 * The file lane is a data channel both sides create with the same fixed ID (negotiated),
 * beside the one PeerJS opens, so it needs no extra offer and PeerJS never sees it.
 */
const fileChannelId = 100;

export class ChannelFileLane implements FileLane {
  readonly #channel: RTCDataChannel;
  readonly #frames = new Emitter<string | ArrayBuffer>();
  readonly #waiters = new Set<() => void>();

  constructor(pc: RTCPeerConnection) {
    this.#channel = pc.createDataChannel('peercall-files', { negotiated: true, id: fileChannelId, ordered: true });
    this.#channel.binaryType = 'arraybuffer';
    this.#channel.addEventListener('message', (event: MessageEvent) => {
      if (typeof event.data === 'string' || event.data instanceof ArrayBuffer) this.#frames.emit(event.data);
    });
    const wake = () => {
      for (const waiter of [...this.#waiters]) waiter();
    };
    this.#channel.addEventListener('bufferedamountlow', wake);
    this.#channel.addEventListener('close', wake);
  }

  get open(): boolean {
    return this.#channel.readyState === 'open';
  }
  get bufferedBytes(): number {
    return this.#channel.bufferedAmount;
  }

  send(frame: string | Uint8Array): boolean {
    if (!this.open) return false;
    if (typeof frame === 'string') this.#channel.send(frame);
    else this.#channel.send(frame as Uint8Array<ArrayBuffer>);
    return true;
  }

  drained(lowWaterBytes: number): Promise<void> {
    if (!this.open || this.#channel.bufferedAmount <= lowWaterBytes) return Promise.resolve();
    this.#channel.bufferedAmountLowThreshold = lowWaterBytes;
    return new Promise((resolve) => {
      const done = () => {
        if (this.open && this.#channel.bufferedAmount > lowWaterBytes) return;
        this.#waiters.delete(done);
        resolve();
      };
      this.#waiters.add(done);
    });
  }

  onFrame(listener: (frame: string | ArrayBuffer) => void): Unsubscribe {
    return this.#frames.on(listener);
  }

  close(): void {
    this.#frames.clear();
    this.#channel.close();
    for (const waiter of [...this.#waiters]) waiter();
  }
}
