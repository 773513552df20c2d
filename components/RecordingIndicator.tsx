import type { Participant } from '../lib/call/peer-link';
import { t } from '../lib/i18n/i18n';

export interface RecordingIndicatorProps {
  /** Whether we record the call ourselves. */
  you: boolean;
  others: readonly Participant[];
}

/** Says, on every screen in the call, that the call is being recorded and by whom. */
export function RecordingIndicator({ you, others }: RecordingIndicatorProps) {
  const names = [
    ...(you ? [t('common.you')] : []),
    ...others.flatMap((person, index) => (person.recording ? [person.name ?? t('common.person', { n: index + 1 })] : [])),
  ];
  if (names.length === 0) return null;
  return (
    <p class="recording-indicator" data-testid="recording-indicator" role="status">
      <span class="dot" aria-hidden="true" />
      {t('recording.by', { names: names.join(', ') })}
    </p>
  );
}
