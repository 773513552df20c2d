import { Circle, CircleStop } from 'lucide-preact';
import { t } from '../lib/i18n/i18n';
import { IconButton } from './IconButton';

/** Record the call, or stop; pressed while recording, and red so it shows at a glance. */
export function RecordButton({ recording, iconSize, onToggle }: { recording: boolean; iconSize: number; onToggle(): void }) {
  return (
    <IconButton label={recording ? t('recording.stop') : t('recording.start')} action="record" pressed={recording} tone={recording ? 'off' : undefined} onClick={onToggle}>
      {recording ? <CircleStop size={iconSize} aria-hidden="true" /> : <Circle size={iconSize} aria-hidden="true" />}
    </IconButton>
  );
}
