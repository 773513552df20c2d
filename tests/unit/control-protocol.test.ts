// @vitest-environment node
import { describe, expect, it } from 'vitest';
import {
  type ControlMessage,
  controlProtocolVersion,
  encodeControlMessage,
  maxControlMessageBytes,
  parseControlMessage,
} from '../../lib/control-protocol';

const mediaState = { v: 1, type: 'media-state', seq: 7, micMuted: true, cameraOff: false };
const json = (value: unknown) => JSON.stringify(value);

/** A valid bye padded with an ignored field until it is `length` characters long. */
function paddedBye(length: number, padChar = ' '): string {
  const head = '{"v":1,"type":"bye","pad":"';
  const tail = '"}';
  return head + padChar.repeat(length - head.length - tail.length) + tail;
}

describe('parseControlMessage', () => {
  it('speaks version 1', () => {
    expect(controlProtocolVersion).toBe(1);
  });

  it.each([
    { name: 'a media state', data: json(mediaState), message: mediaState },
    { name: 'a media state at seq 0', data: json({ ...mediaState, seq: 0 }), message: { ...mediaState, seq: 0 } },
    {
      name: 'a media state at the largest safe seq',
      data: json({ ...mediaState, seq: Number.MAX_SAFE_INTEGER }),
      message: { ...mediaState, seq: Number.MAX_SAFE_INTEGER },
    },
    {
      name: 'a media state with everything off',
      data: json({ v: 1, type: 'media-state', seq: 1, micMuted: false, cameraOff: true }),
      message: { v: 1, type: 'media-state', seq: 1, micMuted: false, cameraOff: true },
    },
    { name: 'a bye', data: json({ v: 1, type: 'bye' }), message: { v: 1, type: 'bye' } },
    { name: 'a bye with fields from a newer sender, which are dropped', data: json({ v: 1, type: 'bye', why: 'x' }), message: { v: 1, type: 'bye' } },
    {
      name: 'a media state with an extra field, which is dropped',
      data: json({ ...mediaState, volume: 3 }),
      message: mediaState,
    },
    { name: 'a message of exactly the size limit', data: paddedBye(maxControlMessageBytes), message: { v: 1, type: 'bye' } },
  ])('accepts $name', ({ data, message }) => {
    expect(parseControlMessage(data)).toEqual(message);
  });

  it.each([
    { name: 'undefined', data: undefined },
    { name: 'null', data: null },
    { name: 'a number', data: 42 },
    { name: 'an object that is already parsed', data: mediaState },
    { name: 'binary data', data: new TextEncoder().encode(json(mediaState)).buffer },
    { name: 'one character over the size limit', data: paddedBye(maxControlMessageBytes + 1) },
    { name: 'a megabyte of padding', data: paddedBye(1_000_000) },
    { name: 'an empty string', data: '' },
    { name: 'invalid JSON', data: '{"v":1,"type":"bye"' },
    { name: 'JSON with a trailing comma', data: '{"v":1,"type":"bye",}' },
    { name: 'a JSON string', data: '"bye"' },
    { name: 'a JSON number', data: '1' },
    { name: 'JSON null', data: 'null' },
    { name: 'JSON true', data: 'true' },
    { name: 'an array', data: json([1, 'bye']) },
    { name: 'an array holding a message', data: json([{ v: 1, type: 'bye' }]) },
    { name: 'a missing version', data: json({ type: 'bye' }) },
    { name: 'version 2', data: json({ v: 2, type: 'bye' }) },
    { name: 'version 0', data: json({ v: 0, type: 'bye' }) },
    { name: 'the version as a string', data: json({ v: '1', type: 'bye' }) },
    { name: 'a missing type', data: json({ v: 1 }) },
    { name: 'an unknown type', data: json({ v: 1, type: 'hello' }) },
    { name: 'a type in upper case', data: json({ v: 1, type: 'BYE' }) },
    { name: 'a type that is an Object method name', data: json({ v: 1, type: 'toString' }) },
    { name: 'a type that is an array', data: json({ v: 1, type: ['bye'] }) },
    { name: 'a negative seq', data: json({ ...mediaState, seq: -1 }) },
    { name: 'a fractional seq', data: json({ ...mediaState, seq: 1.5 }) },
    { name: 'a seq beyond safe integers', data: json({ ...mediaState, seq: 2 ** 53 }) },
    { name: 'a seq given as a string', data: json({ ...mediaState, seq: '7' }) },
    { name: 'a null seq', data: json({ ...mediaState, seq: null }) },
    { name: 'a missing seq', data: json({ v: 1, type: 'media-state', micMuted: true, cameraOff: false }) },
    { name: 'an overflowing seq', data: '{"v":1,"type":"media-state","seq":1e400,"micMuted":true,"cameraOff":false}' },
    { name: 'micMuted as a number', data: json({ ...mediaState, micMuted: 1 }) },
    { name: 'micMuted as a string', data: json({ ...mediaState, micMuted: 'true' }) },
    { name: 'cameraOff as null', data: json({ ...mediaState, cameraOff: null }) },
    { name: 'a missing cameraOff', data: json({ v: 1, type: 'media-state', seq: 1, micMuted: true }) },
    { name: 'the version hidden in __proto__', data: '{"__proto__":{"v":1},"type":"bye"}' },
    { name: 'the type hidden in __proto__', data: '{"v":1,"__proto__":{"type":"bye"}}' },
    {
      name: 'the media flags hidden in __proto__',
      data: '{"v":1,"type":"media-state","seq":1,"__proto__":{"micMuted":true,"cameraOff":false}}',
    },
    { name: 'the fields hidden in constructor.prototype', data: '{"constructor":{"prototype":{"v":1,"type":"bye"}}}' },
  ])('rejects $name', ({ data }) => {
    expect(parseControlMessage(data)).toBeNull();
  });

  it('returns a fresh object that carries nothing else from the sender', () => {
    const parsed = parseControlMessage('{"v":1,"type":"bye","__proto__":{"polluted":true}}');
    expect(parsed).toEqual({ v: 1, type: 'bye' });
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
    expect(Object.keys(parsed ?? {})).toEqual(['v', 'type']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('encodeControlMessage', () => {
  it.each<{ name: string; message: ControlMessage }>([
    { name: 'a media state', message: { v: 1, type: 'media-state', seq: 3, micMuted: false, cameraOff: true } },
    { name: 'a media state at the largest safe seq', message: { v: 1, type: 'media-state', seq: Number.MAX_SAFE_INTEGER, micMuted: true, cameraOff: true } },
    { name: 'a bye', message: { v: 1, type: 'bye' } },
  ])('$name survives encode then parse, within the size limit', ({ message }) => {
    const data = encodeControlMessage(message);
    expect(data.length).toBeLessThanOrEqual(maxControlMessageBytes);
    expect(parseControlMessage(data)).toEqual(message);
  });
});

describe('the size limit counts bytes, not characters', () => {
  it('rejects a message under the limit in characters but over it in UTF-8 bytes', () => {
    const base = encodeControlMessage({ v: 1, type: 'bye' });
    const padded = `${base.slice(0, -1)},"pad":"${'€'.repeat(400)}"}`;
    expect(padded.length).toBeLessThanOrEqual(maxControlMessageBytes);
    expect(parseControlMessage(padded)).toBeNull();
  });
});
