import { useEffect, useState } from 'preact/hooks';
import type { CallStatus, ControlAction } from '../lib/extension/call-remote';
import { t } from '../lib/i18n/i18n';
import { popupView } from '../lib/extension/popup-view';
import { RunningCall } from './RunningCall';

export interface PopupProps {
  /** The remembered display name; saved again with every Start or Join. */
  initialName: string;
  onStart(name: string): Promise<string | null>;
  /**
   * Resolves to an error message for the user, or null when the call tab took over; or, for
   * an invite to a server the person has not allowed yet, to the host to ask about. Asked
   * again with `viaInviteServer`, it allows that server and joins through it.
   */
  onJoin(invite: string, name: string, viaInviteServer: boolean): Promise<JoinAnswer>;
  onOpenSettings(): void;
  /** The call running in the call tab; while there is one, the popup shows it instead of Start and Join. */
  call: CallStatus | null;
  onControl(action: ControlAction): void;
}

export type JoinAnswer = { kind: 'done' } | { kind: 'error'; message: string } | { kind: 'ask'; host: string };

export function Popup({ initialName, onStart, onJoin, onOpenSettings, call, onControl }: PopupProps) {
  const view = popupView(call, useNow(call !== null));
  const [invite, setInvite] = useState('');
  const [name, setName] = useState(initialName);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [askHost, setAskHost] = useState<string | null>(null);

  const run = async (action: () => Promise<string | null>) => {
    setBusy(true);
    setError(await action());
    setBusy(false);
  };
  const join = (viaInviteServer: boolean) =>
    run(async () => {
      const answer = await onJoin(invite, name, viaInviteServer);
      setAskHost(answer.kind === 'ask' ? answer.host : null);
      return answer.kind === 'error' ? answer.message : null;
    });

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
          void join(false);
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
          onInput={(event) => {
            setInvite(event.currentTarget.value);
            setAskHost(null);
          }}
        />
        <button type="submit" data-action="join" disabled={busy}>
          {t('popup.join')}
        </button>
      </form>
      {askHost !== null && (
        <section class="join-via" role="alertdialog" aria-labelledby="join-via-question" aria-describedby="join-via-detail" data-testid="join-via">
          <p id="join-via-question">
            <strong>{t('popup.joinViaQuestion', { host: askHost })}</strong>
          </p>
          <p id="join-via-detail">{t('popup.joinViaDetail')}</p>
          <button type="button" class="primary" data-action="join-via" disabled={busy} onClick={() => void join(true)}>
            {t('popup.joinViaConfirm', { host: askHost })}
          </button>
          <button type="button" data-action="cancel-join-via" onClick={() => setAskHost(null)}>
            {t('common.cancel')}
          </button>
        </section>
      )}
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
