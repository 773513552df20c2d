import { render } from 'preact';
import type { CallSession } from '../lib/call/call-session';
import { t } from '../lib/i18n/i18n';
import { canPictureInPicture, openPictureInPicture } from '../lib/media/picture-in-picture';
import { SessionPip } from './PipView';
import { DevicePicker } from './DevicePicker';

export function Controls({ session }: { session: CallSession }) {
  const { micMuted, cameraOff, cameras, microphones, cameraId, microphoneId, microphone, screen, speakers, speakerId } = session.media;
  const muted = micMuted.value;
  const off = cameraOff.value;
  const sharing = screen.value !== null;
  // Screen capture is missing on most phones; offer only what the browser can do.
  const canShare = typeof navigator.mediaDevices?.getDisplayMedia === 'function';

  return (
    <section class="controls" aria-label={t('controls.label')}>
      <button
        type="button"
        data-action="mute"
        aria-pressed={muted}
        disabled={microphone.value === null}
        onClick={() => session.setMicMuted(!muted)}
      >
        {muted ? t('common.unmute') : t('common.mute')}
      </button>
      <button
        type="button"
        data-action="camera"
        aria-pressed={off}
        disabled={cameras.value.length === 0}
        onClick={() => void session.setCameraOff(!off)}
      >
        {off ? t('common.cameraOn') : t('common.cameraOff')}
      </button>
      {canShare && (
        <button
          type="button"
          data-action="share-screen"
          aria-pressed={sharing}
          onClick={() => void (sharing ? session.stopScreenShare() : session.shareScreen())}
        >
          {sharing ? t('controls.stopSharing') : t('controls.shareScreen')}
        </button>
      )}
      {canPictureInPicture() && (
        <button type="button" data-action="pop-out" title={t('controls.popOutTitle')} onClick={() => void popOut(session)}>
          {t('controls.popOut')}
        </button>
      )}
      <DevicePicker
        name="camera"
        label={t('device.camera')}
        devices={cameras.value}
        selected={cameraId.value}
        onSelect={(id) => void session.selectDevice('video', id)}
      />
      <DevicePicker
        name="microphone"
        label={t('device.microphone')}
        devices={microphones.value}
        selected={microphoneId.value}
        onSelect={(id) => void session.selectDevice('audio', id)}
      />
      {speakers.value.length > 0 && (
        <DevicePicker
          name="speaker"
          label={t('device.speaker')}
          devices={speakers.value}
          selected={speakerId.value ?? 'default'}
          onSelect={(id) => session.media.selectSpeaker(id)}
        />
      )}
      <button type="button" class="danger" data-action="leave" onClick={() => session.leave()}>
        {t('common.leave')}
      </button>
    </section>
  );
}

/** Opens picture-in-picture with the active speaker; the call tab's own video is the fallback. */
async function popOut(session: CallSession): Promise<void> {
  let close = () => {};
  const opened = await openPictureInPicture(
    (container) => {
      render(<SessionPip session={session} close={() => close()} />, container);
      return () => render(null, container);
    },
    () => document.querySelector<HTMLVideoElement>(`[data-peer="${session.activeSpeaker.value}"] video`),
  ).catch(() => null);
  if (opened) close = opened;
}
