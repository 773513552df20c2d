/**
 * The popup's and the service worker's side of remote control: they follow the status
 * the call tab stores and send it control messages. Session storage is empty after a
 * browser restart and the call tab clears the status when its call ends or the tab
 * goes away, so a stored status means a call runs; nothing here keeps state of its own.
 */
import { browser } from 'wxt/browser';
import { storage } from 'wxt/utils/storage';
import { badgeFor } from './call-badge';
import { actionForCommand, type CallStatus, type ControlAction, type ControlReply, controlMessage, parseCallStatus, parseControlReply } from './call-remote';

/** Written only by the call tab (see call-remote-tab.ts). */
export const callStatusItem = storage.defineItem<CallStatus>('session:callStatus');

export async function readCallStatus(): Promise<CallStatus | null> {
  return parseCallStatus(await callStatusItem.getValue());
}

/**
 * Calls `onStatus` with the status now and after every change. Each change re-reads the
 * stored value, one read after the other, so a slow first read never lands after a newer one.
 */
export function followCallStatus(onStatus: (status: CallStatus | null) => void | Promise<void>): () => void {
  let reads = Promise.resolve();
  const refresh = () => {
    reads = reads
      .then(async () => onStatus(await readCallStatus()))
      .catch((error: unknown) => console.warn('PeerCall: could not show the call status', error));
  };
  refresh();
  return callStatusItem.watch(refresh);
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

/** In the service worker: the toolbar badge and tooltip follow the stored status. */
export function showCallStatusOnToolbar(): () => void {
  return followCallStatus(async (status) => {
    const badge = badgeFor(status);
    await Promise.all([
      browser.action.setBadgeText({ text: badge.text }),
      browser.action.setBadgeBackgroundColor({ color: badge.colour }),
      browser.action.setTitle({ title: badge.title }),
    ]);
  });
}

/** In the service worker: a keyboard shortcut acts on the call, wherever the focus is. */
export function forwardShortcuts(): void {
  browser.commands.onCommand.addListener((command) => {
    const action = actionForCommand(command);
    if (action) void sendControl(action);
  });
}
