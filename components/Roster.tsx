import { t } from '../lib/i18n/i18n';
import type { Participant } from '../lib/call/peer-link';

export interface RosterProps {
  you: { name: string; micMuted: boolean; cameraOff: boolean; speaking: boolean };
  others: readonly Participant[];
}

/** Everyone in the call, as a list a screen reader can walk: name, then what they have switched off. */
export function Roster({ you, others }: RosterProps) {
  const people = [
    { key: 'you', name: t('roster.you', { name: you.name }), micMuted: you.micMuted, cameraOff: you.cameraOff, speaking: you.speaking },
    ...others.map((p, i) => ({ key: p.peerId, name: p.name ?? t('common.person', { n: i + 1 }), micMuted: p.micMuted, cameraOff: p.cameraOff, speaking: p.speaking })),
  ];
  return (
    <section class="roster" aria-label={t('roster.label')}>
      <h2>
        {t('roster.heading')} <span data-testid="roster-count">{people.length}</span>
      </h2>
      <ul>
        {people.map((p) => (
          <li key={p.key} data-testid="roster-person" data-speaking={p.speaking} data-muted={p.micMuted} data-camera-off={p.cameraOff}>
            <span class="name">{p.name}</span>
            <span class="states">
              {[p.speaking && t('state.speaking'), p.micMuted && t('state.muted'), p.cameraOff && t('state.cameraOff')].filter(Boolean).join(' · ')}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
