import { type JoinRequest, requestName } from '../lib/call/join-requests';
import { t } from '../lib/i18n/i18n';

export interface JoinRequestListProps {
  requests: readonly JoinRequest[];
  /** Tells the cards in the call screen from those in the roster. */
  testId: string;
  onAnswer(request: string, verdict: 'admit' | 'deny'): void;
}

/** A card per newcomer waiting at the door: who asks, Admit and Deny. The name came over the network, so it is only ever text. */
export function JoinRequestList({ requests, testId, onAnswer }: JoinRequestListProps) {
  return (
    <ul class="join-request-list">
      {requests.map((request) => {
        const name = requestName(request);
        return (
          <li key={request.request} class="join-request" data-testid={testId}>
            <span class="asks">{t('door.asks', { name })}</span>
            <button type="button" class="primary" data-action="admit" aria-label={t('door.admitName', { name })} onClick={() => onAnswer(request.request, 'admit')}>
              {t('door.admit')}
            </button>
            <button type="button" data-action="deny" aria-label={t('door.denyName', { name })} onClick={() => onAnswer(request.request, 'deny')}>
              {t('door.deny')}
            </button>
          </li>
        );
      })}
    </ul>
  );
}
