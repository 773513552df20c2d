import { t } from '../lib/i18n/i18n';
import type { JoinRequest } from '../lib/call/join-requests';
import type { Participant } from '../lib/call/peer-link';
import { JoinRequestList } from './JoinRequestList';
import { SafetyCode } from './SafetyCode';

export interface RosterProps {
  you: { name: string; micMuted: boolean; cameraOff: boolean; speaking: boolean; presenting: boolean };
  others: readonly Participant[];
  /** Who has a hand up, in the order they went up: a peer ID, or null for us. */
  raisedHands: readonly (string | null)[];
  /** Newcomers waiting at the door, answerable from here as from the call screen's cards. */
  asking: readonly JoinRequest[];
  onAnswer(request: string, verdict: 'admit' | 'deny'): void;
}

/** Everyone in the call, as a list a screen reader can walk: name, then what they have switched off. */
export function Roster({ you, others, raisedHands, asking, onAnswer }: RosterProps) {
  // A safety code is between us and one other person: none on our own line, null until known on theirs.
  const people = [
    { key: 'you', name: t('roster.you', { name: you.name }), micMuted: you.micMuted, cameraOff: you.cameraOff, speaking: you.speaking, presenting: you.presenting, safetyCode: undefined },
    ...others.map((p, i) => ({
      key: p.peerId,
      name: p.name ?? t('common.person', { n: i + 1 }),
      micMuted: p.micMuted,
      cameraOff: p.cameraOff,
      speaking: p.speaking,
      presenting: p.sharingSinceMs !== null,
      safetyCode: p.safetyCode,
    })),
  ];
  return (
    <section class="roster" aria-label={t('roster.label')}>
      <h2>
        {t('roster.heading')} <span data-testid="roster-count">{people.length}</span>
      </h2>
      <ul>
        {people.map((p) => (
          <li key={p.key} data-testid="roster-person" data-presenting={p.presenting} data-speaking={p.speaking} data-muted={p.micMuted} data-camera-off={p.cameraOff}>
            <span class="name">{p.name}</span>
            <span class="states">
              {[p.presenting && t('state.presenting'), p.speaking && t('state.speaking'), p.micMuted && t('state.muted'), p.cameraOff && t('state.cameraOff')].filter(Boolean).join(' · ')}
            </span>
            {p.safetyCode !== undefined && <SafetyCode code={p.safetyCode} />}
          </li>
        ))}
      </ul>
      {others.length > 0 && (
        <p class="safety-hint" data-testid="safety-hint">
          {t('safety.howToCompare')}
        </p>
      )}
      {raisedHands.length > 0 && (
        <>
          <h3 id="raised-hands-heading">{t('roster.hands')}</h3>
          <ol class="raised-hands" aria-labelledby="raised-hands-heading" data-testid="raised-hands">
            {raisedHands.map((who) => (
              <li key={who ?? 'you'} data-testid="raised-hand" data-peer={who ?? undefined}>
                <span aria-hidden="true">✋ </span>
                {who === null ? people[0]!.name : (people.slice(1).find((p) => p.key === who)?.name ?? t('common.someone'))}
              </li>
            ))}
          </ol>
        </>
      )}
      {asking.length > 0 && (
        <>
          <h3>{t('roster.asking')}</h3>
          <JoinRequestList requests={asking} testId="roster-join-request" onAnswer={onAnswer} />
        </>
      )}
    </section>
  );
}
