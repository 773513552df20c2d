import type { FloatingReaction } from '../lib/call/floating-reactions';
import { t } from '../lib/i18n/i18n';
import { reactionGlyphs, reactionName } from './ReactionGlyph';

export interface TileGesturesProps {
  /** The reactions this tile's person sent that are still floating. */
  reactions: readonly FloatingReaction[];
  /** Their place among the raised hands, from 1; null while their hand is down. */
  handPlace: number | null;
}

/** Drawn over a tile: a ✋ badge with its place in line, and the reactions rising and fading. */
export function TileGestures({ reactions, handPlace }: TileGesturesProps) {
  return (
    <>
      {handPlace !== null && (
        <span class="hand-badge" role="img" aria-label={t('tile.handRaised', { place: handPlace })} data-testid="tile-hand" data-place={handPlace}>
          <span aria-hidden="true">✋ {handPlace}</span>
        </span>
      )}
      <div class="floating-reactions">
        {reactions.map((r) => (
          // Spread across the tile by ID, so a burst reads as several and none moves when an older one goes.
          <span key={r.id} class="floating-reaction" role="img" aria-label={reactionName(r.reaction)} data-reaction={r.reaction} data-reaction-id={r.id} style={{ left: `${20 + ((r.id * 23) % 60)}%` }}>
            {reactionGlyphs[r.reaction]}
          </span>
        ))}
      </div>
    </>
  );
}

/** What the tile of `who` (a peer ID, or null for ours) draws, from the whole call's reactions and hands. */
export function gesturesFor(floating: readonly FloatingReaction[], hands: readonly (string | null)[], who: string | null): TileGesturesProps {
  const place = hands.indexOf(who) + 1;
  return { reactions: floating.filter((r) => r.from === who), handPlace: place === 0 ? null : place };
}
