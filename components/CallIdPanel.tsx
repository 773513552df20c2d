import { useState } from 'preact/hooks';
import { t } from '../lib/i18n/i18n';

export interface CallIdPanelProps {
  callId: string;
  inviteText: string;
  onCopy(text: string): Promise<boolean>;
}

export function CallIdPanel({ callId, inviteText, onCopy }: CallIdPanelProps) {
  const [copied, setCopied] = useState<'id' | 'invite' | 'failed' | null>(null);
  const copy = async (what: 'id' | 'invite', text: string) => setCopied((await onCopy(text)) ? what : 'failed');

  return (
    <section class="call-id" aria-label={t('callId.label')}>
      <p>{t('callId.share')}</p>
      <output data-testid="call-id">{callId}</output>
      <div class="row">
        <button type="button" data-action="copy" onClick={() => copy('id', callId)}>
          {t('callId.copyId')}
        </button>
        <button type="button" data-action="copy-invite" onClick={() => copy('invite', inviteText)}>
          {t('callId.copyInvite')}
        </button>
        <span role="status">
          {copied === 'failed' ? t('callId.copyFailed') : copied === 'id' ? t('callId.idCopied') : copied === 'invite' ? t('callId.inviteCopied') : ''}
        </span>
      </div>
    </section>
  );
}
