import { t } from '../lib/i18n/i18n';
import type { JoinPolicy } from '../lib/signaling/room-signaling';

export interface DoorPanelProps {
  policy: JoinPolicy;
  /** Whether to offer the ask-to-join switch: the one who started the call chose it, so it is theirs. */
  host: boolean;
  /** The server cannot hear us now, so a change would go nowhere. */
  disabled: boolean;
  onAskToJoin(on: boolean): void;
  onLocked(locked: boolean): void;
}

/** Who may come in, said plainly, with the switches that change it; the server tells every member the result. */
export function DoorPanel({ policy, host, disabled, onAskToJoin, onLocked }: DoorPanelProps) {
  const locked = policy === 'locked';
  return (
    <section class="door" aria-label={t('door.label')} data-testid="door" data-policy={policy}>
      <p data-testid="door-policy">{t(`door.policy.${policy}`)}</p>
      {host && !locked && (
        <label class="check">
          <input type="checkbox" name="askToJoin" checked={policy === 'ask'} disabled={disabled} onChange={(e) => onAskToJoin(e.currentTarget.checked)} />
          {t('door.askToJoin')}
        </label>
      )}
      <button type="button" data-action="lock" aria-pressed={locked} disabled={disabled} onClick={() => onLocked(!locked)}>
        {locked ? t('door.unlock') : t('door.lock')}
      </button>
    </section>
  );
}
