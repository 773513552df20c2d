/**
 * How good each person's connection is, from the getStats report of their peer
 * connection: round-trip time, packet loss, received bitrate, and the resolution and
 * frame rate of their video. Pure: the session passes two reports' readings and the time.
 */
export interface StatsReading {
  readonly atMs: number;
  readonly bytesReceived: number;
  readonly packetsReceived: number;
  readonly packetsLost: number;
  readonly rttMs: number | null;
  readonly width: number | null;
  readonly height: number | null;
  readonly fps: number | null;
}

export type QualityLevel = 'good' | 'fair' | 'poor' | 'unknown';

export interface Quality {
  readonly level: QualityLevel;
  readonly rttMs: number | null;
  /** Share of packets lost since the previous reading, in percent. */
  readonly lossPct: number | null;
  readonly kbps: number | null;
  readonly width: number | null;
  readonly height: number | null;
  readonly fps: number | null;
}

const num = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);

export function readStats(report: Iterable<Record<string, unknown>>, atMs: number): StatsReading {
  const stats = [...report];
  let bytesReceived = 0, packetsReceived = 0, packetsLost = 0;
  let width: number | null = null, height: number | null = null, fps: number | null = null;
  for (const s of stats) {
    if (s.type !== 'inbound-rtp') continue;
    bytesReceived += num(s.bytesReceived) ?? 0;
    packetsReceived += num(s.packetsReceived) ?? 0;
    packetsLost += Math.max(0, num(s.packetsLost) ?? 0);
    if (s.kind === 'video') {
      width = num(s.frameWidth);
      height = num(s.frameHeight);
      fps = num(s.framesPerSecond);
    }
  }
  const transport = stats.find((s) => s.type === 'transport' && typeof s.selectedCandidatePairId === 'string');
  const pair = transport ? stats.find((s) => s.id === transport.selectedCandidatePairId) : stats.find((s) => s.type === 'candidate-pair' && s.nominated === true);
  const rtt = num(pair?.currentRoundTripTime);
  return { atMs, bytesReceived, packetsReceived, packetsLost, rttMs: rtt === null ? null : Math.round(rtt * 1000), width, height, fps };
}

/** Thresholds people notice in conversation: delay past ~400 ms and loss past ~8 % break it up. */
export function qualityLevel(rttMs: number | null, lossPct: number | null): QualityLevel {
  if (rttMs === null && lossPct === null) return 'unknown';
  if ((rttMs ?? 0) > 400 || (lossPct ?? 0) > 8) return 'poor';
  if ((rttMs ?? 0) > 150 || (lossPct ?? 0) > 2) return 'fair';
  return 'good';
}

export function quality(previous: StatsReading | null, current: StatsReading): Quality {
  let kbps: number | null = null;
  let lossPct: number | null = null;
  if (previous && current.atMs > previous.atMs) {
    const bytes = current.bytesReceived - previous.bytesReceived;
    if (bytes >= 0) kbps = Math.round((bytes * 8) / (current.atMs - previous.atMs));
    const received = current.packetsReceived - previous.packetsReceived;
    const lost = current.packetsLost - previous.packetsLost;
    if (received >= 0 && lost >= 0 && received + lost > 0) lossPct = Math.round((lost / (received + lost)) * 1000) / 10;
  }
  return { level: qualityLevel(current.rttMs, lossPct), rttMs: current.rttMs, lossPct, kbps, width: current.width, height: current.height, fps: current.fps };
}
