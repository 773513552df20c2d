/** What the popup shows: the running call with its controls, or Start and Join when none runs. */
import { describeOthers } from './call-badge';
import type { CallPhase, CallStatus } from './call-remote';
import { t } from '../i18n/i18n';

export interface RunningCallView {
  readonly phase: CallPhase;
  readonly phaseLabel: string;
  /** How long the call has lasted: mm:ss, or h:mm:ss from the first hour on; null before entering it. */
  readonly elapsed: string | null;
  readonly participants: number;
  readonly participantsLabel: string;
  readonly micMuted: boolean;
  readonly cameraOff: boolean;
  /** The buttons name what they will do, as the call tab's own controls do. */
  readonly muteLabel: string;
  readonly cameraLabel: string;
}

export type PopupView = { kind: 'start-or-join' } | ({ kind: 'running-call' } & RunningCallView);

export function popupView(status: CallStatus | null, nowMs: number): PopupView {
  if (!status) return { kind: 'start-or-join' };
  const others = describeOthers(status.participants);
  return {
    kind: 'running-call',
    phase: status.phase,
    phaseLabel: t(`running.phase.${status.phase}`),
    elapsed: status.phase === 'lobby' ? null : formatElapsed(nowMs - status.startedAtMs),
    participants: status.participants,
    participantsLabel: others.charAt(0).toUpperCase() + others.slice(1),
    micMuted: status.micMuted,
    cameraOff: status.cameraOff,
    muteLabel: status.micMuted ? t('common.unmute') : t('common.mute'),
    cameraLabel: status.cameraOff ? t('common.cameraOn') : t('common.cameraOff'),
  };
}

const two = (n: number): string => String(n).padStart(2, '0');

/** Whole seconds, rounded down; a start "in the future" (a clock step back) shows 00:00. */
export function formatElapsed(ms: number): string {
  const totalSeconds = Number.isFinite(ms) && ms > 0 ? Math.floor(ms / 1000) : 0;
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  return hours > 0 ? `${hours}:${two(minutes)}:${two(seconds)}` : `${two(minutes)}:${two(seconds)}`;
}
