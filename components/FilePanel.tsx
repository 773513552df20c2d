import type { ReadonlySignal } from '@preact/signals-core';
import { useRef, useState } from 'preact/hooks';
import { formatBytes } from '../lib/files/file-transfer-plan';
import type { TransferView } from '../lib/files/file-transfers';
import { t } from '../lib/i18n/i18n';

export interface FilePanelProps {
  /** Read here, not by the parent: a moving progress bar re-renders this panel alone. */
  transfers: ReadonlySignal<readonly TransferView[]>;
  /** Null once the call is over: what arrived stays downloadable, nothing new is sent. */
  onSend: ((files: readonly File[]) => void) | null;
  onCancel(id: string): void;
}

export function FilePanel({ transfers: list, onSend, onCancel }: FilePanelProps) {
  const transfers = list.value;
  const picker = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);
  if (!onSend && transfers.length === 0) return null;

  return (
    <section
      class={dragging ? 'files dragging' : 'files'}
      aria-label={t('files.label')}
      onDragOver={(event) => {
        if (!onSend) return;
        event.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={(event) => {
        if (!onSend) return;
        event.preventDefault();
        setDragging(false);
        onSend([...(event.dataTransfer?.files ?? [])]);
      }}
    >
      {onSend && (
        <div class="row">
          <button type="button" data-action="send-file" onClick={() => picker.current?.click()}>
            {t('files.send')}
          </button>
          <span class="hint">{t('files.hint')}</span>
          <input
            ref={picker}
            type="file"
            name="file"
            multiple
            hidden
            onChange={(event) => {
              const input = event.currentTarget;
              onSend([...(input.files ?? [])]);
              input.value = '';
            }}
          />
        </div>
      )}
      {transfers.length > 0 && (
        <ul class="transfers" aria-live="polite">
          {transfers.map((transfer) => (
            <li key={transfer.id} data-testid="file-transfer" data-direction={transfer.direction} data-status={transfer.status} data-transfer={transfer.id}>
              <span class="file-name">{transfer.direction === 'out' ? '↑ ' : '↓ '}{transfer.name}</span>{' '}
              <span class="file-size">{formatBytes(transfer.size)}</span>
              <progress
                data-testid="file-progress"
                max={Math.max(transfer.size, 1)}
                value={transfer.size === 0 ? 1 : transfer.doneBytes}
                aria-label={t('files.progress', { name: transfer.name, done: formatBytes(transfer.doneBytes), size: formatBytes(transfer.size) })}
              />
              <span class="file-detail" data-testid="file-detail">
                {transfer.status !== 'active' && `${t(`files.status.${transfer.status}`)}. `}
                {transfer.detail}
              </span>
              {transfer.status === 'active' && (
                <button type="button" class="link" data-action="cancel-file" onClick={() => onCancel(transfer.id)}>
                  {t('common.cancel')}
                </button>
              )}
              {transfer.downloadUrl && (
                // A download link only: the file is saved, never opened or rendered here.
                <a href={transfer.downloadUrl} download={transfer.name} data-action="save-file" rel="noopener">
                  {t('common.save')}
                </a>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
