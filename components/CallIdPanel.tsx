import { useState } from 'preact/hooks';
import { t } from '../lib/i18n/i18n';

export interface CallIdPanelProps {
  callId: string;
  /** The invite link alone: https://server/join#<call ID>. */
  link: string;
  /** The invite message: the link, and how to use it. */
  inviteText: string;
  onCopy(text: string): Promise<boolean>;
}

type Copied = 'id' | 'link' | 'invite' | 'failed' | null;

const copiedMessage = { id: 'callId.idCopied', link: 'invite.linkCopied', invite: 'callId.inviteCopied', failed: 'callId.copyFailed' } as const;

export function CallIdPanel({ callId, link, inviteText, onCopy }: CallIdPanelProps) {
  const [copied, setCopied] = useState<Copied>(null);
  const copy = async (what: 'id' | 'link' | 'invite', text: string) => setCopied((await onCopy(text)) ? what : 'failed');

  return (
    <section class="call-id" aria-label={t('callId.label')}>
      <p>{t('callId.share')}</p>
      <output data-testid="call-id">{callId}</output>
      <div class="row">
        <button type="button" data-action="copy-link" onClick={() => copy('link', link)}>
          {t('invite.copyLink')}
        </button>
        <button type="button" data-action="copy" onClick={() => copy('id', callId)}>
          {t('callId.copyId')}
        </button>
        <button type="button" data-action="copy-invite" onClick={() => copy('invite', inviteText)}>
          {t('callId.copyInvite')}
        </button>
      </div>
      <p role="status">{copied === null ? '' : t(copiedMessage[copied])}</p>
    </section>
  );
}
