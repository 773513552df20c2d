import { useRef, useState } from 'preact/hooks';
import { formatBytes } from '../lib/file-transfer-plan';
import type { TransferView } from '../lib/file-transfers';

export interface FilePanelProps {
  transfers: readonly TransferView[];
  /** Null once the call is over: what arrived stays downloadable, nothing new is sent. */
  onSend: ((files: readonly File[]) => void) | null;
  onCancel(id: string): void;
}

const statusWords = { active: '', done: 'Done', cancelled: 'Cancelled', failed: 'Failed' } as const;

export function FilePanel({ transfers, onSend, onCancel }: FilePanelProps) {
  const picker = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);
  if (!onSend && transfers.length === 0) return null;

  return (
    <section
      class={dragging ? 'files dragging' : 'files'}
      aria-label="Files"
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
            Send a file
          </button>
          <span class="hint">or drop files here; everyone in the call receives them (up to 2 GB each).</span>
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
          {transfers.map((t) => (
            <li key={t.id} data-testid="file-transfer" data-direction={t.direction} data-status={t.status} data-transfer={t.id}>
              <span class="file-name">{t.direction === 'out' ? '↑ ' : '↓ '}{t.name}</span>{' '}
              <span class="file-size">{formatBytes(t.size)}</span>
              <progress
                data-testid="file-progress"
                max={Math.max(t.size, 1)}
                value={t.size === 0 ? 1 : t.doneBytes}
                aria-label={`${t.name}: ${formatBytes(t.doneBytes)} of ${formatBytes(t.size)}`}
              />
              <span class="file-detail" data-testid="file-detail">
                {statusWords[t.status] && `${statusWords[t.status]}. `}
                {t.detail}
              </span>
              {t.status === 'active' && (
                <button type="button" class="link" data-action="cancel-file" onClick={() => onCancel(t.id)}>
                  Cancel
                </button>
              )}
              {t.downloadUrl && (
                // A download link only: the file is saved, never opened or rendered here.
                <a href={t.downloadUrl} download={t.name} data-action="save-file" rel="noopener">
                  Save
                </a>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
