// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { PeerLink, pictureGapMs } from '../../lib/call/peer-link';
import { defaultPresenceRules } from '../../lib/call/presence';
import { safetyCode } from '../../lib/call/safety-code';
import { handReceiveLimit, reactionReceiveLimit } from '../../lib/call/reaction-limit';
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
    person.receive({ v: 1, type: 'media-state', seq: 5, micMuted: true, cameraOff: false, sharingScreen: false }, 0);
    expect(person.receive({ v: 1, type: 'media-state', seq: 4, micMuted: false, cameraOff: true, sharingScreen: false }, 0)).toEqual({ kind: 'ignored' });
    expect(person.participant).toMatchObject({ micMuted: true, cameraOff: false, sharingSinceMs: null });
  });

  it.each([
    { name: 'not sharing at first', states: [], since: null },
    { name: 'a share counts from when it was first heard of', states: [[1, true, 100]], since: 100 },
    { name: 'the same share told again later keeps its start', states: [[1, true, 100], [2, true, 900]], since: 100 },
    { name: 'a stop ends it', states: [[1, true, 100], [2, false, 200]], since: null },
    { name: 'a share after a stop is a new share', states: [[1, true, 100], [2, false, 200], [3, true, 300]], since: 300 },
    { name: 'a stale stop after a newer share changes nothing', states: [[2, true, 100], [1, false, 200]], since: 100 },
  ] as const)('sharing a screen: $name', ({ states, since }) => {
    const person = link();
    for (const [seq, sharingScreen, atMs] of states) person.receive({ v: 1, type: 'media-state', seq, micMuted: false, cameraOff: false, sharingScreen }, atMs);
    expect(person.participant.sharingSinceMs).toBe(since);
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
    before.receive({ v: 1, type: 'media-state', seq: 9, micMuted: true, cameraOff: false, sharingScreen: false }, 0);
    before.note({ type: 'transport-lost', atMs: 100 });
    const after = link(before);
    expect(after.participant).toMatchObject({ name: 'Ana', micMuted: true, presence: { phase: 'reconnecting', sinceMs: 100 } });
    // The new connection's sender counts on from where it was; an older state still loses.
    expect(after.receive({ v: 1, type: 'media-state', seq: 10, micMuted: false, cameraOff: false, sharingScreen: false }, 200)).toEqual({ kind: 'participant-changed' });
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

  it(`lets ${reactionReceiveLimit.burst} reactions through at once, then one per ${reactionReceiveLimit.refillMs} ms, and drops the rest`, () => {
    const person = link();
    const clap = { v: 1, type: 'reaction', reaction: 'clap' } as const;
    const burst = Array.from({ length: reactionReceiveLimit.burst + 3 }, () => person.receive(clap, 1_000).kind);
    expect(burst.filter((kind) => kind === 'reaction')).toHaveLength(reactionReceiveLimit.burst);
    expect(burst.slice(reactionReceiveLimit.burst)).toEqual(['ignored', 'ignored', 'ignored']);
    expect(person.receive(clap, 1_000 + reactionReceiveLimit.refillMs - 1)).toEqual({ kind: 'ignored' });
    expect(person.receive(clap, 1_000 + reactionReceiveLimit.refillMs)).toEqual({ kind: 'reaction', reaction: 'clap' });
  });

  it('a redialed connection keeps what the person spent of their limit', () => {
    const before = link();
    const clap = { v: 1, type: 'reaction', reaction: 'heart' } as const;
    for (let i = 0; i < reactionReceiveLimit.burst; i++) before.receive(clap, 0);
    expect(link(before).receive(clap, 0)).toEqual({ kind: 'ignored' });
  });

  it('a hand that arrives after a newer one is ignored; a raise carries its time, a lowering null', () => {
    const person = link();
    expect(person.receive({ v: 1, type: 'hand', seq: 2, raised: true, raisedAtMs: 500 }, 0)).toEqual({ kind: 'hand', raisedAtMs: 500 });
    expect(person.receive({ v: 1, type: 'hand', seq: 1, raised: false }, 0)).toEqual({ kind: 'ignored' });
    expect(person.receive({ v: 1, type: 'hand', seq: 2, raised: false }, 0)).toEqual({ kind: 'ignored' });
    expect(person.receive({ v: 1, type: 'hand', seq: 3, raised: false }, 0)).toEqual({ kind: 'hand', raisedAtMs: null });
  });

  it(`takes at most ${handReceiveLimit.burst} hand changes at once from a flooding sender`, () => {
    const person = link();
    const kinds = Array.from({ length: handReceiveLimit.burst + 2 }, (_, seq) => person.receive({ v: 1, type: 'hand', seq, raised: false }, 0).kind);
    expect(kinds.filter((kind) => kind === 'hand')).toHaveLength(handReceiveLimit.burst);
    // A change dropped for the limit is not counted as seen: the same state later still lands.
    expect(person.receive({ v: 1, type: 'hand', seq: handReceiveLimit.burst, raised: true, raisedAtMs: 9 }, handReceiveLimit.refillMs)).toEqual({ kind: 'hand', raisedAtMs: 9 });
  });
});

describe('the safety code of a connection', () => {
  const fingerprint = (byte: string) => Array.from({ length: 32 }, () => byte).join(':');
  /** A getStats report of a connection whose DTLS is up with these certificates, or still connecting. */
  const report = (dtlsState: string, local: string, remote: string) =>
    new Map<string, Record<string, unknown>>([
      ['T', { id: 'T', type: 'transport', dtlsState, localCertificateId: 'L', remoteCertificateId: 'R' }],
      ['L', { id: 'L', type: 'certificate', fingerprintAlgorithm: 'sha-256', fingerprint: local }],
      ['R', { id: 'R', type: 'certificate', fingerprintAlgorithm: 'sha-256', fingerprint: remote }],
    ]);

  /** A link over a connection whose successive getStats calls answer with `reports`, counted. */
  function linkReporting(reports: Map<string, Record<string, unknown>>[], previous?: PeerLink) {
    const calls = { count: 0 };
    const getStats = async () => reports[Math.min(calls.count++, reports.length - 1)];
    const remote = { remoteId: 'peer-1', peerConnection: { getSenders: () => [], getReceivers: () => [], sctp: null, getStats } } as unknown as RemotePeer;
    return { person: new PeerLink(remote, 0, defaultPresenceRules, previous), calls };
  }

  it('is unknown until DTLS is up, then worked out once from the certificates in use', async () => {
    const { person, calls } = linkReporting([report('connecting', fingerprint('AA'), fingerprint('BB')), report('connected', fingerprint('AA'), fingerprint('BB'))]);
    expect(await person.learnSafetyCode()).toBe(false);
    expect(person.participant.safetyCode).toBeNull();
    expect(await person.learnSafetyCode()).toBe(true);
    expect(person.participant.safetyCode).toBe(await safetyCode(fingerprint('AA'), fingerprint('BB')));
    expect(await person.learnSafetyCode()).toBe(false);
    expect(calls.count).toBe(2);
  });

  it('is asked for once while it is being worked out', async () => {
    const { person, calls } = linkReporting([report('connected', fingerprint('AA'), fingerprint('BB'))]);
    const results = await Promise.all([person.learnSafetyCode(), person.learnSafetyCode()]);
    expect(results).toEqual([true, false]);
    expect(calls.count).toBe(1);
  });

  it('starts unknown again on a redialed connection, which has certificates of its own', async () => {
    const first = linkReporting([report('connected', fingerprint('AA'), fingerprint('BB'))]).person;
    await first.learnSafetyCode();
    const { person } = linkReporting([report('connected', fingerprint('CC'), fingerprint('BB'))], first);
    expect(person.participant.safetyCode).toBeNull();
    await person.learnSafetyCode();
    expect(person.participant.safetyCode).toBe(await safetyCode(fingerprint('CC'), fingerprint('BB')));
    expect(person.participant.safetyCode).not.toBe(first.participant.safetyCode);
  });
});
