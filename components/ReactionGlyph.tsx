import type { Reaction } from '../lib/call/room-protocol';
import { t } from '../lib/i18n/i18n';

/** The one place a reaction's name becomes a picture; its spoken name is the catalogs'. */
export const reactionGlyphs: Readonly<Record<Reaction, string>> = {
  'thumbs-up': '👍',
  clap: '👏',
  heart: '❤️',
  laugh: '😂',
  surprised: '😮',
  party: '🎉',
};

export const reactionName = (reaction: Reaction): string => t(`reaction.${reaction}`);
