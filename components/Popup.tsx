import { useEffect, useState } from 'preact/hooks';
import type { CallStatus, ControlAction } from '../lib/extension/call-remote';
import { t } from '../lib/i18n/i18n';
import { popupView } from '../lib/extension/popup-view';
import { RunningCall } from './RunningCall';

export interface PopupProps {
  /** The remembered display name; saved again with every Start or Join. */
  initialName: string;
  onStart(name: string): Promise<string | null>;
  /** Resolves to an error message for the user, or null when the call tab took over. */
  onJoin(invite: string, name: string): Promise<string | null>;
  onOpenSettings(): void;
  /** The call running in the call tab; while there is one, the popup shows it instead of Start and Join. */
  call: CallStatus | null;
  onControl(action: ControlAction): void;
}

export function Popup({ initialName, onStart, onJoin, onOpenSettings, call, onControl }: PopupProps) {
  const view = popupView(call, useNow(call !== null));
  const [invite, setInvite] = useState('');
  const [name, setName] = useState(initialName);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const run = async (action: () => Promise<string | null>) => {
    setBusy(true);
    setError(await action());
    setBusy(false);
  };

  if (view.kind === 'running-call') {
    return (
      <main class="popup">
        <h1>PeerCall</h1>
        <RunningCall view={view} onControl={onControl} />
        <button type="button" class="link" onClick={onOpenSettings}>
          {t('common.settings')}
        </button>
      </main>
    );
  }

  return (
    <main class="popup">
      <h1>PeerCall</h1>
      <label class="name">
        {t('common.yourName')}
        <input name="displayName" maxLength={40} autocomplete="nickname" placeholder={t('popup.namePlaceholder')} value={name} onInput={(event) => setName(event.currentTarget.value)} />
      </label>
      <button type="button" class="primary" data-action="start" disabled={busy} onClick={() => run(() => onStart(name))}>
        {t('popup.start')}
      </button>
      <form
        class="join"
        onSubmit={(event) => {
          event.preventDefault();
          void run(() => onJoin(invite, name));
        }}
      >
        <label for="invite">{t('popup.joinLabel')}</label>
        <input
          id="invite"
          name="invite"
          autocomplete="off"
          spellcheck={false}
          placeholder={t('popup.invitePlaceholder')}
          value={invite}
          aria-invalid={error !== null}
          aria-describedby={error ? 'join-error' : undefined}
          onInput={(event) => setInvite(event.currentTarget.value)}
        />
        <button type="submit" data-action="join" disabled={busy}>
          {t('popup.join')}
        </button>
      </form>
      {error && (
        <p id="join-error" class="error" role="alert">
          {error}
        </p>
      )}
      <button type="button" class="link" onClick={onOpenSettings}>
        {t('common.settings')}
      </button>
    </main>
  );
}

/** The time now, renewed every second while `ticking`, so a duration counts up. */
function useNow(ticking: boolean): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!ticking) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [ticking]);
  return ticking ? now : Date.now();
}
