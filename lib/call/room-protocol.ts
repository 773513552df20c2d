/**
 * What crosses the data channels between room members. Messages travel as JSON text
 * and file chunks as binary frames, so `typeof data === 'string'` tells them apart.
 * Everything a peer sends is hostile until a parser here says otherwise.
 */
export const roomProtocolVersion = 1;
/**
 * Just above the largest honest message, a chat at its limit: 4000 code points of at
 * most 4 UTF-8 bytes, as the only controls allowed (\t \n \r) cost JSON 2 bytes, not
 * the 6 of a \u00XX escape. It is also the size every WebRTC stack delivers whole.
 */
export const maxRoomMessageBytes = 16 * 1024;
export const maxDisplayNameChars = 40;
export const maxChatChars = 4000;
export const maxFileNameChars = 255;
export const maxMimeChars = 100;
export const maxFileBytes = 2 * 1024 ** 3;
export const minChunkBytes = 16 * 1024;
export const maxChunkBytes = 256 * 1024;
export const chunkFrameVersion = 1;
/** Version, ID length, the longest ID, then the chunk index. */
export const maxChunkHeaderBytes = 1 + 1 + 64 + 4;
export const fallbackMime = 'application/octet-stream';
/** Largest box side a `shown-size` may name: an 8K screen. */
export const maxShownSidePx = 7680;

export const fileCancelReasons = ['sender-cancelled', 'receiver-cancelled', 'failed'] as const;
export const fileFailedReasons = ['hash-mismatch', 'too-large', 'size-mismatch'] as const;
export type FileCancelReason = (typeof fileCancelReasons)[number];
export type FileFailedReason = (typeof fileFailedReasons)[number];
/**
 * The reactions anyone can send, by name: the glyph drawn and the name a screen reader
 * says are the UI's, and a name has no emoji variants (❤ and ❤️) to tell apart.
 */
export const reactions = ['thumbs-up', 'clap', 'heart', 'laugh', 'surprised', 'party'] as const;
export type Reaction = (typeof reactions)[number];

export type RoomMessage =
  /** Sent first on every connection so tiles and chat show a name, not a peer ID. */
  | { v: 1; type: 'hello'; name: string }
  /** Full state, not a delta, so a receiver only needs the newest; see `isNewer`. */
  /**
   * `sharingScreen`: what goes out on the video sender is a shared screen, so the others
   * give it the presenter layout. A sender from before it existed leaves it out: false.
   */
  | { v: 1; type: 'media-state'; seq: number; micMuted: boolean; cameraOff: boolean; sharingScreen: boolean }
  | { v: 1; type: 'chat'; id: string; text: string; sentAtMs: number }
  /** Announces a file; its chunks follow on the same ordered channel. */
  | { v: 1; type: 'file-offer'; transferId: string; name: string; size: number; mime: string; chunkBytes: number }
  /**
   * After the last chunk: the whole file's SHA-256. The sender hashes as it reads, so
   * a file is read once and never held whole; the receiver hashes as it receives.
   */
  | { v: 1; type: 'file-end'; transferId: string; sha256: string }
  | { v: 1; type: 'file-cancel'; transferId: string; reason: FileCancelReason }
  /** The receiver's SHA-256 matched the offer's: the sender can show "delivered". */
  | { v: 1; type: 'file-done'; transferId: string }
  | { v: 1; type: 'file-failed'; transferId: string; reason: FileFailedReason }
  /** Sent on Leave so the others drop the tile at once instead of waiting for a timeout. */
  | { v: 1; type: 'bye' }
  /**
   * The box (device pixels) the sender of this message draws our video in, so we encode
   * no more than it shows. Rounded up to a step; sent when it changes.
   */
  | { v: 1; type: 'shown-size'; width: number; height: number }
  /** Floats over the sender's tile for a moment and is gone: never stored, never sent again. */
  | { v: 1; type: 'reaction'; reaction: Reaction }
  /**
   * Whether the sender's hand is up: full state with its own `seq`, like media-state, and
   * sent again on each new connection so a late joiner sees it. `raisedAtMs` is on the
   * sender's clock, so every screen orders hands alike; a sender who lies about it moves
   * only their own place in the queue.
   */
  | { v: 1; type: 'hand'; seq: number; raised: true; raisedAtMs: number }
  | { v: 1; type: 'hand'; seq: number; raised: false }
  /**
   * Whether the sender is recording the call, so everyone's screen says so: full state with
   * its own `seq`, like hand, and sent again on each new connection so a late joiner is told.
   */
  | { v: 1; type: 'recording'; seq: number; recording: boolean };

const urlSafeId = /^[A-Za-z0-9_-]{8,64}$/;
const sha256Hex = /^[0-9a-f]{64}$/;
const simpleMime = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/;
// Lone surrogates have no UTF-8 form; bidi overrides can make "fdp.exe" read as "exe.pdf".
const unsafeNameChar = /[\p{Cc}\p{Cs}\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;
// Chat keeps bidi marks (right-to-left writers need them) and line breaks.
const unsafeChatChar = /[\0-\x08\x0b\x0c\x0e-\x1f\p{Cs}]/u;
const utf8 = new TextEncoder();

const codePoints = (text: string): number => Array.from(text).length;

/** Trimmed, 1..40 characters, no controls or direction overrides; null when unusable. */
export function normalizeDisplayName(text: string): string | null {
  const name = text.trim();
  // Cheap bound first: a pasted novel should not be split into code points.
  if (name === '' || name.length > maxDisplayNameChars * 2 || unsafeNameChar.test(name)) return null;
  return codePoints(name) <= maxDisplayNameChars ? name : null;
}

/** Trimmed, 1..4000 characters, no NUL or other controls except tabs and line breaks. */
export function normalizeChatText(text: string): string | null {
  const chat = text.trim();
  if (chat === '' || chat.length > maxChatChars * 2 || unsafeChatChar.test(chat)) return null;
  return codePoints(chat) <= maxChatChars ? chat : null;
}

/**
 * The name a received file may be saved under: the base name only, so a sender's
 * "../../etc/passwd" or "C:\x\y.txt" never names a directory. A name ending in a
 * separator names a directory, not a file, and is refused.
 */
export function safeFileName(name: string): string | null {
  const base = (name.split(/[/\\]/).pop() ?? '').replace(new RegExp(unsafeNameChar.source, 'gu'), '').trim();
  if (base === '' || base === '.' || base === '..' || codePoints(base) > maxFileNameChars) return null;
  return base;
}

/** Anything but a plain `type/subtype` becomes octet-stream, which browsers only ever download. */
export function safeMime(mime: string): string {
  const lower = mime.trim().toLowerCase();
  return lower.length <= maxMimeChars && simpleMime.test(lower) ? lower : fallbackMime;
}

/**
 * Whether a media state should replace the last one applied. `lastSeq` is per
 * connection: forget it when the connection closes, as a rejoining peer counts from 0.
 */
export function isNewer(lastSeq: number | undefined, seq: number): boolean {
  return lastSeq === undefined || seq > lastSeq;
}

/** A chat or transfer ID: 22 characters of 64, 132 random bits, so peers never collide. */
export function newRoomItemId(random: (bytes: Uint8Array) => Uint8Array = (b) => crypto.getRandomValues(b)): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  let id = '';
  // 64 divides 256, so masking keeps every symbol equally likely.
  for (const byte of random(new Uint8Array(22))) id += alphabet[byte & 63];
  return id;
}

export function encodeRoomMessage(message: RoomMessage): string {
  return JSON.stringify(message);
}

function oneOf<T extends string>(value: unknown, options: readonly T[]): T | null {
  return typeof value === 'string' && (options as readonly string[]).includes(value) ? (value as T) : null;
}

const isUint = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;
const isTimeMs = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value) && value > 0;

export function parseRoomMessage(data: unknown): RoomMessage | null {
  // A UTF-16 length under the limit can still be three times as many bytes; count bytes.
  if (typeof data !== 'string' || data.length > maxRoomMessageBytes) return null;
  if (utf8.encode(data).length > maxRoomMessageBytes) return null;
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const record = value as Record<string, unknown>;
  // Own keys only: nothing a sender nests under "__proto__" or inherits can stand in for a field.
  const field = (key: string): unknown => (Object.hasOwn(record, key) ? record[key] : undefined);
  const text = (key: string): string | null => (typeof field(key) === 'string' ? (field(key) as string) : null);
  const id = (key: string): string | null => (urlSafeId.test(text(key) ?? '') ? text(key) : null);
  if (field('v') !== roomProtocolVersion) return null;

  switch (field('type')) {
    case 'hello': {
      const name = normalizeDisplayName(text('name') ?? '');
      return name === null ? null : { v: 1, type: 'hello', name };
    }
    case 'media-state': {
      const seq = field('seq');
      const micMuted = field('micMuted');
      const cameraOff = field('cameraOff');
      // Left out means not sharing; null or anything else that is not a boolean sinks the message.
      const sharingScreen = field('sharingScreen') === undefined ? false : field('sharingScreen');
      if (!isUint(seq) || typeof micMuted !== 'boolean' || typeof cameraOff !== 'boolean' || typeof sharingScreen !== 'boolean') return null;
      return { v: 1, type: 'media-state', seq, micMuted, cameraOff, sharingScreen };
    }
    case 'chat': {
      const chatId = id('id');
      const chat = normalizeChatText(text('text') ?? '');
      const sentAtMs = field('sentAtMs');
      if (chatId === null || chat === null) return null;
      if (!isTimeMs(sentAtMs)) return null;
      return { v: 1, type: 'chat', id: chatId, text: chat, sentAtMs };
    }
    case 'file-offer': {
      const transferId = id('transferId');
      const name = safeFileName(text('name') ?? '');
      const size = field('size');
      const mime = text('mime');
      const chunkBytes = field('chunkBytes');
      if (transferId === null || name === null || mime === null) return null;
      if (!isUint(size) || size > maxFileBytes) return null;
      if (!isUint(chunkBytes) || chunkBytes < minChunkBytes || chunkBytes > maxChunkBytes) return null;
      return { v: 1, type: 'file-offer', transferId, name, size, mime: safeMime(mime), chunkBytes };
    }
    case 'file-end': {
      const transferId = id('transferId');
      const sha256 = text('sha256');
      if (transferId === null || sha256 === null || !sha256Hex.test(sha256)) return null;
      return { v: 1, type: 'file-end', transferId, sha256 };
    }
    case 'file-cancel': {
      const transferId = id('transferId');
      const reason = oneOf(field('reason'), fileCancelReasons);
      return transferId === null || reason === null ? null : { v: 1, type: 'file-cancel', transferId, reason };
    }
    case 'file-done': {
      const transferId = id('transferId');
      return transferId === null ? null : { v: 1, type: 'file-done', transferId };
    }
    case 'file-failed': {
      const transferId = id('transferId');
      const reason = oneOf(field('reason'), fileFailedReasons);
      return transferId === null || reason === null ? null : { v: 1, type: 'file-failed', transferId, reason };
    }
    case 'bye':
      return { v: 1, type: 'bye' };
    case 'shown-size': {
      const width = field('width');
      const height = field('height');
      if (!isUint(width) || !isUint(height) || width === 0 || height === 0 || width > maxShownSidePx || height > maxShownSidePx) return null;
      return { v: 1, type: 'shown-size', width, height };
    }
    case 'reaction': {
      const reaction = oneOf(field('reaction'), reactions);
      return reaction === null ? null : { v: 1, type: 'reaction', reaction };
    }
    case 'hand': {
      const seq = field('seq');
      const raised = field('raised');
      const raisedAtMs = field('raisedAtMs');
      if (!isUint(seq) || typeof raised !== 'boolean') return null;
      if (!raised) return { v: 1, type: 'hand', seq, raised };
      return isTimeMs(raisedAtMs) ? { v: 1, type: 'hand', seq, raised, raisedAtMs } : null;
    }
    case 'recording': {
      const seq = field('seq');
      const recording = field('recording');
      if (!isUint(seq) || typeof recording !== 'boolean') return null;
      return { v: 1, type: 'recording', seq, recording };
    }
    default:
      return null;
  }
}

export interface FileChunk {
  transferId: string;
  index: number;
  /** A view into the received frame, not a copy: a 200 MB transfer must not be held twice. */
  payload: Uint8Array;
}

/** Frame layout: [version][ID length][ID as ASCII][index, u32 big-endian][payload]. */
export function encodeChunkHeader(transferId: string, index: number): Uint8Array {
  if (!urlSafeId.test(transferId)) throw new RangeError('A transfer ID is 8 to 64 URL-safe characters');
  if (!Number.isInteger(index) || index < 0 || index > 0xffff_ffff) throw new RangeError('A chunk index is a u32');
  const header = new Uint8Array(2 + transferId.length + 4);
  header[0] = chunkFrameVersion;
  header[1] = transferId.length;
  for (let i = 0; i < transferId.length; i++) header[2 + i] = transferId.charCodeAt(i);
  new DataView(header.buffer).setUint32(2 + transferId.length, index);
  return header;
}

/** Header and payload in one buffer, since a data channel sends one buffer per message. */
export function encodeChunk(transferId: string, index: number, payload: Uint8Array): Uint8Array {
  if (payload.length === 0 || payload.length > maxChunkBytes) throw new RangeError('A chunk holds 1 byte to maxChunkBytes');
  const header = encodeChunkHeader(transferId, index);
  const frame = new Uint8Array(header.length + payload.length);
  frame.set(header);
  frame.set(payload, header.length);
  return frame;
}

/** Accepts an ArrayBuffer or a view of one, as data channels and PeerJS hand over either. */
export function parseChunk(data: unknown): FileChunk | null {
  let bytes: Uint8Array;
  if (data instanceof ArrayBuffer) bytes = new Uint8Array(data);
  else if (ArrayBuffer.isView(data)) bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  else return null;
  if (bytes.length > maxChunkHeaderBytes + maxChunkBytes || bytes[0] !== chunkFrameVersion) return null;
  const idLength = bytes[1] ?? 0;
  const payloadStart = 2 + idLength + 4;
  // An empty payload is refused too: a file of n bytes never needs one.
  if (idLength < 8 || idLength > 64 || bytes.length <= payloadStart) return null;
  const transferId = String.fromCharCode(...bytes.subarray(2, 2 + idLength));
  if (!urlSafeId.test(transferId)) return null;
  const payload = bytes.subarray(payloadStart);
  if (payload.length > maxChunkBytes) return null;
  const index = new DataView(bytes.buffer, bytes.byteOffset + 2 + idLength, 4).getUint32(0);
  return { transferId, index, payload };
}
