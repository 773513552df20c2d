/**
 * One person on Firefox: Debian's firefox-esr driven over WebDriver BiDi (puppeteer-core),
 * with PeerCall's Firefox build installed into a fresh profile, fake camera and microphone,
 * and the extension's address fixed so its pages can be opened. BiDi may not navigate to
 * moz-extension:// itself, so the first extension page is Firefox's start page and later
 * ones are reached by the page's own navigation.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';

const addonId = 'peercall@peercall.dev';
const extensionUuid = '5eca11a1-0000-4000-8000-00000000c0de';
const outDir = resolve(process.env.PEERCALL_OUT_DIR ?? '.output');

export function firefoxPath(): string {
  const found = process.env.FIREFOX_PATH ?? ['/usr/bin/firefox-esr', '/usr/bin/firefox'].find((p) => existsSync(p));
  if (!found) throw new Error('No Firefox found: apt-get install firefox-esr, or set FIREFOX_PATH');
  return found;
}

/** `wxt zip -b firefox`: the package a Firefox user installs. */
export function buildFirefoxPackage(): string {
  execFileSync('npx', ['wxt', 'zip', '-b', 'firefox'], { stdio: ['ignore', 'ignore', 'inherit'] });
  return join(outDir, 'peercall-0.1.0-firefox.zip');
}

export interface FirefoxPerson {
  readonly browser: Browser;
  url(path: string): string;
  /** The page Firefox opened at start: the options page. */
  readonly firstPage: Page;
  close(): Promise<void>;
}

export async function launchFirefox(pkg: string): Promise<FirefoxPerson> {
  const profile = mkdtempSync(join(tmpdir(), 'peercall-firefox-'));
  mkdirSync(join(profile, 'extensions'));
  copyFileSync(pkg, join(profile, 'extensions', `${addonId}.xpi`));
  const url = (path: string) => `moz-extension://${extensionUuid}/${path}`;
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: firefoxPath(),
    headless: true,
    userDataDir: profile,
    args: [url('options.html')],
    extraPrefsFirefox: {
      'media.navigator.streams.fake': true,
      'media.navigator.permission.disabled': true,
      'extensions.webextensions.uuids': JSON.stringify({ [addonId]: extensionUuid }),
      // An unsigned package from the profile folder, as ESR allows for local testing.
      'xpinstall.signatures.required': false,
      'extensions.autoDisableScopes': 0,
      'extensions.enabledScopes': 15,
    },
  });
  const deadline = Date.now() + 20_000;
  let firstPage: Page | undefined;
  while (!firstPage) {
    firstPage = (await browser.pages()).find((p) => p.url() === url('options.html'));
    if (Date.now() > deadline) throw new Error('Firefox did not open PeerCall\'s options page: is the package installed?');
    if (!firstPage) await new Promise((r) => setTimeout(r, 100));
  }
  await firstPage.waitForSelector('input[name="signalingUrl"]', { timeout: 20_000 });
  return {
    browser,
    url,
    firstPage,
    close: async () => {
      await browser.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Runs `fn` in the page until it returns something other than null (bounded). Over BiDi,
 * Firefox reports no navigation events for moz-extension pages, so waiting is done by
 * asking the page itself rather than through puppeteer's navigation-aware helpers.
 */
export async function inPage<A, R>(page: Page, fn: (arg: A) => R | null | Promise<R | null>, arg?: A, timeoutMs = 15_000): Promise<R> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await page.evaluate(fn as (arg: unknown) => R | null, arg as unknown).catch(() => null);
    if (result !== null && result !== undefined) return result as R;
    if (Date.now() > deadline) throw new Error(`Firefox page never answered: ${fn.toString().slice(0, 120)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The extension page `path` once some tab shows it (tabs our pages open, which BiDi reports late). */
export async function extensionPage(person: FirefoxPerson, path: string, timeoutMs = 15_000): Promise<Page> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const page of await person.browser.pages()) {
      const href = await page.evaluate(() => location.href).catch(() => '');
      if (href === person.url(path)) return page;
    }
    if (Date.now() > deadline) throw new Error(`No Firefox tab showed ${path}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Sends a tab of ours to another of our pages through a link the page follows itself (BiDi may not navigate there). */
export async function followLink(page: Page, href: string): Promise<void> {
  await inPage(page, (to) => {
    const link = Object.assign(document.createElement('a'), { href: to, textContent: 'go' });
    document.body.append(link);
    link.click();
    return true;
  }, href);
}
