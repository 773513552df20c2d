import { useState } from 'preact/hooks';

export interface PopupProps {
  onStart(): Promise<string | null>;
  /** Resolves to an error message for the user, or null when the call tab took over. */
  onJoin(invite: string): Promise<string | null>;
  onOpenSettings(): void;
}

export function Popup({ onStart, onJoin, onOpenSettings }: PopupProps) {
  const [invite, setInvite] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const run = async (action: () => Promise<string | null>) => {
    setBusy(true);
    setError(await action());
    setBusy(false);
  };

  return (
    <main class="popup">
      <h1>PeerCall</h1>
      <button type="button" class="primary" data-action="start" disabled={busy} onClick={() => run(onStart)}>
        Start a call
      </button>
      <form
        class="join"
        onSubmit={(event) => {
          event.preventDefault();
          void run(() => onJoin(invite));
        }}
      >
        <label for="invite">Join a call</label>
        <input
          id="invite"
          name="invite"
          autocomplete="off"
          spellcheck={false}
          placeholder="Paste a call ID or invite"
          value={invite}
          aria-invalid={error !== null}
          aria-describedby={error ? 'join-error' : undefined}
          onInput={(event) => setInvite(event.currentTarget.value)}
        />
        <button type="submit" data-action="join" disabled={busy}>
          Join
        </button>
      </form>
      {error && (
        <p id="join-error" class="error" role="alert">
          {error}
        </p>
      )}
      <button type="button" class="link" onClick={onOpenSettings}>
        Settings
      </button>
    </main>
  );
}
