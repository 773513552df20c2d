/**
 * What the toolbar icon says about the running call: a short badge (there is room for
 * about four characters) and a tooltip that says the same in words.
 */
import type { CallPhase, CallStatus } from './call-remote';

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
  waiting: { text: 'WAIT', colour: liveColour },
  'in-call': { text: 'LIVE', colour: liveColour },
};

export function badgeFor(status: CallStatus | null): Badge {
  if (!status) return { text: '', colour: liveColour, title: idleTitle };
  // Being heard or not matters most, so a muted microphone wins over the phase.
  const { text, colour } = status.micMuted ? { text: 'MUTE', colour: mutedColour } : phaseBadges[status.phase];
  const media = [status.micMuted && 'microphone muted', status.cameraOff && 'camera off'].filter(Boolean);
  const detail = media.length > 0 ? ` (${media.join(', ')})` : '';
  return { text, colour, title: `${idleTitle}: ${describePhase(status)}${detail}` };
}

function describePhase(status: CallStatus): string {
  switch (status.phase) {
    case 'lobby':
      return 'getting ready for a call';
    case 'starting':
      return 'starting a call…';
    case 'dialing':
      return 'joining a call…';
    case 'waiting':
      return 'waiting for others to join';
    case 'in-call':
      return `in a call with ${describeOthers(status.participants)}`;
  }
}

/** "nobody else yet", "1 other person", "3 others". */
export function describeOthers(count: number): string {
  if (count === 0) return 'nobody else yet';
  return count === 1 ? '1 other person' : `${count} others`;
}
