import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../lib/i18n/i18n';

/**
 * The other person's voice, in an element of its own: a hidden or paused video tile
 * (camera off) must never silence them. If the browser blocks playback until the
 * user interacts, offer the click that starts it.
 */
type SinkableAudio = HTMLAudioElement & { setSinkId?(id: string): Promise<void>; sinkId?: string };

export function RemoteAudio({ stream, speakerId }: { stream: MediaStream | null; speakerId: string | null }) {
  const audio = useRef<HTMLAudioElement>(null);
  const [blocked, setBlocked] = useState(false);

  const play = () => {
    audio.current?.play().then(
      () => setBlocked(false),
      (error: unknown) => setBlocked(error instanceof DOMException && error.name === 'NotAllowedError'),
    );
  };

  useEffect(() => {
    const element = audio.current;
    if (!element || element.srcObject === stream) return;
    element.srcObject = stream;
    if (stream) play();
  }, [stream]);

  useEffect(() => {
    const element = audio.current as SinkableAudio | null;
    // '' is the system default; a speaker that vanished already fell back in LocalMedia.
    if (element?.setSinkId && element.sinkId !== (speakerId ?? '')) void element.setSinkId(speakerId ?? '').catch(() => undefined);
  }, [speakerId]);

  return (
    <>
      <audio ref={audio} data-testid="remote-audio" autoplay />
      {blocked && (
        <button type="button" class="primary" data-action="enable-sound" onClick={play}>
          {t('controls.enableSound')}
        </button>
      )}
    </>
  );
}
