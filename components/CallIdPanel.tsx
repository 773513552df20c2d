import { useState } from 'preact/hooks';

export interface CallIdPanelProps {
  callId: string;
  inviteText: string;
  onCopy(text: string): Promise<boolean>;
}

export function CallIdPanel({ callId, inviteText, onCopy }: CallIdPanelProps) {
  const [copied, setCopied] = useState<string | null>(null);
  const copy = async (what: string, text: string) => setCopied((await onCopy(text)) ? what : 'failed');

  return (
    <section class="call-id" aria-label="Call ID">
      <p>Share this ID with the people you want in the call:</p>
      <output data-testid="call-id">{callId}</output>
      <div class="row">
        <button type="button" data-action="copy" onClick={() => copy('ID', callId)}>
          Copy ID
        </button>
        <button type="button" data-action="copy-invite" onClick={() => copy('invite', inviteText)}>
          Copy invite
        </button>
        <span role="status">
          {copied === 'failed' ? 'Could not copy; select the ID and copy it by hand.' : copied ? `${copied} copied.` : ''}
        </span>
      </div>
    </section>
  );
}
