import { t } from '../lib/i18n/i18n';

/** The guest page opened without a call ID in its link: say so, and offer a call of one's own. */
export function GuestLanding({ onStart }: { onStart(): void }) {
  return (
    <main class="guest-landing">
      <h1>{t('guest.heading')}</h1>
      <p role="alert" data-testid="guest-no-call-id">
        {t('guest.noCallId')}
      </p>
      <button type="button" class="primary" data-action="start" onClick={onStart}>
        {t('popup.start')}
      </button>
    </main>
  );
}
