/**
 * Recording a call in one real Chromium profile: Ben sees that Ann records, so does Cat who
 * joins while she does, and the WebM of the three of them plays back in Ann's page with
 * moving pictures and the fake microphones' beeps. Leaving ends a recording cleanly too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../signaling/config';
import { type RunningSignalingServer, startSignalingServer } from '../../signaling/server';
import { launchProfile, type Profile } from './support/browser';
import { playBack } from './support/media-probes';
import { type CallTab, configure, openPopup } from './support/pages';

let server: RunningSignalingServer;
let profiles: Profile[] = [];
let ann: CallTab;
let ben: CallTab;
let cat: CallTab;
let callId: string;
/** How long the first recording ran, between the clicks. */
let recordedMs = 0;

/** Silence is 0; the fake microphone's beep is far louder than this. */
const audibleRms = 0.01;

beforeAll(async () => {
  server = await startSignalingServer(parseConfig({ PEERCALL_PORT: '0' }, []));
  profiles = await Promise.all([launchProfile(), launchProfile(), launchProfile()]);
  await Promise.all(profiles.map((profile) => configure(profile, { signalingUrl: server.url })));
  const [a, b] = profiles as [Profile, Profile, Profile];
  ann = await (await openPopup(a, { name: 'Ann' })).start();
  callId = await ann.callId();
  await ann.page.keyboard.press('Escape');
  ben = await (await openPopup(b, { name: 'Ben' })).join(callId);
  await ben.waitForState('in-call');
});

afterAll(async () => {
  await Promise.all(profiles.map((profile) => profile.close()));
  await server?.close();
});

describe('recording the call', () => {
  it('nobody is told of a recording before anyone records', async () => {
    for (const side of [ann, ben]) await expect.poll(() => side.tileLabels(), { timeout: 15_000 }).toHaveLength(1);
    for (const side of [ann, ben]) expect(await side.recordingIndicator()).toBeNull();
    expect(await ann.recordPressed()).toBe(false);
  });

  it('while Ann records, Ben sees "Recording" naming her, and so does Cat who joins meanwhile; after she stops, neither does', async () => {
    await ann.toggleRecording();
    const startedMs = Date.now();
    expect(await ann.recordPressed()).toBe(true);
    await expect.poll(() => ann.recordingIndicator(), { timeout: 5_000 }).toBe('Recording: You');
    await expect.poll(() => ben.recordingIndicator(), { timeout: 5_000 }).toBe('Recording: Ann');

    // Someone who comes in while Ann records is told in the first words she sends them.
    cat = await (await openPopup(profiles[2]!, { name: 'Cat' })).join(callId);
    await cat.waitForState('in-call');
    // In the call is not yet connected to Ann, who may have been dialed second.
    await expect.poll(() => cat.tileLabels(), { timeout: 20_000 }).toContain('Ann');
    await expect.poll(() => cat.recordingIndicator(), { timeout: 5_000 }).toBe('Recording: Ann');
    await expect.poll(() => ann.tileLabels(), { timeout: 10_000 }).toEqual(['Ben', 'Cat']);

    // At least 5 s of the three of them.
    const threeSinceMs = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    await ann.toggleRecording();
    recordedMs = Date.now() - startedMs;
    expect(Date.now() - threeSinceMs).toBeGreaterThanOrEqual(5_000);
    for (const side of [ann, ben, cat]) await expect.poll(() => side.recordingIndicator(), { timeout: 5_000 }).toBeNull();
    expect(await ann.recordPressed()).toBe(false);
  });

  it('Ann gets a WebM download that plays back in her page with frames and sound', async () => {
    await ann.openPanel('files');
    await expect.poll(() => ann.recordings(), { timeout: 10_000 }).toHaveLength(1);
    const [recording] = await ann.recordings();
    expect(recording!.fileName).toMatch(/^PeerCall-\d{4}-\d{2}-\d{2}-\d{6}\.webm$/);
    expect(recording!.href).toMatch(/^blob:/);
    // It plays in real time: as long as it ran, however long Cat took to connect.
    const played = await playBack(ann.page, recording!.href, recordedMs + 20_000);
    expect(played.magic, 'a WebM (EBML) file').toBe('1a45dfa3');
    expect({ width: played.width, height: played.height }).toEqual({ width: 1280, height: 720 });
    // About 23 pictures a second were drawn. A hidden tab's timers fire once a second, so a
    // recording paced by them would hold about one frame per second of it.
    expect(played.framesDecoded, 'decoded video frames').toBeGreaterThan((3 * recordedMs) / 1000);
    expect(played.framesPresented, 'frames shown while it played').toBeGreaterThan(25);
    expect(played.playedMs, 'it plays for about as long as it recorded').toBeGreaterThan(Math.min(4_500, recordedMs - 1_000));
    expect(played.peakRms, 'the beeps are in it').toBeGreaterThan(audibleRms);
  }, 120_000);

  it('leaving while recording ends the recording cleanly: the others stop seeing it, and the file waits on the end screen', async () => {
    await ann.toggleRecording();
    for (const side of [ben, cat]) await expect.poll(() => side.recordingIndicator(), { timeout: 5_000 }).toBe('Recording: Ann');
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    await ann.leave();
    await ann.endMessage().waitFor({ timeout: 5_000 });
    for (const side of [ben, cat]) await expect.poll(() => side.recordingIndicator(), { timeout: 10_000 }).toBeNull();
    await expect.poll(() => ann.recordings(), { timeout: 10_000 }).toHaveLength(2);
    const played = await playBack(ann.page, (await ann.recordings())[1]!.href);
    expect(played.magic).toBe('1a45dfa3');
    // Frames still waiting for a loaded encoder when the call ends may be lost; the file still plays.
    expect(played.framesDecoded, 'decoded video frames').toBeGreaterThan(0);
    expect(played.peakRms, 'the beeps are in it').toBeGreaterThan(audibleRms);
  });
});
