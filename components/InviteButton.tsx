import { UserPlus } from 'lucide-preact';
import { useState } from 'preact/hooks';
import { t } from '../lib/i18n/i18n';
import { CallIdPanel } from './CallIdPanel';
import { Popover } from './Popover';
import { QrCode } from './QrCode';

export interface InviteButtonProps {
  callId: string;
  link: string;
  inviteText: string;
  onCopy(text: string): Promise<boolean>;
}

/** The call ID and the invite, behind one button: copy the link, copy the ID, or show the link as a QR code. */
export function InviteButton({ callId, link, inviteText, onCopy }: InviteButtonProps) {
  const [open, setOpen] = useState(false);
  return (
    <div class="anchor">
      <button type="button" class="invite" data-action="invite" aria-expanded={open} onClick={() => setOpen(!open)}>
        <UserPlus size={18} aria-hidden="true" />
        {t('invite.button')}
      </button>
      <Popover open={open} label={t('invite.button')} testId="invite-panel" placement="below" onClose={() => setOpen(false)}>
        <CallIdPanel callId={callId} link={link} inviteText={inviteText} onCopy={onCopy} />
        <QrCode text={link} label={t('invite.qr')} />
      </Popover>
    </div>
  );
}
