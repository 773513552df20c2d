import { t } from '../lib/i18n/i18n';

/**
 * One person's safety code, in the groups people read aloud one at a time. Until both
 * sides' certificates are known there is nothing to compare, and it says so.
 */
export function SafetyCode({ code }: { code: string | null }) {
  if (code === null) {
    return (
      <span class="safety-code" data-testid="safety-code" data-known="false">
        {t('safety.pending')}
      </span>
    );
  }
  return (
    <span class="safety-code" data-testid="safety-code" data-known="true" aria-label={t('safety.label', { code })}>
      {code.split(' ').map((group, i) => (
        <span key={i} class="group" data-testid="safety-code-group">
          {group}
        </span>
      ))}
    </span>
  );
}
