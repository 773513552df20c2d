import { ChevronUp, Hand, Mic, MicOff, MonitorOff, MonitorUp, PhoneOff, PictureInPicture2, Video, VideoOff } from 'lucide-preact';
import { render } from 'preact';
import { useState } from 'preact/hooks';
import type { CallSession } from '../lib/call/call-session';
import { t } from '../lib/i18n/i18n';
import { canPictureInPicture, openPictureInPicture } from '../lib/media/picture-in-picture';
import { DevicePicker } from './DevicePicker';
import { IconButton } from './IconButton';
import { SessionPip } from './PipView';
import { Popover } from './Popover';
import { ReactionsMenu } from './ReactionsMenu';
import { RecordButton } from './RecordButton';

const iconSize = 22;

/**
 * The control bar at the bottom of the call: microphone and camera (each with a small arrow
 * opening its device menu), screen sharing, reactions, raise hand, pop out, record, and leave. State shows at a glance: a
 * muted microphone or a camera that is off is drawn struck through on a red button.
 */
export function Controls({ session }: { session: CallSession }) {
  const { micMuted, cameraOff, cameras, microphones, cameraId, microphoneId, microphone, screen, speakers, speakerId } = session.media;
  const [menu, setMenu] = useState<'camera' | 'microphone' | null>(null);
  const muted = micMuted.value;
  const off = cameraOff.value;
  const sharing = screen.value !== null;
  const handUp = session.handRaised.value;
  // Screen capture is missing on most phones; offer only what the browser can do.
  const canShare = typeof navigator.mediaDevices?.getDisplayMedia === 'function';
  const toggleMenu = (which: 'camera' | 'microphone') => setMenu(menu === which ? null : which);

  return (
    <footer class="control-bar" aria-label={t('controls.label')}>
      <div class="split anchor">
        <IconButton label={muted ? t('common.unmute') : t('common.mute')} action="mute" pressed={muted} tone={muted ? 'off' : undefined} disabled={microphone.value === null} onClick={() => session.setMicMuted(!muted)}>
          {muted ? <MicOff size={iconSize} aria-hidden="true" /> : <Mic size={iconSize} aria-hidden="true" />}
        </IconButton>
        <button type="button" class="menu-arrow" data-action="microphone-menu" aria-label={t('controls.audioMenu')} title={t('controls.audioMenu')} aria-expanded={menu === 'microphone'} onClick={() => toggleMenu('microphone')}>
          <ChevronUp size={16} aria-hidden="true" />
        </button>
        <Popover open={menu === 'microphone'} label={t('controls.audioMenu')} testId="microphone-menu" onClose={() => setMenu(null)}>
          <DevicePicker name="microphone" label={t('device.microphone')} devices={microphones.value} selected={microphoneId.value} onSelect={(id) => void session.selectDevice('audio', id)} />
          {speakers.value.length > 0 && (
            <DevicePicker name="speaker" label={t('device.speaker')} devices={speakers.value} selected={speakerId.value ?? 'default'} onSelect={(id) => session.media.selectSpeaker(id)} />
          )}
        </Popover>
      </div>
      <div class="split anchor">
        <IconButton label={off ? t('common.cameraOn') : t('common.cameraOff')} action="camera" pressed={off} tone={off ? 'off' : undefined} disabled={cameras.value.length === 0} onClick={() => void session.setCameraOff(!off)}>
          {off ? <VideoOff size={iconSize} aria-hidden="true" /> : <Video size={iconSize} aria-hidden="true" />}
        </IconButton>
        <button type="button" class="menu-arrow" data-action="camera-menu" aria-label={t('controls.videoMenu')} title={t('controls.videoMenu')} aria-expanded={menu === 'camera'} onClick={() => toggleMenu('camera')}>
          <ChevronUp size={16} aria-hidden="true" />
        </button>
        <Popover open={menu === 'camera'} label={t('controls.videoMenu')} testId="camera-menu" onClose={() => setMenu(null)}>
          <DevicePicker name="camera" label={t('device.camera')} devices={cameras.value} selected={cameraId.value} onSelect={(id) => void session.selectDevice('video', id)} />
        </Popover>
      </div>
      {canShare && (
        <IconButton label={sharing ? t('controls.stopSharing') : t('controls.shareScreen')} action="share-screen" pressed={sharing} onClick={() => void (sharing ? session.stopScreenShare() : session.shareScreen())}>
          {sharing ? <MonitorOff size={iconSize} aria-hidden="true" /> : <MonitorUp size={iconSize} aria-hidden="true" />}
        </IconButton>
      )}
      <ReactionsMenu iconSize={iconSize} onReact={(reaction) => session.react(reaction)} />
      <IconButton label={t('controls.raiseHand')} action="raise-hand" pressed={handUp} onClick={() => session.setHandRaised(!handUp)}>
        <Hand size={iconSize} aria-hidden="true" />
      </IconButton>
      {canPictureInPicture() && (
        <IconButton label={t('controls.popOutTitle')} action="pop-out" onClick={() => void popOut(session)}>
          <PictureInPicture2 size={iconSize} aria-hidden="true" />
        </IconButton>
      )}
      {session.recording.supported && (
        <RecordButton recording={session.recording.since.value !== null} iconSize={iconSize} onToggle={() => (session.recording.since.value === null ? session.recording.start() : session.recording.stop())} />
      )}
      <IconButton label={t('common.leave')} action="leave" tone="danger" onClick={() => session.leave()}>
        <PhoneOff size={iconSize} aria-hidden="true" />
      </IconButton>
    </footer>
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
