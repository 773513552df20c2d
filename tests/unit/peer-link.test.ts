// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { firstWordTimeoutMs, isSilent, PeerLink, silentPeerTimeoutMs } from '../../lib/call/peer-link';
import type { RemotePeer } from '../../lib/signaling/peer-transport';

/** Just enough of a remote for the bookkeeping under test: no senders, no media. */
function link(): PeerLink {
  const remote = { remoteId: 'peer-1', peerConnection: { getSenders: () => [] } } as unknown as RemotePeer;
  return new PeerLink(remote, 0);
}

describe('what we know of another person', () => {
  it('a hello names them', () => {
    const person = link();
    expect(person.receive({ v: 1, type: 'hello', name: 'Ana' }, 0)).toEqual({ kind: 'participant-changed' });
    expect(person.participant.name).toBe('Ana');
  });

  it('a media state that arrives after a newer one is ignored', () => {
    const person = link();
    person.receive({ v: 1, type: 'media-state', seq: 5, micMuted: true, cameraOff: false }, 0);
    expect(person.receive({ v: 1, type: 'media-state', seq: 4, micMuted: false, cameraOff: true }, 0)).toEqual({ kind: 'ignored' });
    expect(person.participant).toMatchObject({ micMuted: true, cameraOff: false });
  });

  it.each([
    ['who has not spoken yet while connecting', undefined, firstWordTimeoutMs, false],
    ['who never got a word through', undefined, firstWordTimeoutMs + 1, true],
    ['quiet for exactly the limit', 0, silentPeerTimeoutMs, false],
    ['quiet past the limit', 0, silentPeerTimeoutMs + 1, true],
  ])('a person %s counts as gone: %s', (_name, heardAt, now, silent) => {
    const person = link();
    if (heardAt !== undefined) person.receive({ v: 1, type: 'bye' }, heardAt);
    expect(isSilent(person, now)).toBe(silent);
  });
});
