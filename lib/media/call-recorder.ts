/**
 * Records the call as one picture and one sound: every tile drawn on a canvas in the
 * gallery's layout, every voice (ours and the others') mixed through Web Audio, and the two
 * fed to a MediaRecorder that writes WebM. Who is drawn and heard can change while it runs.
 */
import {
  afterChunk,
  coverCrop,
  maxRecordingBytes,
  pickRecordingMime,
  planTiles,
  recordingAudioBitsPerSecond,
  recordingCanvas,
  recordingFps,
  recordingTimesliceMs,
  recordingVideoBitsPerSecond,
} from './recording-plan';

export interface RecordedTile {
  /** Who the tile shows, stable while they are in the call. */
  readonly key: string;
  readonly name: string;
  /** Null, or a picture that is off, draws a card with the name instead. */
  readonly stream: MediaStream | null;
  readonly pictureOff: boolean;
}

/** Why a recording ended: asked to, full (see maxRecordingBytes), or the browser's recorder failed. */
export type RecordingEnd = 'stopped' | 'full' | 'failed';

export interface Recording {
  readonly blob: Blob;
  readonly startedAtMs: number;
  readonly durationMs: number;
  readonly endedBy: RecordingEnd;
}

export interface RecorderOptions {
  readonly maxBytes?: number;
}

/** Whether this browser can record the call: a canvas stream, Web Audio and a WebM recorder. */
export function canRecordCall(): boolean {
  return (
    typeof MediaRecorder === 'function' &&
    typeof AudioContext === 'function' &&
    typeof HTMLCanvasElement.prototype.captureStream === 'function' &&
    pickRecordingMime((mime) => MediaRecorder.isTypeSupported(mime)) !== null
  );
}

/** 2048 samples are 43 ms at 48 kHz: about 23 pictures a second, close to recordingFps. */
const clockFrames = 2048;
const fallbackDrawMs = 250;
const tileBackground = '#202124';
const labelBackground = 'rgba(0, 0, 0, 0.55)';

export class CallRecorder {
  /** Settles once, with what was recorded, however the recording ended. */
  readonly finished: Promise<Recording>;
  readonly #canvas = document.createElement('canvas');
  readonly #context2d: CanvasRenderingContext2D;
  readonly #audio = new AudioContext();
  readonly #mix = this.#audio.createMediaStreamDestination();
  readonly #videos = new Map<string, HTMLVideoElement>();
  readonly #voices = new Map<string, MediaStreamAudioSourceNode>();
  readonly #recorder: MediaRecorder;
  readonly #chunks: Blob[] = [];
  readonly #maxBytes: number;
  readonly #startedAtMs = Date.now();
  #tiles: readonly RecordedTile[] = [];
  #heldBytes = 0;
  #endedBy: RecordingEnd = 'stopped';
  #timer: ReturnType<typeof setInterval> | undefined;
  #clock: ScriptProcessorNode | null = null;
  #drawnAtMs = 0;

  /** Starts recording at once; `tiles` and `voices` say what to draw and mix from the start. */
  constructor(tiles: readonly RecordedTile[], voices: readonly MediaStreamTrack[], options: RecorderOptions = {}) {
    this.#maxBytes = options.maxBytes ?? maxRecordingBytes;
    this.#canvas.width = recordingCanvas.width;
    this.#canvas.height = recordingCanvas.height;
    const context = this.#canvas.getContext('2d', { alpha: false });
    if (!context) throw new Error('PeerCall: no 2D canvas to record on');
    this.#context2d = context;
    this.setTiles(tiles);
    this.setVoices(voices);
    // Started from the Record button's click, so the browser lets the mix run.
    void this.#audio.resume();
    const picture = this.#canvas.captureStream(recordingFps).getVideoTracks();
    const mimeType = pickRecordingMime((mime) => MediaRecorder.isTypeSupported(mime)) ?? '';
    this.#recorder = new MediaRecorder(new MediaStream([...picture, ...this.#mix.stream.getAudioTracks()]), {
      mimeType,
      videoBitsPerSecond: recordingVideoBitsPerSecond,
      audioBitsPerSecond: recordingAudioBitsPerSecond,
    });
    this.finished = new Promise((resolve) => {
      this.#recorder.addEventListener('stop', () => resolve(this.#release(mimeType)), { once: true });
    });
    this.#recorder.addEventListener('dataavailable', (event) => this.#keep(event.data));
    this.#recorder.addEventListener('error', () => this.#end('failed'));
    this.#draw();
    // The audio clock paces the drawing. A call tab is often hidden while people work in
    // other tabs, and there requestAnimationFrame stops and timers fire once a second; the
    // audio graph keeps running, and hands the page a buffer every `clockFrames` samples.
    this.#clock = this.#audio.createScriptProcessor(clockFrames, 1, 1);
    this.#clock.addEventListener('audioprocess', () => this.#draw());
    // Its output is silence (nothing writes to it); being connected is what makes it run.
    this.#clock.connect(this.#audio.destination);
    // Should the audio clock not run (a suspended context), the picture still moves, if slowly.
    this.#timer = setInterval(() => {
      if (performance.now() - this.#drawnAtMs >= fallbackDrawMs) this.#draw();
    }, fallbackDrawMs);
    this.#recorder.start(recordingTimesliceMs);
  }

  get recording(): boolean {
    return this.#recorder.state !== 'inactive';
  }

  /** Who is drawn, in the stage's order; people who left are dropped, newcomers added. */
  setTiles(tiles: readonly RecordedTile[]): void {
    this.#tiles = tiles;
    for (const [key, video] of this.#videos) {
      if (tiles.some((tile) => tile.key === key)) continue;
      video.srcObject = null;
      this.#videos.delete(key);
    }
    for (const tile of tiles) {
      let video = this.#videos.get(tile.key);
      if (!video) {
        video = document.createElement('video');
        // The voices reach the recording through the mix; the tile's own sound would play twice.
        video.muted = true;
        video.playsInline = true;
        this.#videos.set(tile.key, video);
      }
      if (video.srcObject !== tile.stream) {
        video.srcObject = tile.stream;
        if (tile.stream) video.play().catch(() => undefined);
      }
    }
  }

  /** The audio tracks to mix; by track, so a new microphone replaces the old one in the mix. */
  setVoices(tracks: readonly MediaStreamTrack[]): void {
    const ids = new Set(tracks.map((track) => track.id));
    for (const [id, source] of this.#voices) {
      if (ids.has(id)) continue;
      source.disconnect();
      this.#voices.delete(id);
    }
    for (const track of tracks) {
      if (this.#voices.has(track.id) || track.kind !== 'audio' || track.readyState === 'ended') continue;
      const source = this.#audio.createMediaStreamSource(new MediaStream([track]));
      source.connect(this.#mix);
      this.#voices.set(track.id, source);
    }
  }

  /** Ends the recording; what was recorded arrives on `finished`. */
  stop(): Promise<Recording> {
    this.#end('stopped');
    return this.finished;
  }

  #end(why: RecordingEnd): void {
    if (this.#recorder.state === 'inactive') return;
    this.#endedBy = why;
    this.#recorder.stop();
  }

  #keep(chunk: Blob): void {
    if (chunk.size === 0) return;
    this.#chunks.push(chunk);
    const next = afterChunk(this.#heldBytes, chunk.size, this.#maxBytes);
    this.#heldBytes = next.heldBytes;
    if (next.full) this.#end('full');
  }

  #draw(): void {
    this.#drawnAtMs = performance.now();
    const g = this.#context2d;
    g.fillStyle = '#000';
    g.fillRect(0, 0, recordingCanvas.width, recordingCanvas.height);
    for (const { tile, rect } of planTiles(this.#tiles)) {
      g.fillStyle = tileBackground;
      g.fillRect(rect.x, rect.y, rect.width, rect.height);
      const video = this.#videos.get(tile.key);
      const hasPicture = !tile.pictureOff && video !== undefined && video.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA && video.videoWidth > 0;
      if (hasPicture) {
        const crop = coverCrop(video.videoWidth, video.videoHeight, rect);
        g.drawImage(video, crop.x, crop.y, crop.width, crop.height, rect.x, rect.y, rect.width, rect.height);
      }
      this.#label(tile.name, rect, hasPicture);
    }
  }

  /** The name: centred on a tile without a picture, in the corner over one. */
  #label(name: string, rect: { x: number; y: number; width: number; height: number }, overPicture: boolean): void {
    const g = this.#context2d;
    const fontPx = Math.max(12, Math.round(rect.height / 14));
    g.font = `${fontPx}px system-ui, sans-serif`;
    g.textBaseline = 'middle';
    const textWidth = Math.min(g.measureText(name).width, rect.width - fontPx);
    if (!overPicture) {
      g.fillStyle = '#e8eaed';
      g.textAlign = 'center';
      g.fillText(name, rect.x + rect.width / 2, rect.y + rect.height / 2, rect.width - fontPx);
      return;
    }
    const pad = fontPx / 2;
    const boxHeight = fontPx * 1.6;
    const top = rect.y + rect.height - boxHeight - pad;
    g.fillStyle = labelBackground;
    g.fillRect(rect.x + pad, top, textWidth + 2 * pad, boxHeight);
    g.fillStyle = '#fff';
    g.textAlign = 'left';
    g.fillText(name, rect.x + 2 * pad, top + boxHeight / 2, rect.width - 3 * pad);
  }

  #release(mimeType: string): Recording {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#clock?.disconnect();
    this.#clock = null;
    for (const track of this.#recorder.stream.getTracks()) track.stop();
    for (const source of this.#voices.values()) source.disconnect();
    this.#voices.clear();
    for (const video of this.#videos.values()) video.srcObject = null;
    this.#videos.clear();
    void this.#audio.close();
    const blob = new Blob(this.#chunks, { type: mimeType.split(';')[0] || 'video/webm' });
    this.#chunks.length = 0;
    return { blob, startedAtMs: this.#startedAtMs, durationMs: Date.now() - this.#startedAtMs, endedBy: this.#endedBy };
  }
}
