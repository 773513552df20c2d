/**
 * The single call tab. The popup hands it an intent through session storage (kept
 * out of the tab's URL, since a call ID is what lets someone ring you) and focuses
 * it instead of opening a second one.
 */
import { browser } from 'wxt/browser';
import { storage } from 'wxt/utils/storage';
import { type CallIntent, parseCallIntent } from '../call/call-intent';

const intentItem = storage.defineItem<unknown>('session:callIntent');
export const callTabPath = '/call.html';

export interface CallTabRequest {
  readonly type: 'peercall:call-tab';
  readonly intent: CallIntent;
}
/** What an open call tab answers: it took the intent, or it is busy with a call already. */
export type CallTabReply = { accepted: true } | { accepted: false; reason: 'in-call' };

/** From the popup: reuse the open call tab if there is one, else open it. */
export async function openCallTab(intent: CallIntent): Promise<CallTabReply> {
  const request: CallTabRequest = { type: 'peercall:call-tab', intent };
  try {
    const reply = (await browser.runtime.sendMessage(request)) as CallTabReply | undefined;
    if (reply) return reply;
  } catch {
    // "Receiving end does not exist": no call tab is open.
  }
  await intentItem.setValue(intent);
  await browser.tabs.create({ url: browser.runtime.getURL(callTabPath) });
  return { accepted: true };
}

const reloadKey = 'peercall:intent';

/**
 * In the call tab: the intent it was opened for (once), else the one it had before a
 * reload. A host gets a fresh call after a reload, since the server still holds the old ID.
 */
export async function takeCallIntent(): Promise<CallIntent> {
  const opened = parseCallIntent(await intentItem.getValue());
  await intentItem.removeValue();
  return opened ?? recallIntent();
}

/** A guest's intent (with the server an invite named) survives a reload of the tab; a host's does not. */
export function rememberIntent(intent: CallIntent): void {
  sessionStorage.setItem(reloadKey, intent.role === 'guest' ? JSON.stringify(intent) : '');
}

function recallIntent(): CallIntent {
  let stored: unknown = null;
  try {
    stored = JSON.parse(sessionStorage.getItem(reloadKey) || 'null');
  } catch {
    // Written by an older version, or not by us: start afresh.
  }
  const intent = parseCallIntent(stored);
  return intent?.role === 'guest' ? intent : { role: 'host' };
}

/** In the call tab: answer the popup, take new intents when idle, and come to the front. */
export function serveCallTab(canTakeIntent: () => boolean, take: (intent: CallIntent) => void): () => void {
  const listener = (message: unknown): Promise<CallTabReply> | undefined => {
    if (!isCallTabRequest(message)) return undefined;
    const intent = parseCallIntent(message.intent);
    if (intent === null) return undefined;
    const reply: CallTabReply = canTakeIntent() ? { accepted: true } : { accepted: false, reason: 'in-call' };
    if (reply.accepted) take(intent);
    return focusSelf().then(() => reply);
  };
  browser.runtime.onMessage.addListener(listener);
  return () => browser.runtime.onMessage.removeListener(listener);
}

/** In the call tab: the ID of its own tab, which its status names (TAB_ID_NONE outside a tab). */
export async function ownTabId(): Promise<number> {
  return (await browser.tabs.getCurrent())?.id ?? browser.tabs.TAB_ID_NONE;
}

/** In the call tab: brings it, and its window, to the front. */
export async function focusSelf(): Promise<void> {
  const tab = await browser.tabs.getCurrent();
  if (tab?.id === undefined) return;
  await browser.tabs.update(tab.id, { active: true });
  if (tab.windowId !== undefined) await browser.windows.update(tab.windowId, { focused: true });
}

function isCallTabRequest(message: unknown): message is CallTabRequest {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'peercall:call-tab';
}
