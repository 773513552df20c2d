// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { PeerLink, pictureGapMs } from '../../lib/call/peer-link';
import { defaultPresenceRules } from '../../lib/call/presence';
import type { RemotePeer } from '../../lib/signaling/remote-peer';

/** Just enough of a remote for the bookkeeping under test: no senders, no media. */
function link(previous?: PeerLink): PeerLink {
  const remote = { remoteId: 'peer-1', peerConnection: { getSenders: () => [] } } as unknown as RemotePeer;
  return new PeerLink(remote, 0, defaultPresenceRules, previous);
}

describe('what we know of another person', () => {
  it('a hello names them, and any word connects them', () => {
    const person = link();
    expect(person.receive({ v: 1, type: 'hello', name: 'Ana' }, 10)).toEqual({ kind: 'participant-changed' });
    expect(person.participant.name).toBe('Ana');
    expect(person.participant.presence).toEqual({ phase: 'connected', sinceMs: 10 });
  });

  it('a media state that arrives after a newer one is ignored', () => {
    const person = link();
    person.receive({ v: 1, type: 'media-state', seq: 5, micMuted: true, cameraOff: false }, 0);
    expect(person.receive({ v: 1, type: 'media-state', seq: 4, micMuted: false, cameraOff: true }, 0)).toEqual({ kind: 'ignored' });
    expect(person.participant).toMatchObject({ micMuted: true, cameraOff: false });
  });

  it.each([
    { name: 'a start says they record', states: [[1, true]], recording: true },
    { name: 'a stop after a start says they stopped', states: [[1, true], [2, false]], recording: false },
    { name: 'a start that arrives after a newer stop is ignored', states: [[2, false], [1, true]], recording: false },
    { name: 'the same state sent again to a new connection changes nothing', states: [[3, true], [3, true]], recording: true },
  ] as const)('recording: $name', ({ states, recording }) => {
    const person = link();
    for (const [seq, on] of states) person.receive({ v: 1, type: 'recording', seq, recording: on }, 0);
    expect(person.participant.recording).toBe(recording);
  });

  it('silence shows on their tile as reconnecting, and reports the change once', () => {
    const person = link();
    person.receive({ v: 1, type: 'hello', name: 'Ana' }, 0);
    expect(person.note({ type: 'tick', atMs: defaultPresenceRules.silentAfterMs + 1 })).toBe(true);
    expect(person.participant.presence).toEqual({ phase: 'reconnecting', sinceMs: 0 });
    expect(person.note({ type: 'tick', atMs: defaultPresenceRules.silentAfterMs + 2 })).toBe(false);
  });

  it('a redialed connection keeps the person: name, state and that they are reconnecting', () => {
    const before = link();
    before.receive({ v: 1, type: 'hello', name: 'Ana' }, 0);
    before.receive({ v: 1, type: 'media-state', seq: 9, micMuted: true, cameraOff: false }, 0);
    before.note({ type: 'transport-lost', atMs: 100 });
    const after = link(before);
    expect(after.participant).toMatchObject({ name: 'Ana', micMuted: true, presence: { phase: 'reconnecting', sinceMs: 100 } });
    // The new connection's sender counts on from where it was; an older state still loses.
    expect(after.receive({ v: 1, type: 'media-state', seq: 10, micMuted: false, cameraOff: false }, 200)).toEqual({ kind: 'participant-changed' });
    expect(after.participant.presence.phase).toBe('connected');
  });

  it('heard again after a gap of two heartbeats or more, our video to them starts afresh: its encoded size changes', async () => {
    const scales: number[] = [];
    let encodings: RTCRtpEncodingParameters[] = [{}];
    const video = {
      track: { kind: 'video', getSettings: () => ({ width: 1280, height: 720 }) },
      getParameters: () => ({ encodings: encodings.map((e) => ({ ...e })) }),
      setParameters: async (parameters: RTCRtpSendParameters) => {
        encodings = parameters.encodings;
        scales.push(encodings[0]!.scaleResolutionDownBy!);
      },
    };
    const remote = { remoteId: 'peer-1', peerConnection: { getSenders: () => [video] } } as unknown as RemotePeer;
    const person = new PeerLink(remote, 0, defaultPresenceRules);
    await person.capVideo({ maxBitrateBps: 1_000_000, scaleResolutionDownBy: 1 });
    person.note({ type: 'heard', atMs: 1_000 });
    person.note({ type: 'heard', atMs: 1_000 + pictureGapMs - 1 });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(scales).toEqual([1]);
    person.note({ type: 'heard', atMs: 1_000 + 2 * pictureGapMs });
    await expect.poll(() => scales).toEqual([1, 1.02]);
  });
});
