// @vitest-environment node
import { describe, expect, it } from 'vitest';
import {
  encodeChunk,
  encodeChunkHeader,
  encodeRoomMessage,
  fileCancelReasons,
  fileFailedReasons,
  isNewer,
  maxChatChars,
  maxChunkBytes,
  maxChunkHeaderBytes,
  maxDisplayNameChars,
  maxFileBytes,
  maxShownSidePx,
  maxRoomMessageBytes,
  minChunkBytes,
  newRoomItemId,
  normalizeChatText,
  normalizeDisplayName,
  parseChunk,
  parseRoomMessage,
  reactions,
  type RoomMessage,
  roomProtocolVersion,
  safeFileName,
  safeMime,
} from '../../lib/call/room-protocol';
import { type ChatSegment, linkify } from '../../lib/call/chat-links';

const json = (value: unknown) => JSON.stringify(value);
const hash = '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08';
const transferId = 'tx_7Hq2-Lm9';

const hello = { v: 1, type: 'hello', name: 'Ada' } as const;
const mediaState = { v: 1, type: 'media-state', seq: 7, micMuted: true, cameraOff: false, sharingScreen: false } as const;
const chat = { v: 1, type: 'chat', id: 'msg-0001_abc', text: 'see https://ok.example', sentAtMs: 1_700_000_000_000 } as const;
const fileOffer = {
  v: 1,
  type: 'file-offer',
  transferId,
  name: 'report.pdf',
  size: 1_500_000,
  mime: 'application/pdf',
  chunkBytes: 64 * 1024,
} as const;
const fileEnd = { v: 1, type: 'file-end', transferId, sha256: hash } as const;
const fileCancel = { v: 1, type: 'file-cancel', transferId, reason: 'receiver-cancelled' } as const;
const fileDone = { v: 1, type: 'file-done', transferId } as const;
const fileFailed = { v: 1, type: 'file-failed', transferId, reason: 'hash-mismatch' } as const;
const bye = { v: 1, type: 'bye' } as const;
const shownSize = { v: 1, type: 'shown-size', width: 640, height: 352 } as const;
const reaction = { v: 1, type: 'reaction', reaction: 'clap' } as const;
const raisedHand = { v: 1, type: 'hand', seq: 3, raised: true, raisedAtMs: 1_700_000_000_000 } as const;
const loweredHand = { v: 1, type: 'hand', seq: 4, raised: false } as const;
const recordingOn = { v: 1, type: 'recording', seq: 2, recording: true } as const;
const recordingOff = { v: 1, type: 'recording', seq: 3, recording: false } as const;
const everyMessage: RoomMessage[] = [hello, mediaState, chat, fileOffer, fileEnd, fileCancel, fileDone, fileFailed, bye, shownSize, reaction, raisedHand, loweredHand, recordingOn, recordingOff];

/** A valid bye padded with an ignored field until it is `length` characters long. */
function paddedBye(length: number, padChar = ' '): string {
  const head = '{"v":1,"type":"bye","pad":"';
  const tail = '"}';
  return head + padChar.repeat(length - head.length - tail.length) + tail;
}

/** Fields a sender from before they existed leaves out; parsing fills in their default (tested above). */
const optionalFields: Record<string, readonly string[]> = { 'media-state': ['sharingScreen'] };

// Every field of every message, removed (unless optional) or swapped for each wrong JSON kind, must sink the message.
const fieldCases = everyMessage.flatMap((message) =>
  Object.entries(message)
    .filter(([key]) => key !== 'v' && key !== 'type')
    .flatMap(([key, good]) => {
      const { [key]: _removed, ...rest } = message as Record<string, unknown>;
      const wrongKind = typeof good === 'string' ? 42 : 'text';
      return [
        ...(optionalFields[message.type]?.includes(key) ? [] : [{ name: `a ${message.type} without ${key}`, data: json(rest) }]),
        ...[null, [], {}, wrongKind].map((bad) => ({
          name: `a ${message.type} whose ${key} is ${json(bad)}`,
          data: json({ ...message, [key]: bad }),
        })),
      ];
    }),
);

describe('parseRoomMessage', () => {
  it('speaks version 1', () => {
    expect(roomProtocolVersion).toBe(1);
  });

  it.each<{ name: string; data: string; message: RoomMessage }>([
    ...everyMessage.map((message) => ({ name: `a ${message.type}`, data: json(message), message })),
    ...fileCancelReasons.map((reason) => ({
      name: `a file-cancel because ${reason}`,
      data: json({ ...fileCancel, reason }),
      message: { ...fileCancel, reason },
    })),
    ...fileFailedReasons.map((reason) => ({
      name: `a file-failed because ${reason}`,
      data: json({ ...fileFailed, reason }),
      message: { ...fileFailed, reason },
    })),
    ...reactions.map((name) => ({ name: `a ${name} reaction`, data: json({ ...reaction, reaction: name }), message: { ...reaction, reaction: name } })),
    { name: 'a hand raised at a fractional time', data: json({ ...raisedHand, raisedAtMs: 1.5 }), message: { ...raisedHand, raisedAtMs: 1.5 } },
    { name: 'a hand at seq 0', data: json({ ...raisedHand, seq: 0 }), message: { ...raisedHand, seq: 0 } },
    { name: 'a lowered hand, dropping a raise time it has no use for', data: json({ ...loweredHand, raisedAtMs: 5 }), message: loweredHand },
    { name: 'a lowered hand, dropping a garbage raise time', data: json({ ...loweredHand, raisedAtMs: 'soon' }), message: loweredHand },
    { name: 'a recording at seq 0', data: json({ ...recordingOn, seq: 0 }), message: { ...recordingOn, seq: 0 } },
    { name: 'a recording with a file name it may not send, dropped', data: json({ ...recordingOn, fileName: '../x.webm' }), message: recordingOn },
    { name: 'a hello whose name is padded, trimmed', data: json({ ...hello, name: '  Ada L. ' }), message: { ...hello, name: 'Ada L.' } },
    { name: 'a hello of 40 emoji', data: json({ ...hello, name: '🦊'.repeat(40) }), message: { ...hello, name: '🦊'.repeat(40) } },
    { name: 'a media state at seq 0', data: json({ ...mediaState, seq: 0 }), message: { ...mediaState, seq: 0 } },
    { name: 'a media state of someone sharing a screen', data: json({ ...mediaState, sharingScreen: true }), message: { ...mediaState, sharingScreen: true } },
    {
      name: 'a media state from a sender that predates screen sharing, not sharing',
      data: json({ v: 1, type: 'media-state', seq: 7, micMuted: true, cameraOff: false }),
      message: { ...mediaState, sharingScreen: false },
    },
    {
      name: 'a media state at the largest safe seq',
      data: json({ ...mediaState, seq: Number.MAX_SAFE_INTEGER }),
      message: { ...mediaState, seq: Number.MAX_SAFE_INTEGER },
    },
    { name: 'a chat whose text is padded, trimmed', data: json({ ...chat, text: '\n  hi \t' }), message: { ...chat, text: 'hi' } },
    { name: 'a chat keeping inner line breaks and tabs', data: json({ ...chat, text: 'a\n\tb\r\nc' }), message: { ...chat, text: 'a\n\tb\r\nc' } },
    { name: 'a chat in Arabic with a direction mark', data: json({ ...chat, text: 'مرحبا\u200f!' }), message: { ...chat, text: 'مرحبا\u200f!' } },
    { name: 'a chat with a fractional time', data: json({ ...chat, sentAtMs: 1.5 }), message: { ...chat, sentAtMs: 1.5 } },
    { name: 'a chat of 4000 characters', data: json({ ...chat, text: 'x'.repeat(maxChatChars) }), message: { ...chat, text: 'x'.repeat(maxChatChars) } },
    { name: 'a chat with a 64-character id', data: json({ ...chat, id: 'a'.repeat(64) }), message: { ...chat, id: 'a'.repeat(64) } },
    { name: 'an offer of an empty file', data: json({ ...fileOffer, size: 0 }), message: { ...fileOffer, size: 0 } },
    { name: 'an offer at the 2 GiB limit', data: json({ ...fileOffer, size: maxFileBytes }), message: { ...fileOffer, size: maxFileBytes } },
    { name: 'an offer with the smallest chunks', data: json({ ...fileOffer, chunkBytes: minChunkBytes }), message: { ...fileOffer, chunkBytes: minChunkBytes } },
    { name: 'an offer with the largest chunks', data: json({ ...fileOffer, chunkBytes: maxChunkBytes }), message: { ...fileOffer, chunkBytes: maxChunkBytes } },
    { name: 'an offer named with a path, cut to its base name', data: json({ ...fileOffer, name: '../../etc/passwd' }), message: { ...fileOffer, name: 'passwd' } },
    { name: 'an offer named with a Windows path', data: json({ ...fileOffer, name: 'C:\\x\\y.txt' }), message: { ...fileOffer, name: 'y.txt' } },
    { name: 'an offer whose name hides a direction override', data: json({ ...fileOffer, name: 'invoice\u202efdp.exe' }), message: { ...fileOffer, name: 'invoicefdp.exe' } },
    { name: 'an offer with a mime in capitals, lowered', data: json({ ...fileOffer, mime: 'Image/PNG' }), message: { ...fileOffer, mime: 'image/png' } },
    { name: 'an offer with no mime, as File.type gives', data: json({ ...fileOffer, mime: '' }), message: { ...fileOffer, mime: 'application/octet-stream' } },
    { name: 'an offer with a mime carrying parameters', data: json({ ...fileOffer, mime: 'text/html; charset=utf-8' }), message: { ...fileOffer, mime: 'application/octet-stream' } },
    { name: 'an offer with markup for a mime', data: json({ ...fileOffer, mime: 'text/<script>' }), message: { ...fileOffer, mime: 'application/octet-stream' } },
    { name: 'an offer with a 101-character mime', data: json({ ...fileOffer, mime: `a/${'b'.repeat(99)}` }), message: { ...fileOffer, mime: 'application/octet-stream' } },
    { name: 'a bye with fields from a newer sender, which are dropped', data: json({ ...bye, why: 'x' }), message: bye },
    { name: 'a chat with an extra field, which is dropped', data: json({ ...chat, html: '<b>x</b>' }), message: chat },
    { name: 'a message of exactly the size limit', data: paddedBye(maxRoomMessageBytes), message: bye },
    { name: 'a shown size of one pixel', data: json({ ...shownSize, width: 1, height: 1 }), message: { ...shownSize, width: 1, height: 1 } },
    { name: 'a shown size of an 8K screen', data: json({ ...shownSize, width: maxShownSidePx, height: 4320 }), message: { ...shownSize, width: maxShownSidePx, height: 4320 } },
  ])('accepts $name', ({ data, message }) => {
    expect(parseRoomMessage(data)).toEqual(message);
  });

  it.each([
    { name: 'undefined', data: undefined },
    { name: 'null', data: null },
    { name: 'a number', data: 42 },
    { name: 'an object that is already parsed', data: hello },
    { name: 'binary data', data: new TextEncoder().encode(json(hello)).buffer },
    { name: 'one character over the size limit', data: paddedBye(maxRoomMessageBytes + 1) },
    { name: 'a megabyte of padding', data: paddedBye(1_000_000) },
    { name: 'an empty string', data: '' },
    { name: 'invalid JSON', data: '{"v":1,"type":"bye"' },
    { name: 'a JSON string', data: '"bye"' },
    { name: 'a JSON number', data: '1' },
    { name: 'JSON null', data: 'null' },
    { name: 'an array', data: json([1, 'bye']) },
    { name: 'an array holding a message', data: json([bye]) },
    { name: 'a missing version', data: json({ type: 'bye' }) },
    { name: 'version 2', data: json({ ...hello, v: 2 }) },
    { name: 'version 0', data: json({ ...hello, v: 0 }) },
    { name: 'the version as a string', data: json({ ...hello, v: '1' }) },
    { name: 'a missing type', data: json({ v: 1 }) },
    { name: 'an unknown type', data: json({ v: 1, type: 'file-chunk' }) },
    { name: 'a type in upper case', data: json({ ...hello, type: 'HELLO' }) },
    { name: 'a type that is an Object method name', data: json({ v: 1, type: 'toString' }) },
    { name: 'a type named __proto__', data: json({ v: 1, type: '__proto__' }) },
    { name: 'a type that is an array', data: json({ v: 1, type: ['bye'] }) },
    { name: 'the version hidden in __proto__', data: '{"__proto__":{"v":1},"type":"bye"}' },
    { name: 'the type hidden in __proto__', data: '{"v":1,"__proto__":{"type":"bye"}}' },
    { name: 'the name hidden in __proto__', data: '{"v":1,"type":"hello","__proto__":{"name":"Ada"}}' },
    { name: 'the fields hidden in constructor.prototype', data: '{"constructor":{"prototype":{"v":1,"type":"bye"}}}' },
    ...fieldCases,
    { name: 'a hello with an empty name', data: json({ ...hello, name: '' }) },
    { name: 'a hello with a blank name', data: json({ ...hello, name: ' \t ' }) },
    { name: 'a hello with a 41-character name', data: json({ ...hello, name: 'x'.repeat(maxDisplayNameChars + 1) }) },
    { name: 'a hello with a NUL in the name', data: json({ ...hello, name: 'A\u0000da' }) },
    { name: 'a hello with a line break in the name', data: json({ ...hello, name: 'Ada\nAdmin' }) },
    { name: 'a hello with a direction override in the name', data: json({ ...hello, name: '\u202enimda' }) },
    { name: 'a hello with a lone surrogate in the name', data: '{"v":1,"type":"hello","name":"A\\ud800da"}' },
    { name: 'a hello with a huge name', data: json({ ...hello, name: 'x'.repeat(10_000) }) },
    { name: 'a media state whose sharingScreen is 1', data: json({ ...mediaState, sharingScreen: 1 }) },
    { name: 'a negative seq', data: json({ ...mediaState, seq: -1 }) },
    { name: 'a fractional seq', data: json({ ...mediaState, seq: 1.5 }) },
    { name: 'a seq beyond safe integers', data: json({ ...mediaState, seq: 2 ** 53 }) },
    { name: 'an overflowing seq', data: json(mediaState).replace('"seq":7', '"seq":1e400') },
    { name: 'a NaN seq', data: json(mediaState).replace('"seq":7', '"seq":NaN') },
    { name: 'a chat id of 7 characters', data: json({ ...chat, id: 'abcdefg' }) },
    { name: 'a chat id of 65 characters', data: json({ ...chat, id: 'a'.repeat(65) }) },
    { name: 'a chat id with a slash', data: json({ ...chat, id: 'abcd/efgh' }) },
    { name: 'a chat id with a space', data: json({ ...chat, id: 'abcd efgh' }) },
    { name: 'a chat id with non-ASCII letters', data: json({ ...chat, id: 'ábcdéfgh' }) },
    { name: 'a chat with empty text', data: json({ ...chat, text: '' }) },
    { name: 'a chat with blank text', data: json({ ...chat, text: '\n \n' }) },
    { name: 'a chat with a NUL', data: json({ ...chat, text: 'hi\u0000there' }) },
    { name: 'a chat with a bell control', data: json({ ...chat, text: 'hi\u0007' }) },
    { name: 'a chat of 4001 characters', data: json({ ...chat, text: 'x'.repeat(maxChatChars + 1) }) },
    { name: 'a chat sent at time 0', data: json({ ...chat, sentAtMs: 0 }) },
    { name: 'a chat sent at a negative time', data: json({ ...chat, sentAtMs: -1 }) },
    { name: 'a chat sent at an infinite time', data: json(chat).replace('1700000000000', '1e400') },
    { name: 'a chat sent at minus infinity', data: json(chat).replace('1700000000000', '-1e400') },
    { name: 'a chat sent at Infinity spelled out', data: json(chat).replace('1700000000000', 'Infinity') },
    ...['../../etc/passwd/', 'C:\\x\\', '\u0000', '..', '.', 'a/b/', '', '   ', 'dir/..', 'x'.repeat(256)].map((name) => ({
      name: `an offer named ${json(name)}`,
      data: json({ ...fileOffer, name }),
    })),
    { name: 'an offer of a negative size', data: json({ ...fileOffer, size: -1 }) },
    { name: 'an offer of a fractional size', data: json({ ...fileOffer, size: 1.5 }) },
    { name: 'an offer one byte over 2 GiB', data: json({ ...fileOffer, size: maxFileBytes + 1 }) },
    { name: 'an offer of an infinite size', data: json(fileOffer).replace('1500000', '1e400') },
    { name: 'an end with an upper-case hash', data: json({ ...fileEnd, sha256: hash.toUpperCase() }) },
    { name: 'an end with a short hash', data: json({ ...fileEnd, sha256: hash.slice(1) }) },
    { name: 'an end with a long hash', data: json({ ...fileEnd, sha256: `${hash}0` }) },
    { name: 'an end with a non-hex hash', data: json({ ...fileEnd, sha256: 'g'.repeat(64) }) },
    { name: 'an offer with chunks below the minimum', data: json({ ...fileOffer, chunkBytes: minChunkBytes - 1 }) },
    { name: 'an offer with chunks above the maximum', data: json({ ...fileOffer, chunkBytes: maxChunkBytes + 1 }) },
    { name: 'an offer with fractional chunks', data: json({ ...fileOffer, chunkBytes: minChunkBytes + 0.5 }) },
    { name: 'an offer with a transfer id of 7 characters', data: json({ ...fileOffer, transferId: 'abcdefg' }) },
    { name: 'a cancel for an unknown reason', data: json({ ...fileCancel, reason: 'bored' }) },
    { name: 'a cancel whose reason is in capitals', data: json({ ...fileCancel, reason: 'FAILED' }) },
    { name: 'a failure for an unknown reason', data: json({ ...fileFailed, reason: 'toString' }) },
    { name: 'a failure reason borrowed from cancel', data: json({ ...fileFailed, reason: 'sender-cancelled' }) },
    { name: 'a done with a transfer id carrying markup', data: json({ ...fileDone, transferId: '<img src=x>' }) },
    { name: 'a shown size of zero', data: json({ ...shownSize, width: 0 }) },
    { name: 'a shown size wider than an 8K screen', data: json({ ...shownSize, width: maxShownSidePx + 1 }) },
    { name: 'a shown size of fractional pixels', data: json({ ...shownSize, height: 351.5 }) },
    { name: 'a negative shown size', data: json({ ...shownSize, height: -352 }) },
    { name: 'a reaction outside the set', data: json({ ...reaction, reaction: 'poop' }) },
    { name: 'a reaction sent as its glyph', data: json({ ...reaction, reaction: '👏' }) },
    { name: 'a reaction in capitals', data: json({ ...reaction, reaction: 'CLAP' }) },
    { name: 'a reaction named after an inherited key', data: json({ ...reaction, reaction: 'toString' }) },
    { name: 'a reaction with markup', data: json({ ...reaction, reaction: '<img src=x onerror=alert(1)>' }) },
    { name: 'a reaction under another key', data: json({ v: 1, type: 'reaction', emoji: 'clap' }) },
    { name: 'a raised hand without a raise time', data: json({ v: 1, type: 'hand', seq: 1, raised: true }) },
    { name: 'a hand raised at time 0', data: json({ ...raisedHand, raisedAtMs: 0 }) },
    { name: 'a hand raised before 1970', data: json({ ...raisedHand, raisedAtMs: -1 }) },
    { name: 'a hand raised at an infinite time', data: '{"v":1,"type":"hand","seq":1,"raised":true,"raisedAtMs":1e999}' },
    { name: 'a hand raised at a time written as text', data: json({ ...raisedHand, raisedAtMs: '1700000000000' }) },
    { name: 'a hand whose raised is 1', data: json({ ...raisedHand, raised: 1 }) },
    { name: 'a hand whose raised is "false"', data: json({ ...loweredHand, raised: 'false' }) },
    { name: 'a hand at a negative seq', data: json({ ...loweredHand, seq: -1 }) },
    { name: 'a hand at a fractional seq', data: json({ ...loweredHand, seq: 1.5 }) },
    { name: 'a hand at a seq past the safe integers', data: json({ ...loweredHand, seq: 2 ** 53 }) },
    { name: 'a recording whose recording is 1', data: json({ ...recordingOn, recording: 1 }) },
    { name: 'a recording whose recording is "true"', data: json({ ...recordingOn, recording: 'true' }) },
    { name: 'a recording at a negative seq', data: json({ ...recordingOff, seq: -1 }) },
    { name: 'a recording at a fractional seq', data: json({ ...recordingOff, seq: 0.5 }) },
    { name: 'a recording under another key', data: json({ v: 1, type: 'recording', seq: 1, on: true }) },
  ])('rejects $name', ({ data }) => {
    expect(parseRoomMessage(data)).toBeNull();
  });

  it('returns a fresh object that carries nothing else from the sender', () => {
    const parsed = parseRoomMessage('{"v":1,"type":"hello","name":"Ada","__proto__":{"polluted":true}}');
    expect(parsed).toEqual(hello);
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
    expect(Object.keys(parsed ?? {})).toEqual(['v', 'type', 'name']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('counts the size limit in UTF-8 bytes, not characters', () => {
    const padded = paddedBye(6000, '€');
    expect(padded.length).toBeLessThanOrEqual(maxRoomMessageBytes);
    expect(parseRoomMessage(padded)).toBeNull();
  });
});

describe('encodeRoomMessage', () => {
  it.each<{ name: string; message: RoomMessage }>([
    ...everyMessage.map((message) => ({ name: `a ${message.type}`, message })),
    { name: 'a chat at its limit in four-byte characters', message: { ...chat, id: 'a'.repeat(64), text: '😀'.repeat(maxChatChars) } },
    { name: 'a chat at its limit in line breaks and quotes', message: { ...chat, text: `xx${'\n"\\'.repeat(1332)}xx` } },
    { name: 'an offer with the longest name and mime', message: { ...fileOffer, transferId: 'b'.repeat(64), name: '文'.repeat(255), mime: `a/${'b'.repeat(98)}` } },
  ])('$name survives encode then parse, within the size limit', ({ message }) => {
    const data = encodeRoomMessage(message);
    expect(new TextEncoder().encode(data).length).toBeLessThanOrEqual(maxRoomMessageBytes);
    expect(parseRoomMessage(data)).toEqual(message);
  });
});

describe('normalizeDisplayName', () => {
  it.each([
    { input: 'Ada', name: 'Ada' },
    { input: '  Grace Hopper  ', name: 'Grace Hopper' },
    { input: 'Zoë 🦊', name: 'Zoë 🦊' },
    { input: 'x'.repeat(40), name: 'x'.repeat(40) },
    { input: '', name: null },
    { input: '   ', name: null },
    { input: 'x'.repeat(41), name: null },
    { input: 'tab\there', name: null },
    { input: 'del\u007f', name: null },
    { input: 'c1\u0085', name: null },
    { input: 'isolate\u2066', name: null },
  ])('$input becomes $name', ({ input, name }) => {
    expect(normalizeDisplayName(input)).toBe(name);
  });
});

describe('normalizeChatText', () => {
  it.each([
    { input: ' hi ', text: 'hi' },
    { input: 'two\nlines', text: 'two\nlines' },
    { input: '<b>bold</b>', text: '<b>bold</b>' },
    { input: '', text: null },
    { input: 'nul\u0000', text: null },
    { input: 'escape\u001b[31m', text: null },
    { input: '😀'.repeat(maxChatChars + 1), text: null },
  ])('$input becomes $text', ({ input, text }) => {
    expect(normalizeChatText(input)).toBe(text);
  });
});

describe('safeFileName', () => {
  it.each([
    { input: 'report.pdf', name: 'report.pdf' },
    { input: '../../etc/passwd', name: 'passwd' },
    { input: '/etc/passwd', name: 'passwd' },
    { input: 'C:\\x\\y.txt', name: 'y.txt' },
    { input: '..\\..\\boot.ini', name: 'boot.ini' },
    { input: ' holiday photo.jpg ', name: 'holiday photo.jpg' },
    { input: 'a\u0000b.txt', name: 'ab.txt' },
    { input: 'line\nbreak.txt', name: 'linebreak.txt' },
    { input: 'invoice\u202efdp.exe', name: 'invoicefdp.exe' },
    { input: 'café 😀.txt', name: 'café 😀.txt' },
    { input: '...', name: '...' },
    { input: 'x'.repeat(255), name: 'x'.repeat(255) },
    { input: '\u0000', name: null },
    { input: '..', name: null },
    { input: '.', name: null },
    { input: 'a/b/', name: null },
    { input: 'dir/..', name: null },
    { input: 'dir\\.', name: null },
    { input: '', name: null },
    { input: '/', name: null },
    { input: ' \u202e ', name: null },
    { input: 'x'.repeat(256), name: null },
  ])('$input becomes $name', ({ input, name }) => {
    expect(safeFileName(input)).toBe(name);
  });
});

describe('safeMime', () => {
  it.each([
    { input: 'image/png', mime: 'image/png' },
    { input: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' },
    { input: 'IMAGE/SVG+XML', mime: 'image/svg+xml' },
    { input: '', mime: 'application/octet-stream' },
    { input: 'text', mime: 'application/octet-stream' },
    { input: 'text/', mime: 'application/octet-stream' },
    { input: 'a/b/c', mime: 'application/octet-stream' },
    { input: 'text/html;charset=utf-8', mime: 'application/octet-stream' },
  ])('$input becomes $mime', ({ input, mime }) => {
    expect(safeMime(input)).toBe(mime);
  });
});

describe('isNewer', () => {
  it.each([
    { lastSeq: undefined, seq: 0, newer: true },
    { lastSeq: 3, seq: 4, newer: true },
    { lastSeq: 0, seq: Number.MAX_SAFE_INTEGER, newer: true },
    { lastSeq: 4, seq: 4, newer: false },
    { lastSeq: 5, seq: 4, newer: false },
  ])('seq $seq after $lastSeq is newer: $newer', ({ lastSeq, seq, newer }) => {
    expect(isNewer(lastSeq, seq)).toBe(newer);
  });
});

describe('newRoomItemId', () => {
  it('makes IDs that chat and file messages accept', () => {
    const id = newRoomItemId();
    expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(parseRoomMessage(json({ ...chat, id }))).toEqual({ ...chat, id });
    expect(parseRoomMessage(json({ ...fileDone, transferId: id }))).toEqual({ ...fileDone, transferId: id });
  });

  it('uses every random byte, from the first symbol to the last', () => {
    expect(newRoomItemId((b) => b.fill(0))).toBe('A'.repeat(22));
    expect(newRoomItemId((b) => b.fill(255))).toBe('_'.repeat(22));
  });

  it('does not repeat itself', () => {
    expect(new Set(Array.from({ length: 1000 }, () => newRoomItemId())).size).toBe(1000);
  });
});

function frameOf(bytes: number[]): ArrayBuffer {
  return new Uint8Array(bytes).buffer;
}
const ascii = (text: string) => Array.from(text, (c) => c.charCodeAt(0));
const goodHeader = [1, 8, ...ascii('abcdefgh'), 0, 0, 0, 5];

describe('file chunk frames', () => {
  it('lays a header out as version, id length, id, then big-endian index', () => {
    expect(Array.from(encodeChunkHeader('abcdefgh', 0x01020304))).toEqual([1, 8, ...ascii('abcdefgh'), 1, 2, 3, 4]);
  });

  it.each([
    { name: 'the first one-byte chunk', id: 'abcdefgh', index: 0, payload: new Uint8Array([7]) },
    { name: 'a mid-file chunk', id: transferId, index: 1234, payload: new Uint8Array(minChunkBytes).fill(9) },
    { name: 'the largest chunk at the largest index', id: 'Z'.repeat(64), index: 0xffff_ffff, payload: new Uint8Array(maxChunkBytes).fill(1) },
  ])('$name survives encode then parse', ({ id, index, payload }) => {
    const frame = encodeChunk(id, index, payload);
    expect(frame.length).toBeLessThanOrEqual(maxChunkHeaderBytes + maxChunkBytes);
    const parsed = parseChunk(frame.buffer);
    expect({ transferId: parsed?.transferId, index: parsed?.index }).toEqual({ transferId: id, index });
    // Buffer.compare, because a deep equal walks a 256 KiB payload one element at a time.
    expect(Buffer.compare(parsed?.payload ?? new Uint8Array(), payload)).toBe(0);
  });

  it('reads a frame handed over as a view into a larger buffer, without copying the payload', () => {
    const frame = encodeChunk(transferId, 3, new Uint8Array([1, 2, 3]));
    const larger = new Uint8Array(frame.length + 10);
    larger.set(frame, 5);
    const parsed = parseChunk(larger.subarray(5, 5 + frame.length));
    expect(parsed).toEqual({ transferId, index: 3, payload: new Uint8Array([1, 2, 3]) });
    expect(parsed?.payload.buffer).toBe(larger.buffer);
  });

  it.each([
    { name: 'undefined', data: undefined },
    { name: 'null', data: null },
    { name: 'a string', data: json(bye) },
    { name: 'a plain array of bytes', data: [...goodHeader, 1] },
    { name: 'a Blob', data: new Blob([new Uint8Array([...goodHeader, 1])]) },
    { name: 'an empty buffer', data: frameOf([]) },
    { name: 'a lone version byte', data: frameOf([1]) },
    { name: 'version 0', data: frameOf([0, ...goodHeader.slice(1), 1]) },
    { name: 'version 2', data: frameOf([2, ...goodHeader.slice(1), 1]) },
    { name: 'an id of 7 bytes', data: frameOf([1, 7, ...ascii('abcdefg'), 0, 0, 0, 0, 1]) },
    { name: 'an id of 65 bytes', data: frameOf([1, 65, ...ascii('a'.repeat(65)), 0, 0, 0, 0, 1]) },
    { name: 'an id length past the end of the frame', data: frameOf([1, 255, ...ascii('abcdefgh'), 0, 0, 0, 0, 1]) },
    { name: 'a frame cut inside the id', data: frameOf([1, 8, ...ascii('abcd')]) },
    { name: 'a frame cut inside the index', data: frameOf([1, 8, ...ascii('abcdefgh'), 0, 0]) },
    { name: 'a header with no payload', data: frameOf(goodHeader) },
    { name: 'an id with a slash', data: frameOf([1, 8, ...ascii('abc/efgh'), 0, 0, 0, 0, 1]) },
    { name: 'an id with a NUL', data: frameOf([1, 8, ...ascii('abc\0efgh'), 0, 0, 0, 0, 1]) },
    { name: 'an id with a high byte', data: frameOf([1, 8, 0xff, ...ascii('bcdefgh'), 0, 0, 0, 0, 1]) },
    { name: 'a payload one byte over the limit', data: frameOf([...goodHeader, ...new Uint8Array(maxChunkBytes + 1)]) },
    { name: 'a 4 MiB frame', data: new ArrayBuffer(4 * 1024 * 1024) },
  ])('rejects $name', ({ data }) => {
    expect(parseChunk(data)).toBeNull();
  });

  it.each([
    { name: 'a short transfer id', id: 'abcdefg', index: 0, bytes: 1 },
    { name: 'a transfer id with a space', id: 'abcd efgh', index: 0, bytes: 1 },
    { name: 'a non-ASCII transfer id', id: 'äbcdefgh', index: 0, bytes: 1 },
    { name: 'a negative index', id: transferId, index: -1, bytes: 1 },
    { name: 'a fractional index', id: transferId, index: 1.5, bytes: 1 },
    { name: 'an index beyond 32 bits', id: transferId, index: 2 ** 32, bytes: 1 },
    { name: 'a NaN index', id: transferId, index: Number.NaN, bytes: 1 },
    { name: 'an empty payload', id: transferId, index: 0, bytes: 0 },
    { name: 'an oversized payload', id: transferId, index: 0, bytes: maxChunkBytes + 1 },
  ])('refuses to encode a chunk with $name', ({ id, index, bytes }) => {
    expect(() => encodeChunk(id, index, new Uint8Array(bytes))).toThrow(RangeError);
  });
});

/** Segments rendered back to what the user sees, to check nothing was added or lost. */
const shown = (segments: ChatSegment[]) => segments.map((s) => s.text).join('');
const link = (href: string, text = href): ChatSegment => ({ kind: 'link', href, text });
const text = (t: string): ChatSegment => ({ kind: 'text', text: t });

describe('linkify', () => {
  it.each<{ input: string; segments: ChatSegment[] }>([
    { input: '', segments: [] },
    { input: 'hello', segments: [text('hello')] },
    { input: 'https://ok.example/path?q=1.', segments: [link('https://ok.example/path?q=1'), text('.')] },
    { input: 'see https://ok.example/a, then', segments: [text('see '), link('https://ok.example/a'), text(', then')] },
    { input: '(https://ok.example/a)', segments: [text('('), link('https://ok.example/a'), text(')')] },
    { input: '[http://ok.example]!?', segments: [text('['), link('http://ok.example/', 'http://ok.example'), text(']!?')] },
    { input: 'https://en.wikipedia.org/wiki/Mesh_(networking).', segments: [link('https://en.wikipedia.org/wiki/Mesh_(networking)'), text('.')] },
    { input: 'HTTPS://OK.EXAMPLE/A', segments: [link('https://ok.example/A', 'HTTPS://OK.EXAMPLE/A')] },
    { input: 'http://[::1]:8080/x', segments: [link('http://[::1]:8080/x')] },
    { input: 'a https://a.example/ b http://b.example/x', segments: [text('a '), link('https://a.example/'), text(' b '), link('http://b.example/x')] },
    { input: 'javascript:alert(1)', segments: [text('javascript:alert(1)')] },
    { input: 'JAVASCRIPT:alert(document.cookie)', segments: [text('JAVASCRIPT:alert(document.cookie)')] },
    { input: 'data:text/html,<script>alert(1)</script>', segments: [text('data:text/html,<script>alert(1)</script>')] },
    { input: 'vbscript:msgbox(1)', segments: [text('vbscript:msgbox(1)')] },
    { input: '<script>alert(1)</script>', segments: [text('<script>alert(1)</script>')] },
    { input: 'https://javascript:alert(1)', segments: [text('https://javascript:alert(1)')] },
    { input: 'xhttps://ok.example', segments: [text('xhttps://ok.example')] },
    { input: 'ftp://files.example/a', segments: [text('ftp://files.example/a')] },
    { input: 'https://', segments: [text('https://')] },
    { input: 'https://.', segments: [text('https://.')] },
    { input: 'https://bank.example@evil.example/', segments: [text('https://bank.example@evil.example/')] },
    { input: 'https://user:pw@ok.example/', segments: [text('https://user:pw@ok.example/')] },
    { input: 'https://ok.example/"onmouseover="alert(1)', segments: [link('https://ok.example/'), text('"onmouseover="alert(1)')] },
    { input: '<a href="https://ok.example">x</a>', segments: [text('<a href="'), link('https://ok.example/', 'https://ok.example'), text('">x</a>')] },
    { input: 'https://ok.example/\u202egnp.exe', segments: [link('https://ok.example/'), text('\u202egnp.exe')] },
  ])('splits $input', ({ input, segments }) => {
    const result = linkify(input);
    expect(result).toEqual(segments);
    expect(shown(result)).toBe(input);
    for (const segment of result) {
      if (segment.kind === 'link') expect(new URL(segment.href).protocol).toMatch(/^https?:$/);
    }
  });
});
