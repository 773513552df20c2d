/**
 * The settings of a guest who opened an invite link in a plain browser tab. The page is
 * served by the signaling server itself, so the server is the page's own origin; the path
 * and key are what the server wrote into the page. What a guest chooses (the name) is kept
 * by the page; everything else is the default.
 */
import { defaultSettings, type Settings } from './settings';

const pathPattern = /^\/[A-Za-z0-9._~/-]{0,200}$/;
const keyPattern = /^[A-Za-z0-9_-]{1,64}$/;

export interface GuestPageFacts {
  /** location.origin of the page, e.g. https://peercall.example */
  readonly origin: string;
  readonly signalingPath: string;
  readonly signalingKey: string;
  readonly displayName: string;
}

export function guestSettings(page: GuestPageFacts): Settings {
  const path = pathPattern.test(page.signalingPath) ? page.signalingPath : new URL(defaultSettings.signalingUrl).pathname;
  return {
    ...defaultSettings,
    signalingUrl: `${page.origin}${path}`,
    signalingKey: keyPattern.test(page.signalingKey) ? page.signalingKey : defaultSettings.signalingKey,
    displayName: page.displayName,
  };
}
