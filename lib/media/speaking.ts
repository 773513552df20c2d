/**
 * Who is speaking, from the audio levels getStats reports (0..1, linear). A level
 * above the threshold starts "speaking"; it lasts a little past the last loud sample
 * so the ring around a tile does not flicker between words.
 */
export const speakingLevel = 0.03;
export const speakingHoldMs = 700;
/** How often levels are sampled. */
export const audioSampleIntervalMs = 250;

export interface SpeakingState {
  /** When a level above the threshold was last seen; undefined if never. */
  readonly lastLoudMs: number | undefined;
  readonly speaking: boolean;
}

export const notSpeaking: SpeakingState = { lastLoudMs: undefined, speaking: false };

/** Folds one sample in. `level` is null when no level was reported (no audio yet). */
export function nextSpeaking(state: SpeakingState, level: number | null, nowMs: number): SpeakingState {
  const loud = level !== null && Number.isFinite(level) && level >= speakingLevel;
  const lastLoudMs = loud ? nowMs : state.lastLoudMs;
  const speaking = lastLoudMs !== undefined && nowMs - lastLoudMs <= speakingHoldMs;
  return speaking === state.speaking && lastLoudMs === state.lastLoudMs ? state : { lastLoudMs, speaking };
}

/** Reads the level of what we receive (inbound-rtp) and what we send (media-source) from one report. */
export function audioLevels(report: Iterable<Record<string, unknown>>): { received: number | null; sent: number | null } {
  let received: number | null = null;
  let sent: number | null = null;
  for (const stat of report) {
    if (stat.kind !== 'audio' || typeof stat.audioLevel !== 'number') continue;
    if (stat.type === 'inbound-rtp') received = Math.max(received ?? 0, stat.audioLevel);
    if (stat.type === 'media-source') sent = Math.max(sent ?? 0, stat.audioLevel);
  }
  return { received, sent };
}
