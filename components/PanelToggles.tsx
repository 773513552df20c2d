import { MessageSquare, Paperclip, Users } from 'lucide-preact';
import { t } from '../lib/i18n/i18n';
import { IconButton } from './IconButton';

export type SidePanelName = 'people' | 'chat' | 'files';

export interface PanelTogglesProps {
  open: SidePanelName | null;
  /** How many are in the call, us included. */
  people: number;
  unread: number;
  onToggle(name: SidePanelName): void;
}

/** The buttons that open the side panel on People, Chat (with its unread count) or Files. */
export function PanelToggles({ open, people, unread, onToggle }: PanelTogglesProps) {
  return (
    <div class="panel-toggles">
      <IconButton label={t('panel.peopleButton', { count: people })} action="panel-people" pressed={open === 'people'} count={people} onClick={() => onToggle('people')}>
        <Users size={20} aria-hidden="true" />
      </IconButton>
      <IconButton label={unread > 0 ? t('panel.chatUnread', { count: unread }) : t('panel.chat')} action="panel-chat" pressed={open === 'chat'} count={unread} onClick={() => onToggle('chat')}>
        <MessageSquare size={20} aria-hidden="true" />
      </IconButton>
      <IconButton label={t('panel.files')} action="panel-files" pressed={open === 'files'} onClick={() => onToggle('files')}>
        <Paperclip size={20} aria-hidden="true" />
      </IconButton>
    </div>
  );
}
