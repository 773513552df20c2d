/**
 * The camera and microphone of this tab: acquiring them with fallbacks, switching
 * devices, camera off (released, so its light goes out) and mute (track kept, disabled).
 * Whoever sends media listens to `onTrackChanged` and swaps the sender's track.
 */
import { signal } from '@preact/signals-core';
import { type CallErrorCode, mediaErrorCode } from '../call/call-error';
import { type Device, type DeviceKind, devicesOfKind, onDevicesChanged } from './devices';
import { Emitter, type Unsubscribe } from '../call/emitter';
import { t } from '../i18n/i18n';

export type MediaKind = 'audio' | 'video';
export interface TrackChange {
  readonly kind: MediaKind;
  /** null: send nothing of this kind (camera off, or no device). */
  readonly track: MediaStreamTrack | null;
}

const videoConstraints: MediaTrackConstraints = { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30 } };
const deviceKindOf: Record<MediaKind, DeviceKind> = { audio: 'audioinput', video: 'videoinput' };

export class LocalMedia {
  readonly camera = signal<MediaStreamTrack | null>(null);
  readonly microphone = signal<MediaStreamTrack | null>(null);
  readonly micMuted = signal(false);
  readonly cameraOff = signal(false);
  /** The shared screen, while sharing: it goes out instead of the camera. */
  readonly screen = signal<MediaStreamTrack | null>(null);
  /** The device the user chose, kept while the camera is off so "camera on" reopens it. */
  readonly cameraId = signal<string | null>(null);
  readonly microphoneId = signal<string | null>(null);
  readonly cameras = signal<Device[]>([]);
  readonly microphones = signal<Device[]>([]);
  /** Where the others' voices play; empty where the browser cannot choose (no setSinkId). */
  readonly speakers = signal<Device[]>([]);
  /** The chosen speaker; null: the system default. */
  readonly speakerId = signal<string | null>(null);
  #trackSink: (change: TrackChange) => Promise<void> = async () => {};
  readonly #notices = new Emitter<CallErrorCode | string>();
  readonly #onDeviceChange = () => void this.#followDeviceChange();
  #stopped = false;

  /**
   * Where a new track goes (the senders). The old track is stopped only after the sink
   * has taken the new one: stopping it while replaceTrack is in flight can leave the
   * sender with a source that never delivers a frame.
   */
  setTrackSink(sink: (change: TrackChange) => Promise<void>): void {
    this.#trackSink = sink;
  }
  /** Problems and device fallbacks worth telling the user: an error code or a sentence. */
  onNotice(listener: (notice: CallErrorCode | string) => void): Unsubscribe {
    return this.#notices.on(listener);
  }

  /** Opens camera and microphone; returns the problem, if any, after salvaging what works. */
  async start(): Promise<CallErrorCode | null> {
    navigator.mediaDevices.addEventListener('devicechange', this.#onDeviceChange);
    let problem: CallErrorCode | null = null;
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: videoConstraints });
      // The user may have left while the devices were opening.
      if (this.#stopped) {
        for (const track of stream.getTracks()) track.stop();
        return null;
      }
      await this.#adopt('audio', stream.getAudioTracks()[0] ?? null);
      await this.#adopt('video', stream.getVideoTracks()[0] ?? null);
    } catch (error) {
      // One missing or busy device should not cost the other: try each on its own.
      const audio = await this.#open('audio', null);
      const video = await this.#open('video', null);
      problem = combinedProblem(audio, video, mediaErrorCode(error));
    }
    await this.refreshDevices();
    return problem;
  }

  async selectCamera(deviceId: string): Promise<CallErrorCode | null> {
    this.cameraId.value = deviceId;
    if (this.cameraOff.value) return null;
    return this.#open('video', deviceId);
  }

  async selectMicrophone(deviceId: string): Promise<CallErrorCode | null> {
    this.microphoneId.value = deviceId;
    return this.#open('audio', deviceId);
  }

  async setCameraOff(off: boolean): Promise<CallErrorCode | null> {
    this.cameraOff.value = off;
    if (!off) return this.#open('video', this.cameraId.value);
    await this.#replace('video', null);
    return null;
  }

  setMicMuted(muted: boolean): void {
    this.micMuted.value = muted;
    const track = this.microphone.value;
    if (track) track.enabled = !muted;
  }

  /**
   * Sends a screen, window or tab instead of the camera. Null when sharing started or
   * the person cancelled the browser's picker (not a problem); otherwise what went wrong.
   */
  async startScreenShare(): Promise<CallErrorCode | null> {
    if (this.screen.value || this.#stopped) return null;
    let track: MediaStreamTrack | undefined;
    try {
      const stream = await navigator.mediaDevices.getDisplayMedia({ video: { frameRate: { ideal: 15 } }, audio: false });
      track = stream.getVideoTracks()[0];
    } catch (error) {
      return error instanceof DOMException && error.name === 'NotAllowedError' ? null : 'screen-share-failed';
    }
    if (!track) return null;
    if (this.#stopped) {
      track.stop();
      return null;
    }
    // Text and lines matter more than motion in a shared screen.
    track.contentHint = 'detail';
    // The browser's own "Stop sharing" ends the track; go back to the camera then too.
    track.addEventListener('ended', () => void this.stopScreenShare());
    this.screen.value = track;
    await this.#trackSink({ kind: 'video', track });
    return null;
  }

  /** Back to the camera (or to nothing, if it is off). */
  async stopScreenShare(): Promise<void> {
    const track = this.screen.value;
    if (!track) return;
    this.screen.value = null;
    try {
      await this.#trackSink({ kind: 'video', track: this.camera.value });
    } finally {
      track.stop();
    }
  }

  async refreshDevices(): Promise<void> {
    const all = await navigator.mediaDevices.enumerateDevices();
    this.cameras.value = devicesOfKind(all, 'videoinput');
    this.microphones.value = devicesOfKind(all, 'audioinput');
    this.speakers.value = canChooseSpeaker() ? devicesOfKind(all, 'audiooutput') : [];
    // An unplugged speaker: back to the system default, which every <audio> follows.
    if (this.speakerId.value !== null && !this.speakers.value.some((d) => d.deviceId === this.speakerId.value)) this.speakerId.value = null;
  }

  selectSpeaker(deviceId: string): void {
    this.speakerId.value = deviceId;
  }

  stop(): void {
    this.#stopped = true;
    navigator.mediaDevices.removeEventListener('devicechange', this.#onDeviceChange);
    this.#trackSink = async () => {};
    void this.stopScreenShare();
    void this.#replace('audio', null);
    void this.#replace('video', null);
    this.#notices.clear();
  }

  /** Opens one device (null: the default) and swaps it in; the old track is stopped after. */
  async #open(kind: MediaKind, deviceId: string | null): Promise<CallErrorCode | null> {
    const base = kind === 'video' ? videoConstraints : {};
    const constraints = deviceId ? { ...base, deviceId: { exact: deviceId } } : kind === 'video' ? base : true;
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ [kind]: constraints });
      const track = (kind === 'video' ? stream.getVideoTracks() : stream.getAudioTracks())[0] ?? null;
      // The user may have left, or turned the camera off, while the device was opening.
      if (this.#stopped || (kind === 'video' && this.cameraOff.value)) {
        track?.stop();
        return null;
      }
      await this.#adopt(kind, track);
      return null;
    } catch (error) {
      const code = mediaErrorCode(error);
      return code === 'no-camera' && kind === 'audio' ? 'no-microphone' : code;
    }
  }

  async #adopt(kind: MediaKind, track: MediaStreamTrack | null): Promise<void> {
    if (track) {
      if (kind === 'audio') track.enabled = !this.micMuted.value;
      const id = track.getSettings().deviceId ?? null;
      (kind === 'video' ? this.cameraId : this.microphoneId).value = id;
      track.addEventListener('ended', () => void this.#followDeviceChange());
    }
    await this.#replace(kind, track);
  }

  async #replace(kind: MediaKind, track: MediaStreamTrack | null): Promise<void> {
    const slot = kind === 'video' ? this.camera : this.microphone;
    const old = slot.value;
    if (old === track) return;
    slot.value = track;
    try {
      // While a screen is shared it keeps the video senders; the camera only changes underneath.
      if (kind === 'audio' || this.screen.value === null) await this.#trackSink({ kind, track });
    } finally {
      old?.stop();
    }
  }

  /** Unplugging the device in use ends its track; fall back to the default and say so. */
  async #followDeviceChange(): Promise<void> {
    if (this.#stopped) return;
    await this.refreshDevices();
    for (const kind of ['video', 'audio'] as const) {
      const track = kind === 'video' ? this.camera.value : this.microphone.value;
      const available = kind === 'video' ? this.cameras.value : this.microphones.value;
      const inUse = track ? { deviceId: track.readyState === 'ended' ? '' : (track.getSettings().deviceId ?? ''), label: track.label } : null;
      const action = onDevicesChanged(available, inUse);
      if (action.kind === 'keep') continue;
      const switched = deviceKindOf[kind] === 'videoinput' ? 'device.cameraSwitched' : 'device.microphoneSwitched';
      if (action.kind === 'lost') {
        await this.#replace(kind, null);
        this.#notices.emit(kind === 'video' ? 'no-camera' : 'no-microphone');
        continue;
      }
      const problem = await this.#open(kind, action.to.deviceId);
      this.#notices.emit(problem ?? t(switched, { lost: action.lost, to: action.to.label }));
    }
  }
}

/** setSinkId is missing in some browsers (Firefox before 116, Safari): then the picker is hidden. */
export function canChooseSpeaker(): boolean {
  return typeof HTMLMediaElement !== 'undefined' && 'setSinkId' in HTMLMediaElement.prototype;
}

function combinedProblem(audio: CallErrorCode | null, video: CallErrorCode | null, first: CallErrorCode): CallErrorCode | null {
  if (audio === null && video === null) return null;
  if (audio === 'no-microphone' && video === 'no-camera') return 'no-devices';
  if (audio === null && video === 'no-camera') return 'no-camera';
  if (video === null && audio === 'no-microphone') return 'no-microphone';
  return video ?? audio ?? first;
}

/** Tracks that carry nothing, so a call can be negotiated with both kinds before devices exist. */
export function silentPlaceholders(): { tracks: MediaStreamTrack[]; release(): void } {
  const video = document.createElement('canvas').captureStream(0).getVideoTracks()[0];
  const context = new AudioContext();
  const audio = context.createMediaStreamDestination().stream.getAudioTracks()[0];
  const tracks = [audio, video].filter((t): t is MediaStreamTrack => t !== undefined);
  return {
    tracks,
    release: () => {
      for (const t of tracks) t.stop();
      void context.close();
    },
  };
}
