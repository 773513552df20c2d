/**
 * The popup's and the service worker's side of remote control: they follow the status
 * the call tab stores and send it control messages. A stored status is believed only
 * while it proves its call tab alive (call-status-freshness.ts): every read checks it and
 * discards a stale one, so no crash, quick close or killed browser leaves a call behind
 * that does not run. Nothing here keeps state of its own.
 */
import { browser } from 'wxt/browser';
import { storage } from 'wxt/utils/storage';
import { badgeFor } from './call-badge';
import { actionForCommand, type ControlAction, type ControlReply, controlMessage, parseCallStatus, parseControlReply, type PublishedCallStatus } from './call-remote';
import { freshness, recheckInMs } from './call-status-freshness';
import { type CallTabPresence, isCallTabOpen } from './call-tab-presence';

/** Written only by the call tab (see call-remote-tab.ts). */
export const callStatusItem = storage.defineItem<PublishedCallStatus>('session:callStatus');

/** The stored status if it still stands; a stale one is discarded on the way. */
export async function readCallStatus(isOpen: CallTabPresence = isCallTabOpen, now: () => number = Date.now): Promise<PublishedCallStatus | null> {
  const stored = parseCallStatus(await callStatusItem.getValue());
  if (!stored) return null;
  if (freshness(stored, now(), await isOpen(stored.tabId)) === 'live') return stored;
  await discard(stored);
  return null;
}

/** Removes `stale` unless the call tab has written another status meanwhile. */
async function discard(stale: PublishedCallStatus): Promise<void> {
  const current = parseCallStatus(await callStatusItem.getValue());
  if (current && current.tabId === stale.tabId && current.expiresAtMs === stale.expiresAtMs) await callStatusItem.removeValue();
}

/** Subscribes to something after which a status may no longer stand; returns the unsubscribe. */
export type Occasion = (listener: () => void) => () => void;

/** A tab closed: perhaps the call tab, its last write lost. */
const whenATabCloses: Occasion = (listener) => {
  browser.tabs.onRemoved.addListener(listener);
  return () => browser.tabs.onRemoved.removeListener(listener);
};

/**
 * The person moved to another tab or window. A crashed call tab takes the service worker
 * down with it (they share the extension's process) and no event says so; this wakes the
 * worker at the next thing the person does, so the badge does not outlive the call.
 */
export const whenThePersonMovesOn: Occasion = (listener) => {
  const onFocus = () => listener();
  browser.tabs.onActivated.addListener(onFocus);
  browser.windows.onFocusChanged.addListener(onFocus);
  return () => {
    browser.tabs.onActivated.removeListener(onFocus);
    browser.windows.onFocusChanged.removeListener(onFocus);
  };
};

export interface FollowOptions {
  readonly isOpen?: CallTabPresence;
  /** Occasions to check again, beside every change of the stored status and every closed tab. */
  readonly alsoWhen?: readonly Occasion[];
}

/**
 * Calls `onStatus` with the standing status now, after every change, whenever a tab
 * closes (or another occasion comes), and when the status would expire. Reads run one
 * after the other, so a slow read never lands after a newer one.
 */
export function followCallStatus(onStatus: (status: PublishedCallStatus | null) => void | Promise<void>, { isOpen, alsoWhen = [] }: FollowOptions = {}): () => void {
  let reads = Promise.resolve();
  let expiry: ReturnType<typeof setTimeout> | undefined;
  const refresh = () => {
    reads = reads
      .then(async () => {
        const status = await readCallStatus(isOpen);
        clearTimeout(expiry);
        // Nothing may happen when a hung call tab stops renewing; its expiry still comes.
        if (status) expiry = setTimeout(refresh, recheckInMs(status, Date.now()));
        await onStatus(status);
      })
      .catch((error: unknown) => console.warn('PeerCall: could not show the call status', error));
  };
  refresh();
  const unsubscribes = [callStatusItem.watch(refresh), whenATabCloses(refresh), ...alsoWhen.map((occasion) => occasion(refresh))];
  return () => {
    clearTimeout(expiry);
    unsubscribes.forEach((unsubscribe) => unsubscribe());
  };
}

/**
 * Sends an action to the call tab. Null when no call tab answered: then no call runs,
 * whatever the status says (a crashed tab never clears it), so the status is dropped.
 */
export async function sendControl(action: ControlAction): Promise<ControlReply | null> {
  try {
    const reply = parseControlReply(await browser.runtime.sendMessage(controlMessage(action)));
    if (reply) return reply;
  } catch {
    // "Receiving end does not exist": no call tab is open.
  }
  await callStatusItem.removeValue();
  return null;
}

/** In the service worker: the toolbar badge and tooltip follow the standing status. */
export function showCallStatusOnToolbar(): () => void {
  return followCallStatus(
    async (status) => {
      const badge = badgeFor(status);
      await Promise.all([
        browser.action.setBadgeText({ text: badge.text }),
        browser.action.setBadgeBackgroundColor({ color: badge.colour }),
        browser.action.setTitle({ title: badge.title }),
      ]);
    },
    { alsoWhen: [whenThePersonMovesOn] },
  );
}

/** In the service worker: a keyboard shortcut acts on the call, wherever the focus is. */
export function forwardShortcuts(): void {
  browser.commands.onCommand.addListener((command) => {
    const action = actionForCommand(command);
    if (action) void sendControl(action);
  });
}
