import { useState } from 'preact/hooks';
import type { ShortcutCommand } from '../lib/extension/call-remote';
import { t } from '../lib/i18n/i18n';
import { PinToolbarPicture } from './PinToolbarPicture';

export interface WelcomeProps {
  browser: 'chromium' | 'firefox';
  iconUrl: string;
  /** The signaling server in Settings. */
  signalingUrl: string;
  /** Each shortcut with the keys the browser gave it ('' when none). */
  shortcuts: readonly { command: ShortcutCommand; keys: string }[];
  /** Resolves to a message for the person, or null once the call tab has taken over. */
  onStart(): Promise<string | null>;
  onOpenSettings(): void;
}

export function Welcome({ browser, iconUrl, signalingUrl, shortcuts, onStart, onOpenSettings }: WelcomeProps) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const start = async () => {
    setBusy(true);
    setError(await onStart());
    setBusy(false);
  };

  return (
    <main class="welcome">
      <h1>{t('page.welcome')}</h1>
      <p class="intro">{t('welcome.intro')}</p>
      <div class="start">
        <button type="button" class="primary" data-action="start" disabled={busy} onClick={() => void start()}>
          {t('popup.start')}
        </button>
        <p class="hint">{t('welcome.startHint')}</p>
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <p>{t('welcome.joinHint')}</p>

      <section aria-labelledby="pin-heading">
        <h2 id="pin-heading">{t('welcome.pinHeading')}</h2>
        <PinToolbarPicture browser={browser} iconUrl={iconUrl} />
        <p>
          {browser === 'firefox' ? t('welcome.pinFirefox') : t('welcome.pinChromium')} {t('welcome.pinWhy')}
        </p>
      </section>

      <section aria-labelledby="server-heading">
        <h2 id="server-heading">{t('welcome.serverHeading')}</h2>
        <p>
          {t('welcome.serverIntro')} <code data-testid="welcome-server">{signalingUrl}</code>
        </p>
        <p>{t('welcome.serverHow')}</p>
        <button type="button" data-action="open-settings" onClick={onOpenSettings}>
          {t('welcome.openSettings')}
        </button>
      </section>

      <section aria-labelledby="shortcuts-heading">
        <h2 id="shortcuts-heading">{t('welcome.shortcutsHeading')}</h2>
        <p>{t('welcome.shortcutsIntro')}</p>
        <dl class="shortcuts">
          {shortcuts.map(({ command, keys }) => (
            <div key={command} data-testid="welcome-shortcut" data-command={command} data-keys={keys}>
              <dt>{keys === '' ? t('welcome.shortcutNotSet') : keys.split('+').map((key, i) => [i > 0 && '+', <kbd key={key}>{key}</kbd>])}</dt>
              <dd>{t(`shortcut.${command}`)}</dd>
            </div>
          ))}
        </dl>
        <p class="hint">{browser === 'firefox' ? t('welcome.shortcutsChangeFirefox') : t('welcome.shortcutsChangeChromium')}</p>
      </section>
    </main>
  );
}
