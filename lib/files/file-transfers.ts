/**
 * Files sent to and received from everyone in the room, over each person's file lane:
 * who gets what, backpressure on each lane, cancelling, and the list the person sees.
 * Cutting a file into chunks and putting it back together is file-chunks.ts.
 */
import { signal } from '@preact/signals-core';
import { OutgoingChunks, ReceivedFile } from './file-chunks';
import { defaultChunkBytes, lowWaterBytes, shouldPause } from './file-transfer-plan';
import type { FileLane } from './file-lane';
import {
  encodeChunkHeader,
  encodeRoomMessage,
  type FileCancelReason,
  maxChunkHeaderBytes,
  maxFileBytes,
  newRoomItemId,
  parseChunk,
  parseRoomMessage,
  type RoomMessage,
  safeFileName,
  safeMime,
} from '../call/room-protocol';
import { t, tPlural } from '../i18n/i18n';

export type TransferStatus = 'active' | 'done' | 'cancelled' | 'failed';

/** One transfer as the file list shows it. */
export interface TransferView {
  readonly id: string;
  readonly direction: 'out' | 'in';
  readonly name: string;
  readonly size: number;
  /** Out: bytes handed to the slowest lane still receiving; in: bytes received. */
  readonly doneBytes: number;
  readonly status: TransferStatus;
  /** Who sent it (in) or how many it goes to (out), and how it ended, in words. */
  readonly detail: string;
  /** In, once the hash matched: a blob: URL offered as a download, never opened by us. */
  readonly downloadUrl: string | null;
}

/**
 * A view as kept here: a detail that names a person is worked out when the list is
 * published, since their name may arrive after their file does (it travels on
 * another channel).
 */
type StoredView = Omit<TransferView, 'detail'> & { readonly detail: string | (() => string) };

export type SendProblem = 'file-too-large' | 'file-no-recipients';

interface Person {
  readonly lane: FileLane;
  name(): string;
  readonly stop: () => void;
}

interface Recipient {
  readonly peerId: string;
  state: 'sending' | 'delivered' | 'failed' | 'cancelled';
  /** Bytes handed to this person's lane so far. */
  sentBytes: number;
}

interface Outgoing {
  readonly id: string;
  readonly file: Blob;
  readonly name: string;
  readonly recipients: Map<string, Recipient>;
  /** Read once for everyone; each lane takes the chunks at its own pace. */
  readonly chunks: OutgoingChunks;
  /** Every chunk and the hash went out; what remains is each receiver's verdict. */
  ended: boolean;
  cancelled: boolean;
}

interface Incoming {
  readonly id: string;
  readonly from: string;
  readonly mime: string;
  readonly file: ReceivedFile;
  /** `file-end` came and the hash is being checked: nothing more belongs to it. */
  finishing: boolean;
}
/** The list re-renders at most this often while bytes flow. */
const progressIntervalMs = 100;

export interface FileTransferOptions {
  readonly maxFileBytes?: number;
  readonly chunkBytes?: number;
  readonly now?: () => number;
  readonly createUrl?: (blob: Blob) => string;
  readonly revokeUrl?: (url: string) => void;
}

export class FileTransfers {
  readonly transfers = signal<readonly TransferView[]>([]);
  /** Frames from peers that failed validation or named no transfer of theirs. */
  readonly dropped = signal(0);
  readonly #people = new Map<string, Person>();
  readonly #views = new Map<string, StoredView>();
  readonly #outgoing = new Map<string, Outgoing>();
  readonly #incoming = new Map<string, Incoming>();
  readonly #maxFileBytes: number;
  readonly #chunkBytes: number;
  readonly #now: () => number;
  readonly #createUrl: (blob: Blob) => string;
  readonly #revokeUrl: (url: string) => void;
  #lastPublishMs = 0;
  #trailing: ReturnType<typeof setTimeout> | undefined;

  constructor(options: FileTransferOptions = {}) {
    this.#maxFileBytes = options.maxFileBytes ?? maxFileBytes;
    this.#chunkBytes = options.chunkBytes ?? defaultChunkBytes;
    this.#now = options.now ?? Date.now;
    this.#createUrl = options.createUrl ?? ((blob) => URL.createObjectURL(blob));
    this.#revokeUrl = options.revokeUrl ?? ((url) => URL.revokeObjectURL(url));
  }

  addPerson(peerId: string, lane: FileLane, name: () => string): void {
    if (this.#people.has(peerId)) return;
    const stop = lane.onFrame((frame) => this.#receive(peerId, frame));
    this.#people.set(peerId, { lane, name, stop });
  }

  /** Someone left: what they were sending fails, and they drop out of what we send. */
  removePerson(peerId: string): void {
    this.#dropPerson(peerId, (name) => t('files.senderLeft', { name }));
  }

  /**
   * Someone's connection was replaced by a new one (a redial after the old one broke):
   * what was in flight on the old lane fails with that reason, and new files use the new lane.
   */
  replaceLane(peerId: string, lane: FileLane): void {
    const person = this.#people.get(peerId);
    if (!person) return;
    this.#dropPerson(peerId, (name) => t('files.connectionLost', { name }));
    this.addPerson(peerId, lane, person.name);
  }

  #dropPerson(peerId: string, why: (name: string) => string): void {
    const person = this.#people.get(peerId);
    if (!person) return;
    person.stop();
    this.#people.delete(peerId);
    for (const incoming of [...this.#incoming.values()]) {
      if (incoming.from === peerId) this.#endIncoming(incoming, 'failed', why(person.name()));
    }
    for (const outgoing of this.#outgoing.values()) {
      const recipient = outgoing.recipients.get(peerId);
      if (recipient?.state === 'sending') recipient.state = 'failed';
      outgoing.chunks.retire(peerId);
      this.#settleOutgoing(outgoing);
    }
    this.#publish(true);
  }

  /** Offers a file to everyone here now; returns why it cannot be sent, or null. */
  send(file: Blob & { readonly name?: string }): SendProblem | null {
    if (file.size > this.#maxFileBytes) return 'file-too-large';
    const open = [...this.#people.entries()].filter(([, person]) => person.lane.open);
    if (open.length === 0) return 'file-no-recipients';
    const id = newRoomItemId();
    const peerIds = open.map(([peerId]) => peerId);
    const outgoing: Outgoing = {
      id,
      file,
      name: safeFileName(file.name ?? '') ?? 'file',
      recipients: new Map(peerIds.map((peerId) => [peerId, { peerId, state: 'sending', sentBytes: 0 }])),
      chunks: new OutgoingChunks(file, this.#chunkBytes, peerIds, { header: (index) => encodeChunkHeader(id, index), maxHeaderBytes: maxChunkHeaderBytes }),
      ended: false,
      cancelled: false,
    };
    this.#outgoing.set(outgoing.id, outgoing);
    this.#viewOutgoing(outgoing);
    this.#publish(true);
    void this.#pump(outgoing, safeMime(file.type));
    return null;
  }

  /** The sender stops for everyone; a receiver stops receiving and tells the sender. */
  cancel(id: string): void {
    const outgoing = this.#outgoing.get(id);
    if (outgoing && this.#views.get(id)?.status === 'active') {
      outgoing.cancelled = true;
      outgoing.chunks.close();
      for (const recipient of outgoing.recipients.values()) {
        if (recipient.state !== 'sending') continue;
        recipient.state = 'cancelled';
        this.#tell(recipient.peerId, { v: 1, type: 'file-cancel', transferId: id, reason: 'sender-cancelled' });
      }
      this.#setView(id, { status: 'cancelled', detail: t('files.youCancelledSending') });
      return this.#publish(true);
    }
    const incoming = this.#incoming.get(id);
    if (incoming) {
      this.#tell(incoming.from, { v: 1, type: 'file-cancel', transferId: id, reason: 'receiver-cancelled' });
      this.#endIncoming(incoming, 'cancelled', t('files.youCancelledReceiving'));
    }
  }

  /** Shows the list again, as when someone's name has just arrived. */
  refresh(): void {
    this.#publish(true);
  }

  /** Stops everything and frees every download. */
  dispose(): void {
    for (const outgoing of this.#outgoing.values()) {
      outgoing.cancelled = true;
      outgoing.chunks.close();
    }
    for (const person of this.#people.values()) person.stop();
    this.#people.clear();
    this.#incoming.clear();
    clearTimeout(this.#trailing);
    for (const view of this.#views.values()) if (view.downloadUrl) this.#revokeUrl(view.downloadUrl);
    this.#views.clear();
    this.transfers.value = [];
  }

  async #pump(outgoing: Outgoing, mime: string): Promise<void> {
    const { id, file } = outgoing;
    const offer = { v: 1, type: 'file-offer', transferId: id, name: outgoing.name, size: file.size, mime, chunkBytes: this.#chunkBytes } as const;
    for (const recipient of outgoing.recipients.values()) this.#tell(recipient.peerId, offer);
    // Each lane drains at its own pace; one slow receiver holds the others back only
    // once it falls a whole lead window behind.
    try {
      await Promise.all([...outgoing.recipients.values()].map((recipient) => this.#sendTo(outgoing, recipient)));
    } catch (error) {
      // Reading the file or hashing it failed: nobody can get a copy that checks out.
      console.warn('PeerCall: a file could not be read or hashed', error);
      return this.#abandon(outgoing);
    }
    if (!this.#stillSending(outgoing)) return;
    outgoing.ended = true;
    this.#viewOutgoing(outgoing);
    this.#publish(true);
  }

  /** Every chunk to one person, then the file's hash; any reason to stop ends only this lane. */
  async #sendTo(outgoing: Outgoing, recipient: Recipient): Promise<void> {
    const { chunks } = outgoing;
    const live = () => recipient.state === 'sending' && !outgoing.cancelled;
    try {
      for (let index = 0; index < chunks.count; index++) {
        const frame = await chunks.frame(recipient.peerId, index);
        const lane = this.#people.get(recipient.peerId)?.lane;
        if (!frame || !lane || !live()) return;
        // Wait for the browser's queue to drain rather than grow it: this is what keeps
        // a large file out of memory.
        if (shouldPause(lane.bufferedBytes)) await lane.drained(lowWaterBytes);
        if (!live()) return;
        if (!lane.send(frame)) {
          recipient.state = 'failed';
          this.#settleOutgoing(outgoing);
          return this.#publish(true);
        }
        chunks.sent(recipient.peerId, index);
        recipient.sentBytes = chunks.endOf(index);
        this.#publish(false);
      }
    } finally {
      chunks.retire(recipient.peerId);
    }
    const sha256 = await chunks.sha256();
    if (live()) this.#tell(recipient.peerId, { v: 1, type: 'file-end', transferId: outgoing.id, sha256 });
  }

  #abandon(outgoing: Outgoing): void {
    outgoing.chunks.close();
    for (const recipient of outgoing.recipients.values()) {
      if (recipient.state !== 'sending') continue;
      recipient.state = 'failed';
      this.#tell(recipient.peerId, { v: 1, type: 'file-cancel', transferId: outgoing.id, reason: 'failed' });
    }
    this.#settleOutgoing(outgoing);
    this.#publish(true);
  }

  #stillSending(outgoing: Outgoing): boolean {
    return !outgoing.cancelled && [...outgoing.recipients.values()].some((r) => r.state === 'sending');
  }

  #receive(peerId: string, frame: string | ArrayBuffer): void {
    if (typeof frame !== 'string') return this.#receiveChunk(peerId, frame);
    const message = parseRoomMessage(frame);
    if (!message) return this.#drop();
    switch (message.type) {
      case 'file-offer': {
        if (this.#incoming.has(message.transferId) || this.#views.has(message.transferId)) return this.#drop();
        const incoming: Incoming = { id: message.transferId, from: peerId, mime: message.mime, file: new ReceivedFile(message), finishing: false };
        this.#incoming.set(incoming.id, incoming);
        this.#setView(incoming.id, {
          id: incoming.id,
          direction: 'in',
          name: message.name,
          size: message.size,
          doneBytes: 0,
          status: 'active',
          detail: this.#naming(peerId, (name) => t('files.from', { name })),
          downloadUrl: null,
        });
        return this.#publish(true);
      }
      case 'file-end':
        return void this.#finishIncoming(peerId, message.transferId, message.sha256);
      case 'file-cancel':
        return this.#onCancel(peerId, message.transferId, message.reason);
      case 'file-done':
      case 'file-failed': {
        const recipient = this.#outgoing.get(message.transferId)?.recipients.get(peerId);
        if (!recipient || recipient.state !== 'sending') return this.#drop();
        recipient.state = message.type === 'file-done' ? 'delivered' : 'failed';
        this.#settleOutgoing(this.#outgoing.get(message.transferId)!);
        return this.#publish(true);
      }
      default:
        // Chat and media state travel on the control channel, never here.
        return this.#drop();
    }
  }

  #receiveChunk(peerId: string, frame: ArrayBuffer): void {
    const chunk = parseChunk(frame);
    const incoming = chunk ? this.#incoming.get(chunk.transferId) : undefined;
    if (!chunk || !incoming || incoming.from !== peerId) return this.#drop();
    const rejected = incoming.file.accept(chunk.index, chunk.payload);
    if (rejected) {
      this.#tell(peerId, { v: 1, type: 'file-failed', transferId: incoming.id, reason: 'size-mismatch' });
      return this.#endIncoming(incoming, 'failed', t('files.damaged', { name: this.#nameOf(peerId), reason: rejected }));
    }
    this.#publish(false);
  }

  async #finishIncoming(peerId: string, id: string, sha256: string): Promise<void> {
    const incoming = this.#incoming.get(id);
    if (!incoming || incoming.from !== peerId || incoming.finishing) return this.#drop();
    incoming.finishing = true;
    let whole: Awaited<ReturnType<ReceivedFile['finish']>>;
    try {
      whole = await incoming.file.finish(sha256, incoming.mime);
    } catch (error) {
      console.warn('PeerCall: a received file could not be hashed', error);
      if (this.#incoming.get(id) !== incoming) return;
      this.#tell(peerId, { v: 1, type: 'file-cancel', transferId: id, reason: 'failed' });
      return this.#endIncoming(incoming, 'failed', t('files.cannotCheck'));
    }
    // Cancelled, or the sender left, while the last bytes were hashed.
    if (this.#incoming.get(id) !== incoming) return;
    if (whole === 'ended-early') {
      this.#tell(peerId, { v: 1, type: 'file-failed', transferId: id, reason: 'size-mismatch' });
      return this.#endIncoming(incoming, 'failed', t('files.endedEarly', { name: this.#nameOf(peerId) }));
    }
    if (whole === 'hash-mismatch') {
      this.#tell(peerId, { v: 1, type: 'file-failed', transferId: id, reason: 'hash-mismatch' });
      return this.#endIncoming(incoming, 'failed', t('files.badChecksum', { name: this.#nameOf(peerId) }));
    }
    const url = this.#createUrl(whole);
    this.#incoming.delete(id);
    this.#tell(peerId, { v: 1, type: 'file-done', transferId: id });
    this.#setView(id, { status: 'done', doneBytes: whole.size, detail: this.#naming(peerId, (name) => t('files.fromVerified', { name })), downloadUrl: url });
    this.#publish(true);
  }

  #onCancel(peerId: string, id: string, reason: FileCancelReason): void {
    const incoming = this.#incoming.get(id);
    if (incoming && incoming.from === peerId) {
      return this.#endIncoming(incoming, 'cancelled', t('files.senderStopped', { name: this.#nameOf(peerId) }));
    }
    const outgoing = this.#outgoing.get(id);
    const recipient = outgoing?.recipients.get(peerId);
    if (!outgoing || !recipient || recipient.state !== 'sending') return this.#drop();
    recipient.state = reason === 'failed' ? 'failed' : 'cancelled';
    this.#settleOutgoing(outgoing);
    this.#publish(true);
  }

  #endIncoming(incoming: Incoming, status: 'cancelled' | 'failed', detail: string): void {
    this.#incoming.delete(incoming.id);
    incoming.file.discard();
    this.#setView(incoming.id, { status, detail });
    this.#publish(true);
  }

  /** An outgoing file is over once nobody is still waiting for bytes or a verdict. */
  #settleOutgoing(outgoing: Outgoing): void {
    const view = this.#views.get(outgoing.id);
    if (!view || view.status !== 'active') return;
    const states = [...outgoing.recipients.values()].map((r) => r.state);
    if (states.includes('sending')) return this.#viewOutgoing(outgoing);
    const delivered = states.filter((s) => s === 'delivered').length;
    const missed = states.length - delivered;
    if (delivered === 0) {
      const allCancelled = states.every((s) => s === 'cancelled');
      return this.#setView(outgoing.id, {
        status: allCancelled ? 'cancelled' : 'failed',
        detail: allCancelled ? t('files.allDeclined') : t('files.nobodyReceived'),
      });
    }
    this.#setView(outgoing.id, {
      status: 'done',
      doneBytes: outgoing.file.size,
      detail: missed > 0 ? t('files.deliveredPartly', { people: people(delivered), missed: people(missed) }) : t('files.delivered', { people: people(delivered) }),
    });
  }

  #viewOutgoing(outgoing: Outgoing): void {
    const receiving = [...outgoing.recipients.values()].filter((r) => r.state === 'sending');
    const sending = receiving.length;
    const previous = this.#views.get(outgoing.id);
    if (previous && previous.status !== 'active') return;
    this.#views.set(outgoing.id, {
      id: outgoing.id,
      direction: 'out',
      name: outgoing.name,
      size: outgoing.file.size,
      doneBytes: sending === 0 ? outgoing.file.size : Math.min(...receiving.map((r) => r.sentBytes)),
      status: 'active',
      detail: outgoing.ended ? t('files.awaitingConfirmation', { people: people(sending) }) : t('files.sendingTo', { people: people(outgoing.recipients.size) }),
      downloadUrl: null,
    });
  }

  #setView(id: string, change: Partial<StoredView>): void {
    const previous = this.#views.get(id);
    this.#views.set(id, { ...(previous as StoredView), ...change });
  }

  /** A detail naming the person, as they are called whenever the list is shown (even after they left). */
  #naming(peerId: string, say: (name: string) => string): () => string {
    const person = this.#people.get(peerId);
    return () => say(person?.name() ?? t('common.someone'));
  }

  #tell(peerId: string, message: RoomMessage): void {
    this.#people.get(peerId)?.lane.send(encodeRoomMessage(message));
  }

  #nameOf(peerId: string): string {
    return this.#people.get(peerId)?.name() ?? t('common.someone');
  }

  #drop(): void {
    this.dropped.value += 1;
  }

  #publish(force: boolean): void {
    const now = this.#now();
    if (!force && now - this.#lastPublishMs < progressIntervalMs) {
      // The bar must not freeze short of where it is when the bytes stop for a while.
      this.#trailing ??= setTimeout(() => this.#publish(true), progressIntervalMs - (now - this.#lastPublishMs));
      return;
    }
    clearTimeout(this.#trailing);
    this.#trailing = undefined;
    this.#lastPublishMs = now;
    // Progress is read off the transfers here, not written per chunk: chunks come by the thousand.
    for (const outgoing of this.#outgoing.values()) this.#viewOutgoing(outgoing);
    for (const incoming of this.#incoming.values()) this.#setView(incoming.id, { doneBytes: incoming.file.receivedBytes });
    this.transfers.value = [...this.#views.values()].map((view) => ({ ...view, detail: typeof view.detail === 'function' ? view.detail() : view.detail }));
  }
}

function people(count: number): string {
  return tPlural('people', count);
}
