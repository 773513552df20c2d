import { useState } from 'preact/hooks';
import { t } from '../lib/i18n/i18n';
import { normalizeDisplayName } from '../lib/call/room-protocol';
import { formatIceServers, parseIceServers, parseSignalingKey, parseReconnectGraceSeconds, parseSignalingUrl, parseUplinkBudgetKbps, type Settings } from '../lib/call/settings';

export interface OptionsProps {
  initial: Settings;
  onSave(settings: Settings): Promise<void>;
  /** Asks the server's /health; resolves to a sentence for the user. */
  onTest(signalingUrl: string): Promise<string>;
  /** Tries the ICE servers (these and the server's); resolves to a sentence for the user. */
  onCheckIce(signalingUrl: string, iceServers: RTCIceServer[]): Promise<string>;
}

export function Options({ initial, onSave, onTest, onCheckIce }: OptionsProps) {
  const [url, setUrl] = useState(initial.signalingUrl);
  const [key, setKey] = useState(initial.signalingKey);
  const [ice, setIce] = useState(formatIceServers(initial.iceServers));
  const [name, setName] = useState(initial.displayName);
  const [budget, setBudget] = useState(String(initial.uplinkBudgetKbps));
  const [relayOnly, setRelayOnly] = useState(initial.relayOnly);
  const [grace, setGrace] = useState(String(initial.reconnectGraceSeconds));
  const [askToJoin, setAskToJoin] = useState(initial.askToJoin);
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);

  const validate = (): Settings | string => {
    const parsedUrl = parseSignalingUrl(url);
    if (!parsedUrl.ok) return parsedUrl.error;
    const parsedKey = parseSignalingKey(key);
    if (!parsedKey.ok) return parsedKey.error;
    const parsedIce = parseIceServers(ice);
    if (!parsedIce.ok) return parsedIce.error;
    const displayName = name.trim() === '' ? '' : normalizeDisplayName(name);
    if (displayName === null) return t('common.invalidName');
    const parsedBudget = parseUplinkBudgetKbps(budget);
    if (!parsedBudget.ok) return parsedBudget.error;
    const parsedGrace = parseReconnectGraceSeconds(grace);
    if (!parsedGrace.ok) return parsedGrace.error;
    return {
      signalingUrl: url.trim(),
      signalingKey: parsedKey.value,
      iceServers: parsedIce.value,
      displayName,
      uplinkBudgetKbps: parsedBudget.value,
      relayOnly,
      reconnectGraceSeconds: parsedGrace.value,
      askToJoin,
    };
  };

  const save = async (event: Event) => {
    event.preventDefault();
    const settings = validate();
    if (typeof settings === 'string') return setMessage({ error: true, text: settings });
    await onSave(settings);
    setMessage({ error: false, text: t('options.saved') });
  };

  return (
    <main class="options">
      <h1>{t('page.options')}</h1>
      <form onSubmit={save}>
        <label>
          {t('options.displayName')}
          <input name="displayName" value={name} maxLength={40} onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <label>
          {t('options.signalingUrl')}
          <input name="signalingUrl" value={url} onInput={(e) => setUrl(e.currentTarget.value)} spellcheck={false} />
        </label>
        <label>
          {t('options.signalingKey')}
          <input name="signalingKey" value={key} onInput={(e) => setKey(e.currentTarget.value)} spellcheck={false} />
        </label>
        <label>
          {t('options.iceServers')} <code>stun:host:port</code> {t('options.iceServersOr')} <code>{t('options.turnExample')}</code>
          <textarea name="iceServers" rows={5} value={ice} onInput={(e) => setIce(e.currentTarget.value)} spellcheck={false} />
        </label>
        <label>
          {t('options.uplinkBudget')}
          <input name="uplinkBudgetKbps" inputMode="numeric" value={budget} onInput={(e) => setBudget(e.currentTarget.value)} />
        </label>
        <label>
          {t('options.reconnectGrace')}
          <input name="reconnectGraceSeconds" inputMode="numeric" value={grace} onInput={(e) => setGrace(e.currentTarget.value)} />
        </label>
        <label class="check">
          <input type="checkbox" name="askToJoin" checked={askToJoin} onChange={(e) => setAskToJoin(e.currentTarget.checked)} />
          {t('options.askToJoin')}
        </label>
        <label class="check">
          <input type="checkbox" name="relayOnly" checked={relayOnly} onChange={(e) => setRelayOnly(e.currentTarget.checked)} />
          {t('options.relayOnly')}
        </label>
        <p class="hint">{t('options.hint')}</p>
        <div class="row">
          <button type="submit" class="primary" data-action="save">
            {t('common.save')}
          </button>
          <button type="button" data-action="test" onClick={async () => setMessage({ error: false, text: await onTest(url) })}>
            {t('options.test')}
          </button>
          <button
            type="button"
            data-action="check-ice"
            onClick={async () => {
              const parsed = parseIceServers(ice);
              if (!parsed.ok) return setMessage({ error: true, text: parsed.error });
              setMessage({ error: false, text: t('options.checkingIce') });
              setMessage({ error: false, text: await onCheckIce(url, parsed.value) });
            }}
          >
            {t('options.checkIce')}
          </button>
        </div>
      </form>
      {message && (
        <p role={message.error ? 'alert' : 'status'} class={message.error ? 'error' : undefined}>
          {message.text}
        </p>
      )}
    </main>
  );
}
