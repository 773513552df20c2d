import { FaceSlightlySmilingPlus } from 'lucide-preact';
import { useState } from 'preact/hooks';
import { type Reaction, reactions } from '../lib/call/room-protocol';
import { t } from '../lib/i18n/i18n';
import { IconButton } from './IconButton';
import { Popover } from './Popover';
import { reactionGlyphs, reactionName } from './ReactionGlyph';

/** The control bar's Reactions button and its row of emoji. It stays open, so a clap can be several. */
export function ReactionsMenu({ iconSize, onReact }: { iconSize: number; onReact(reaction: Reaction): void }) {
  const [open, setOpen] = useState(false);
  return (
    <div class="anchor">
      <IconButton label={t('controls.reactions')} action="reactions" expanded={open} onClick={() => setOpen(!open)}>
        <FaceSlightlySmilingPlus size={iconSize} aria-hidden="true" />
      </IconButton>
      <Popover open={open} label={t('controls.reactions')} testId="reactions-menu" onClose={() => setOpen(false)}>
        {/* Drawn only while open, so a closed menu adds no hidden buttons to the bar. */}
        {open && (
          <div class="reaction-picks">
            {reactions.map((reaction) => (
              <button key={reaction} type="button" data-action="react" data-reaction={reaction} aria-label={reactionName(reaction)} title={reactionName(reaction)} onClick={() => onReact(reaction)}>
                <span aria-hidden="true">{reactionGlyphs[reaction]}</span>
              </button>
            ))}
          </div>
        )}
      </Popover>
    </div>
  );
}
