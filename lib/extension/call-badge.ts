/**
 * What the toolbar icon says about the running call: a short badge (there is room for
 * about four characters) and a tooltip that says the same in words.
 */
import type { CallPhase, CallStatus } from './call-remote';
import { t, tPlural } from '../i18n/i18n';

export interface Badge {
  readonly text: string;
  /** Background colour; meaningless when the text is empty. */
  readonly colour: string;
  readonly title: string;
}

export const liveColour = '#1a7f37';
export const mutedColour = '#c9372c';
export const connectingColour = '#1f6feb';
export const idleTitle = 'PeerCall';

const phaseBadges: Record<CallPhase, { text: string; colour: string }> = {
  lobby: { text: '…', colour: connectingColour },
  starting: { text: '…', colour: connectingColour },
  dialing: { text: '…', colour: connectingColour },
  asking: { text: '…', colour: connectingColour },
  waiting: { text: 'WAIT', colour: liveColour },
  'in-call': { text: 'LIVE', colour: liveColour },
};

export function badgeFor(status: CallStatus | null): Badge {
  if (!status) return { text: '', colour: liveColour, title: idleTitle };
  // Being heard or not matters most, so a muted microphone wins over the phase.
  const { text, colour } = status.micMuted ? { text: 'MUTE', colour: mutedColour } : phaseBadges[status.phase];
  const media = [status.micMuted && t('badge.microphoneMuted'), status.cameraOff && t('state.cameraOff')].filter(Boolean);
  const phase = describePhase(status);
  return { text, colour, title: media.length > 0 ? t('badge.titleWithMedia', { phase, media: media.join(', ') }) : t('badge.title', { phase }) };
}

function describePhase(status: CallStatus): string {
  return status.phase === 'in-call' ? t('badge.phase.in-call', { others: describeOthers(status.participants) }) : t(`badge.phase.${status.phase}`);
}

/** "nobody else yet", "1 other person", "3 others". */
export function describeOthers(count: number): string {
  return count === 0 ? t('others.none') : tPlural('others', count);
}
