import { useEffect } from 'preact/hooks';
import type { CallSession } from '../lib/call/call-session';
import { isActive } from '../lib/call/call-state';
import { t } from '../lib/i18n/i18n';
import type { Participant } from '../lib/call/peer-link';
import { VideoTile } from './VideoTile';

export interface PipViewProps {
  person: Participant | null;
  micMuted: boolean;
  onToggleMute(): void;
  onLeave(): void;
}

/** The active speaker in the picture-in-picture window, with the two buttons a person needs there. */
export function PipView({ person, micMuted, onToggleMute, onLeave }: PipViewProps) {
  return (
    <main class="pip">
      {person ? (
        <VideoTile
          testId="pip-video"
          peerId={person.peerId}
          name={person.name ?? t('common.someone')}
          micMuted={person.micMuted}
          speaking={person.speaking}
          stream={person.stream}
          placeholder={person.stream === null ? t('common.connecting') : person.cameraOff ? t('common.cameraIsOff') : null}
        />
      ) : (
        <div class="tile empty">{t('common.nobodyElseHere')}</div>
      )}
      <div class="row">
        <button type="button" data-action="pip-mute" aria-pressed={micMuted} onClick={onToggleMute}>
          {micMuted ? t('common.unmute') : t('common.mute')}
        </button>
        <button type="button" class="danger" data-action="pip-leave" onClick={onLeave}>
          {t('common.leave')}
        </button>
      </div>
    </main>
  );
}

/** PipView kept in step with a running call; closes its window when the call is over. */
export function SessionPip({ session, close }: { session: CallSession; close(): void }) {
  const active = session.activeSpeaker.value;
  const person = session.participants.value.find((p) => p.peerId === active) ?? null;
  const over = !isActive(session.state.value);
  useEffect(() => {
    if (over) close();
  }, [over]);
  const muted = session.media.micMuted.value;
  return <PipView person={person} micMuted={muted} onToggleMute={() => session.setMicMuted(!muted)} onLeave={() => session.leave()} />;
}
