/**
 * The safety code, as people would use it: two people in a call read the same code in
 * People, and it is the code of the certificates their connection really uses, worked out
 * here apart from the extension from each browser's own stats. Another call between the
 * same two has fresh certificates and so a new code, and with a third person each pair of
 * people has a code of its own.
 */
import { pbkdf2Sync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { safetyCodeDomain, safetyCodeGroupDigits, safetyCodeGroups, safetyCodeIterations } from '../../lib/call/safety-code';
import { en } from '../../lib/i18n/locales/en';
import { parseConfig } from '../../signaling/config';
import { type RunningSignalingServer, startSignalingServer } from '../../signaling/server';
import { launchProfile, type Profile } from './support/browser';
import { ownCertificateFingerprints } from './support/media-probes';
import { type CallTab, configure, openPopup } from './support/pages';

let server: RunningSignalingServer;
let ann: Profile;
let ben: Profile;
let cat: Profile;
let annCall: CallTab;
let benCall: CallTab;
/** The code Ann and Ben read in their first call. */
let firstCode: string;
/** Ann's certificate in the first call. */
let firstCertificate: string;

beforeAll(async () => {
  server = await startSignalingServer(parseConfig({ PEERCALL_PORT: '0' }, []));
  [ann, ben, cat] = await Promise.all([launchProfile(), launchProfile(), launchProfile()]);
  await Promise.all([ann, ben, cat].map((p) => configure(p, { signalingUrl: server.url })));
}, 60_000);

afterAll(async () => {
  await Promise.all([ann, ben, cat].map((p) => p?.close()));
  await server?.close();
});

/** The code for two certificates, from Node's own PBKDF2 with the parameters the extension publishes. */
function codeFor(fingerprintA: string, fingerprintB: string): string {
  const sorted = [fingerprintA.toUpperCase(), fingerprintB.toUpperCase()].sort();
  const bits = pbkdf2Sync(sorted.join('\n'), safetyCodeDomain, safetyCodeIterations, 8, 'sha256');
  const digitCount = safetyCodeGroups * safetyCodeGroupDigits;
  const digits = (bits.readBigUInt64BE(0) % 10n ** BigInt(digitCount)).toString().padStart(digitCount, '0');
  return Array.from({ length: safetyCodeGroups }, (_, i) => digits.slice(i * safetyCodeGroupDigits, (i + 1) * safetyCodeGroupDigits)).join(' ');
}

/** What `call` shows as its code for `name`, with every group four digits. */
async function codeShownFor(call: CallTab, name: string): Promise<string> {
  const { people, hint } = await call.safetyCodes();
  expect(hint).toBe(en['safety.howToCompare']);
  const person = people.find((p) => p.name === name);
  expect(person, `${name} is in People`).toBeDefined();
  expect(person!.groups).toHaveLength(3);
  for (const group of person!.groups) expect(group).toMatch(/^\d{4}$/);
  return person!.groups.join(' ');
}

/** Ann starts a call and Ben joins it; both are in it once this resolves. */
async function callOfAnnAndBen(): Promise<void> {
  annCall = await (await openPopup(ann, { name: 'Ann' })).start();
  await annCall.waitForState('waiting');
  benCall = await (await openPopup(ben, { name: 'Ben' })).join(await annCall.callId());
  await Promise.all([annCall.waitForState('in-call'), benCall.waitForState('in-call')]);
}

describe('the safety code', () => {
  it('in a call of two, both read the same code, the one of the certificates their connection uses', async () => {
    await callOfAnnAndBen();
    const annReads = await codeShownFor(annCall, 'Ben');
    const benReads = await codeShownFor(benCall, 'Ann');
    expect(annReads).toBe(benReads);

    // Each browser's own certificate, from its own stats: the code of the two is what both must show.
    const [annCertificate] = await ownCertificateFingerprints(annCall.page);
    const [benCertificate] = await ownCertificateFingerprints(benCall.page);
    expect(annCertificate, 'Ann has a connected DTLS transport').toBeDefined();
    expect(benCertificate, 'Ben has a connected DTLS transport').toBeDefined();
    expect(annReads).toBe(codeFor(annCertificate!, benCertificate!));
    firstCode = annReads;
    firstCertificate = annCertificate!;
  });

  it('another call between the same two has new certificates, and a new code', async () => {
    await annCall.leave();
    await benCall.leave();
    await Promise.all([annCall.page.close(), benCall.page.close()]);
    await callOfAnnAndBen();
    const annReads = await codeShownFor(annCall, 'Ben');
    expect(await codeShownFor(benCall, 'Ann')).toBe(annReads);
    const [annCertificate] = await ownCertificateFingerprints(annCall.page);
    const [benCertificate] = await ownCertificateFingerprints(benCall.page);
    expect(annCertificate, 'a fresh connection, a fresh certificate').not.toBe(firstCertificate);
    expect(annReads).toBe(codeFor(annCertificate!, benCertificate!));
    expect(annReads).not.toBe(firstCode);
  });

  it('with a third person, each pair of people has a code of its own', async () => {
    const catCall = await (await openPopup(cat, { name: 'Cat' })).join(await annCall.callId());
    await catCall.waitForState('in-call');
    await expect.poll(async () => (await annCall.safetyCodes()).people.map((p) => p.name).sort(), { timeout: 10_000 }).toEqual(['Ben', 'Cat']);
    await expect.poll(async () => (await benCall.safetyCodes()).people.length, { timeout: 10_000 }).toBe(2);
    const annForBen = await codeShownFor(annCall, 'Ben');
    const annForCat = await codeShownFor(annCall, 'Cat');
    expect(annForCat).not.toBe(annForBen);
    expect(await codeShownFor(catCall, 'Ann')).toBe(annForCat);
    expect(await codeShownFor(catCall, 'Ben')).toBe(await codeShownFor(benCall, 'Cat'));
    expect(await codeShownFor(benCall, 'Ann')).toBe(annForBen);
  });
});
