import { useState } from 'preact/hooks';
import { normalizeDisplayName } from '../lib/room-protocol';
import { formatIceServers, parseIceServers, parseSignalingKey, parseSignalingUrl, parseUplinkBudgetKbps, type Settings } from '../lib/settings';

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
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);

  const validate = (): Settings | string => {
    const parsedUrl = parseSignalingUrl(url);
    if (!parsedUrl.ok) return parsedUrl.error;
    const parsedKey = parseSignalingKey(key);
    if (!parsedKey.ok) return parsedKey.error;
    const parsedIce = parseIceServers(ice);
    if (!parsedIce.ok) return parsedIce.error;
    const displayName = name.trim() === '' ? '' : normalizeDisplayName(name);
    if (displayName === null) return 'Your name is 1 to 40 characters, without control characters.';
    const parsedBudget = parseUplinkBudgetKbps(budget);
    if (!parsedBudget.ok) return parsedBudget.error;
    return { signalingUrl: url.trim(), signalingKey: parsedKey.value, iceServers: parsedIce.value, displayName, uplinkBudgetKbps: parsedBudget.value, relayOnly };
  };

  const save = async (event: Event) => {
    event.preventDefault();
    const settings = validate();
    if (typeof settings === 'string') return setMessage({ error: true, text: settings });
    await onSave(settings);
    setMessage({ error: false, text: 'Saved. New calls use these settings.' });
  };

  return (
    <main class="options">
      <h1>PeerCall settings</h1>
      <form onSubmit={save}>
        <label>
          Your name, as others in a call see it
          <input name="displayName" value={name} maxLength={40} onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <label>
          Signaling server address
          <input name="signalingUrl" value={url} onInput={(e) => setUrl(e.currentTarget.value)} spellcheck={false} />
        </label>
        <label>
          Server key
          <input name="signalingKey" value={key} onInput={(e) => setKey(e.currentTarget.value)} spellcheck={false} />
        </label>
        <label>
          ICE servers (STUN/TURN), one per line: <code>stun:host:port</code> or <code>turn:host:port user credential</code>
          <textarea name="iceServers" rows={5} value={ice} onInput={(e) => setIce(e.currentTarget.value)} spellcheck={false} />
        </label>
        <label>
          Upload budget for your video, in kbit/s (shared by everyone you send to)
          <input name="uplinkBudgetKbps" inputMode="numeric" value={budget} onInput={(e) => setBudget(e.currentTarget.value)} />
        </label>
        <label class="check">
          <input type="checkbox" name="relayOnly" checked={relayOnly} onChange={(e) => setRelayOnly(e.currentTarget.checked)} />
          Connect only through a TURN relay, so others never see this computer's IP addresses (needs a TURN server: from Settings above, or handed out by the PeerCall server)
        </label>
        <p class="hint">Leave ICE servers empty for calls on one machine or network. PeerCall never uses third-party servers unless you add them here.</p>
        <div class="row">
          <button type="submit" class="primary" data-action="save">
            Save
          </button>
          <button type="button" data-action="test" onClick={async () => setMessage({ error: false, text: await onTest(url) })}>
            Test server
          </button>
          <button
            type="button"
            data-action="check-ice"
            onClick={async () => {
              const parsed = parseIceServers(ice);
              if (!parsed.ok) return setMessage({ error: true, text: parsed.error });
              setMessage({ error: false, text: 'Checking STUN and TURN…' });
              setMessage({ error: false, text: await onCheckIce(url, parsed.value) });
            }}
          >
            Check connectivity
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
