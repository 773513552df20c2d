import { useState } from 'preact/hooks';
import type { ChatEntry } from '../lib/call/chat-log';
import { t } from '../lib/i18n/i18n';
import { linkify } from '../lib/call/chat-links';

export interface ChatPanelProps {
  entries: readonly ChatEntry[];
  /** Returns false when the text cannot be sent (empty or too long). */
  onSend(text: string): boolean;
}

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

export function ChatPanel({ entries, onSend }: ChatPanelProps) {
  const [draft, setDraft] = useState('');
  const [problem, setProblem] = useState<string | null>(null);

  return (
    <section class="chat" aria-label={t('chat.label')}>
      <ol class="messages" data-testid="chat-messages" aria-live="polite">
        {entries.map((entry) => (
          <li key={entry.id} class={entry.mine ? 'mine' : undefined} data-testid="chat-message">
            <span class="from" data-testid="chat-from">{entry.mine ? t('common.you') : entry.from}</span>{' '}
            <time dateTime={new Date(entry.sentAtMs).toISOString()}>{timeFormat.format(entry.sentAtMs)}</time>
            {/* Peer text becomes text nodes and vetted http(s) links only, never markup. */}
            <p data-testid="chat-text">
              {linkify(entry.text).map((segment, i) =>
                segment.kind === 'link' ? (
                  <a key={i} href={segment.href} target="_blank" rel="noopener noreferrer nofollow">
                    {segment.text}
                  </a>
                ) : (
                  segment.text
                ),
              )}
            </p>
          </li>
        ))}
      </ol>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (onSend(draft)) {
            setDraft('');
            setProblem(null);
          } else setProblem(t('chat.tooLong'));
        }}
      >
        <input
          name="chat"
          aria-label={t('chat.placeholder')}
          placeholder={t('chat.placeholder')}
          autocomplete="off"
          value={draft}
          onInput={(event) => setDraft(event.currentTarget.value)}
        />
        <button type="submit" data-action="send-chat">
          {t('chat.send')}
        </button>
      </form>
      {problem && <p role="alert" class="error">{problem}</p>}
    </section>
  );
}
