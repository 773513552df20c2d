import { describe, expect, it } from 'vitest';
import { quality, qualityLevel, readStats, type StatsReading } from '../../lib/media/connection-quality';

const report = (over: { bytes?: number; received?: number; lost?: number; rtt?: number } = {}) => [
  { id: 'T1', type: 'transport', selectedCandidatePairId: 'P1' },
  { id: 'P1', type: 'candidate-pair', currentRoundTripTime: over.rtt ?? 0.012 },
  { id: 'P2', type: 'candidate-pair', currentRoundTripTime: 9 },
  { id: 'A', type: 'inbound-rtp', kind: 'audio', bytesReceived: 1_000, packetsReceived: 100, packetsLost: 0 },
  { id: 'V', type: 'inbound-rtp', kind: 'video', bytesReceived: over.bytes ?? 100_000, packetsReceived: over.received ?? 900, packetsLost: over.lost ?? 0, frameWidth: 1280, frameHeight: 720, framesPerSecond: 30 },
  { id: 'O', type: 'outbound-rtp', kind: 'video', bytesSent: 5_000_000 },
];

describe('connection quality from getStats', () => {
  it('reads the selected pair\'s round trip, received totals and the video\'s size and rate', () => {
    expect(readStats(report(), 1_000)).toEqual({ atMs: 1_000, bytesReceived: 101_000, packetsReceived: 1_000, packetsLost: 0, rttMs: 12, width: 1280, height: 720, fps: 30 });
  });

  it('works out bitrate and loss between two readings', () => {
    const before = readStats(report(), 1_000);
    const after = readStats(report({ bytes: 350_000, received: 1_090, lost: 10 }), 2_000);
    // 250,000 bytes in a second; 10 of 200 packets lost.
    expect(quality(before, after)).toEqual({ level: 'fair', rttMs: 12, lossPct: 5, kbps: 2000, width: 1280, height: 720, fps: 30 });
  });

  it('has no bitrate or loss from a single reading, nor from counters that went backwards', () => {
    const first = readStats(report(), 1_000);
    expect(quality(null, first)).toMatchObject({ kbps: null, lossPct: null, rttMs: 12, level: 'good' });
    const reset: StatsReading = { ...first, atMs: 2_000, bytesReceived: 0, packetsReceived: 0 };
    expect(quality(first, reset)).toMatchObject({ kbps: null, lossPct: null });
  });

  it('ignores fields of the wrong type', () => {
    const bad = [{ type: 'inbound-rtp', kind: 'video', bytesReceived: 'lots', frameWidth: null, framesPerSecond: Number.NaN }];
    expect(readStats(bad, 0)).toMatchObject({ bytesReceived: 0, width: null, fps: null, rttMs: null });
  });

  it.each<[number | null, number | null, string]>([
    [null, null, 'unknown'],
    [20, 0, 'good'],
    [150, 2, 'good'],
    [151, 0, 'fair'],
    [20, 2.1, 'fair'],
    [401, 0, 'poor'],
    [20, 8.1, 'poor'],
    [null, 0, 'good'],
  ])('rtt %s ms and loss %s %% read as %s', (rtt, loss, level) => {
    expect(qualityLevel(rtt, loss)).toBe(level);
  });
});
