import { useEffect, useMemo, useState } from 'preact/hooks';
import type { CallSession } from '../lib/call/call-session';
import { t } from '../lib/i18n/i18n';
import { MicMeter } from '../lib/media/mic-meter';
import { maxDisplayNameChars } from '../lib/call/room-protocol';
import { DevicePicker } from './DevicePicker';
import { VideoTile } from './VideoTile';

export interface LobbyProps {
  session: CallSession;
  /** Entering with these choices; the name is also remembered for next time. */
  onEnter(choices: { name: string; micMuted: boolean; cameraOff: boolean }): void;
}

/** Before the call: see yourself, hear your microphone move the meter, pick devices, then enter. */
export function Lobby({ session, onEnter }: LobbyProps) {
  const { camera, microphone, cameras, microphones, speakers, cameraId, microphoneId, speakerId } = session.media;
  const state = session.state.value;
  const [name, setName] = useState(session.name.value);
  const [micOff, setMicOff] = useState(false);
  const [cameraOff, setCameraOff] = useState(false);
  const [level, setLevel] = useState(0);
  const [iceCheck, setIceCheck] = useState<string | null>(null);
  const track = camera.value;
  const preview = useMemo(() => (track ? new MediaStream([track]) : null), [track]);

  const mic = microphone.value;
  useEffect(() => {
    if (!mic) return;
    const meter = new MicMeter(mic);
    const stop = meter.level.subscribe(setLevel);
    return () => {
      stop();
      meter.stop();
    };
  }, [mic]);

  const host = state.kind === 'lobby' && state.role === 'host';
  return (
    <section class="lobby" aria-label={t('lobby.label')}>
      <VideoTile testId="lobby-video" name={name || t('common.you')} stream={preview} placeholder={track ? null : t('common.noCamera')} mirrored />
      <form
        class="lobby-choices"
        onSubmit={(event) => {
          event.preventDefault();
          onEnter({ name, micMuted: micOff, cameraOff });
        }}
      >
        <label class="meter-row">
          <span>{t('lobby.micLevel')}</span>
          <meter data-testid="mic-level" min={0} max={1} low={0.15} value={mic ? level : 0} aria-valuetext={mic ? t('unit.percent', { value: Math.round(level * 100) }) : t('lobby.noMicrophone')} />
        </label>
        <label>
          {t('common.yourName')}
          <input name="lobbyName" maxLength={maxDisplayNameChars} value={name} autocomplete="nickname" onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <DevicePicker name="camera" label={t('device.camera')} devices={cameras.value} selected={cameraId.value} onSelect={(id) => void session.selectDevice('video', id)} />
        <DevicePicker name="microphone" label={t('device.microphone')} devices={microphones.value} selected={microphoneId.value} onSelect={(id) => void session.selectDevice('audio', id)} />
        {speakers.value.length > 0 && (
          <DevicePicker name="speaker" label={t('device.speaker')} devices={speakers.value} selected={speakerId.value ?? 'default'} onSelect={(id) => session.media.selectSpeaker(id)} />
        )}
        <label class="check">
          <input type="checkbox" name="joinMuted" checked={micOff} onChange={(e) => setMicOff(e.currentTarget.checked)} />
          {t('lobby.joinMuted')}
        </label>
        <label class="check">
          <input type="checkbox" name="joinCameraOff" checked={cameraOff} onChange={(e) => setCameraOff(e.currentTarget.checked)} />
          {t('lobby.joinCameraOff')}
        </label>
        <button type="submit" class="primary" data-action="enter">
          {host ? t('lobby.start') : t('lobby.join')}
        </button>
        <button
          type="button"
          class="link"
          data-action="check-ice"
          onClick={async () => {
            setIceCheck(t('options.checkingIce'));
            setIceCheck(await session.checkConnectivity());
          }}
        >
          {t('options.checkIce')}
        </button>
        {iceCheck && (
          <p role="status" data-testid="ice-check">
            {iceCheck}
          </p>
        )}
      </form>
    </section>
  );
}
