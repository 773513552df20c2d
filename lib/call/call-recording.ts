/**
 * Recording the call from this tab: keeps the recorder drawing and mixing whoever is in the
 * call as people come and go, tells everyone while it runs, and holds the finished files
 * for download until the tab closes, as received files are.
 */
import { effect, type ReadonlySignal, signal } from '@preact/signals-core';
import { t } from '../i18n/i18n';
import { CallRecorder, canRecordCall, type RecordedTile, type Recording } from '../media/call-recorder';
import type { LocalMedia } from '../media/local-media';
import { maxRecordingBytes, recordingFileName } from '../media/recording-plan';
import type { Participant } from './peer-link';

export interface SavedRecording {
  readonly url: string;
  readonly fileName: string;
  readonly bytes: number;
  readonly durationMs: number;
}

export interface RecordingWiring {
  readonly participants: ReadonlySignal<readonly Participant[]>;
  readonly media: LocalMedia;
  /** Tells everyone in the call, and each person who connects later, whether we record. */
  announce(recording: boolean): void;
  notify(text: string): void;
}

/** Below this much room left under the tab's cap a recording would stop almost at once. */
const minRoomBytes = 16 * 1024 ** 2;

export class CallRecording {
  /** When our recording started; null while we do not record. */
  readonly since = signal<number | null>(null);
  /** Finished recordings, oldest first, downloadable until the tab closes. */
  readonly saved = signal<readonly SavedRecording[]>([]);
  readonly supported = canRecordCall();
  readonly #wiring: RecordingWiring;
  #recorder: CallRecorder | null = null;
  #unfollow = () => {};
  /** Our own picture's stream, kept while its track is the same so the recorder's video keeps playing. */
  #ownStream: MediaStream | null = null;
  readonly #holdTab = (event: BeforeUnloadEvent) => event.preventDefault();

  constructor(wiring: RecordingWiring) {
    this.#wiring = wiring;
  }

  start(): void {
    if (this.#recorder || !this.supported) return;
    // One cap for everything this tab holds: each finished file stays in memory until it closes.
    const roomBytes = maxRecordingBytes - this.saved.value.reduce((sum, saved) => sum + saved.bytes, 0);
    if (roomBytes < minRoomBytes) return this.#wiring.notify(t('recording.noRoom'));
    const recorder = new CallRecorder(this.#tiles(), this.#voices(), { maxBytes: roomBytes });
    this.#recorder = recorder;
    this.since.value = Date.now();
    this.#unfollow = effect(() => {
      recorder.setTiles(this.#tiles());
      recorder.setVoices(this.#voices());
    });
    // Closing the tab would lose the file: the browser asks first.
    window.addEventListener('beforeunload', this.#holdTab);
    this.#wiring.announce(true);
    void recorder.finished.then((recording) => this.#finished(recording));
  }

  /** Ends our recording, if any; the file is offered as soon as the recorder hands it over. */
  stop(): void {
    if (!this.#recorder) return;
    // The others' screens stop saying so now, not when the browser has finished the file.
    this.#wiring.announce(false);
    void this.#recorder.stop();
  }

  #finished(recording: Recording): void {
    this.#unfollow();
    this.#recorder = null;
    this.since.value = null;
    window.removeEventListener('beforeunload', this.#holdTab);
    this.#wiring.announce(false);
    if (recording.blob.size > 0) {
      const saved = { url: URL.createObjectURL(recording.blob), fileName: recordingFileName(new Date(recording.startedAtMs)), bytes: recording.blob.size, durationMs: recording.durationMs };
      this.saved.value = [...this.saved.value, saved];
    }
    if (recording.endedBy === 'full') return this.#wiring.notify(t('recording.full'));
    if (recording.endedBy === 'failed') return this.#wiring.notify(t('recording.failed'));
    this.#wiring.notify(t('recording.ready'));
  }

  /** Everyone as the gallery shows them: the others in the order they came, then us. */
  #tiles(): RecordedTile[] {
    const { camera, cameraOff, screen } = this.#wiring.media;
    const others = this.#wiring.participants.value.map((person, index) => ({
      key: person.peerId,
      name: person.name ?? t('common.person', { n: index + 1 }),
      stream: person.stream,
      pictureOff: person.cameraOff,
    }));
    const ownTrack = screen.value ?? camera.value;
    if (this.#ownStream?.getVideoTracks()[0] !== ownTrack) this.#ownStream = ownTrack ? new MediaStream([ownTrack]) : null;
    const self = { key: 'self', name: t('common.you'), stream: this.#ownStream, pictureOff: screen.value === null && cameraOff.value };
    return [...others, self];
  }

  #voices(): MediaStreamTrack[] {
    const theirs = this.#wiring.participants.value.flatMap((person) => person.stream?.getAudioTracks() ?? []);
    const ours = this.#wiring.media.microphone.value;
    return ours ? [...theirs, ours] : theirs;
  }
}
