/**
 * Whether a call tab still holds a live call page, asked without any permission: the
 * extension may always list its own pages. A crashed tab keeps its place in the tab strip
 * but not its page, so both ways below tell it from a live one.
 */
import { browser } from 'wxt/browser';
import { callTabPath } from './call-tab';

export type CallTabPresence = (tabId: number) => Promise<boolean>;

export const isCallTabOpen: CallTabPresence = import.meta.env.FIREFOX ? firefoxHasCallPage : chromiumHasCallPage;

/** Chromium (116+): the extension's documents, in the service worker as in the popup. */
async function chromiumHasCallPage(tabId: number): Promise<boolean> {
  const contexts = await browser.runtime.getContexts({ contextTypes: ['TAB'], tabIds: [tabId], documentUrls: [browser.runtime.getURL(callTabPath)] });
  return contexts.length > 0;
}

/**
 * Firefox's build is Manifest V2, with a background page: extension.getViews, Firefox's
 * long-standing way, lists the windows of our pages in that tab, there and in the popup,
 * without leaning on runtime.getContexts, which older Firefox releases lack.
 */
async function firefoxHasCallPage(tabId: number): Promise<boolean> {
  // The browser types give the views an empty Window of their own; they are DOM windows.
  return browser.extension.getViews({ type: 'tab', tabId }).some((view) => (view as { location: Location }).location.pathname === callTabPath);
}
