import type { SavedRecording } from '../lib/call/call-recording';
import { formatBytes } from '../lib/files/file-transfer-plan';
import { t } from '../lib/i18n/i18n';

const clock = (ms: number) => {
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
};

/** Our finished recordings, each a download link to its blob, kept until the tab closes. */
export function RecordingList({ saved }: { saved: readonly SavedRecording[] }) {
  if (saved.length === 0) return null;
  return (
    <section class="recordings" aria-label={t('recording.label')}>
      <h2>{t('recording.label')}</h2>
      <ul>
        {saved.map((recording) => (
          <li key={recording.url} data-testid="recording">
            <span class="name">{recording.fileName}</span>
            <span class="detail">{t('recording.summary', { duration: clock(recording.durationMs), size: formatBytes(recording.bytes) })}</span>
            <a data-action="save-recording" href={recording.url} download={recording.fileName}>
              {t('recording.download')}
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}
