/**
 * Starting or joining a call from the popup or the welcome page: the same steps from both,
 * ending in the single call tab.
 */
import type { CallIntent } from '../call/call-session';
import { normalizeDisplayName } from '../call/room-protocol';
import { t } from '../i18n/i18n';
import { openCallTab } from './call-tab';
import { displayNameItem } from './settings-storage';

/**
 * Remembers `name` when one is given (the welcome page asks for none: the lobby does), then
 * hands the intent to the call tab. Resolves to a message for the person, or null once the
 * call tab has taken over.
 */
export async function launchCall(intent: CallIntent, name?: string): Promise<string | null> {
  if (name !== undefined) {
    const trimmed = name.trim();
    const displayName = trimmed === '' ? '' : normalizeDisplayName(trimmed);
    if (displayName === null) return t('common.invalidName');
    await displayNameItem.setValue(displayName);
  }
  const reply = await openCallTab(intent);
  return reply.accepted ? null : t('popup.alreadyInCall');
}
