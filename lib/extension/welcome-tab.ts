/**
 * The welcome page a new install opens: what PeerCall is, a way to start a call, how to
 * pin the icon, the server and the shortcuts.
 */
import { browser } from 'wxt/browser';

export const welcomePath = '/welcome.html';

/** In the service worker: a fresh install (as every `npm start` launch is) shows the welcome page. */
export function showWelcomeOnInstall(): void {
  browser.runtime.onInstalled.addListener(({ reason }) => {
    if (reason === 'install') showWelcome().catch((error: unknown) => console.warn('PeerCall: could not open the welcome page', error));
  });
}

async function showWelcome(): Promise<void> {
  const url = browser.runtime.getURL(welcomePath);
  // `npm start` opens this page itself, and Chromium tries to load it before the extension is
  // loaded: that tab shows an error. Fill it rather than open a second one. We may see the
  // URL of our own pages without the "tabs" permission.
  const [opened] = await browser.tabs.query({ url }).catch(() => []);
  if (opened?.id !== undefined) await browser.tabs.update(opened.id, { url, active: true });
  else await browser.tabs.create({ url });
}
