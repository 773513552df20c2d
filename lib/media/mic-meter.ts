/**
 * How loud the microphone is right now, for the lobby's meter: the RMS of the waveform
 * from a Web Audio analyser, a few times a second. Only the number is computed here.
 */
import { signal } from '@preact/signals-core';

/** RMS of samples in -1..1, scaled so speech fills most of the meter (0..1). */
export function meterLevel(samples: Float32Array): number {
  if (samples.length === 0) return 0;
  let sum = 0;
  for (const s of samples) sum += s * s;
  const rms = Math.sqrt(sum / samples.length);
  // Speech peaks around an RMS of 0.1-0.3; a square root lifts quiet voices into view.
  return Math.min(1, Math.round(Math.sqrt(rms) * 1.6 * 100) / 100);
}

export class MicMeter {
  readonly level = signal(0);
  readonly #context: AudioContext;
  readonly #timer: ReturnType<typeof setInterval>;

  constructor(track: MediaStreamTrack, everyMs = 100) {
    this.#context = new AudioContext();
    const analyser = this.#context.createAnalyser();
    analyser.fftSize = 1024;
    this.#context.createMediaStreamSource(new MediaStream([track])).connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    this.#timer = setInterval(() => {
      analyser.getFloatTimeDomainData(samples);
      // A disabled (muted) track delivers silence, so the meter shows what others would hear.
      this.level.value = meterLevel(samples);
    }, everyMs);
  }

  stop(): void {
    clearInterval(this.#timer);
    void this.#context.close();
  }
}
