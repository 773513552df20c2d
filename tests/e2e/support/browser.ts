/**
 * One simulated person: a fresh Chromium profile with the built extension loaded,
 * fake cameras and microphones, and every RTCPeerConnection the pages make recorded
 * on `window.__pcs` so tests can observe media and network state directly.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

/** What `wxt build` produced (see outDir in wxt.config.ts). */
export const extensionDir = resolve(process.env.PEERCALL_OUT_DIR ?? '.output', 'chrome-mv3');

const candidates = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable', '/Applications/Chromium.app/Contents/MacOS/Chromium'];

export function chromiumPath(): string {
  const found = process.env.CHROME_PATH ?? candidates.find((path) => existsSync(path));
  if (!found) throw new Error(`No Chromium found. Install it (apt-get install chromium) or set CHROME_PATH. Tried: ${candidates.join(', ')}`);
  return found;
}

export interface Profile {
  readonly context: BrowserContext;
  readonly extensionId: string;
  /** The welcome page PeerCall opened on install; launchProfile returns once it is there. */
  readonly welcome: Page;
  url(path: string): string;
  /**
   * Freezes the whole browser (SIGSTOP), as a lost network or a hung machine looks from
   * outside: its sockets stay open, so nothing closes and nobody is told.
   */
  freeze(): void;
  /** Ends the whole browser at once (SIGKILL), as a crash or a pulled plug would: no goodbye, sockets reset. */
  kill(): void;
  /**
   * SIGKILLs the browser, as a crash of the whole browser or a power cut would end it, and
   * starts it again on the same profile; the returned profile owns the folder from then on.
   */
  restartAfterKill(): Promise<Profile>;
  close(): Promise<void>;
}

/**
 * Runs in every page before its own scripts: records peer connections, opened devices, and
 * what the page copies (a page may not read the clipboard back).
 */
function recordPeerConnectionsAndDevices(): void {
  const Native = window.RTCPeerConnection;
  const w = window as unknown as { __pcs: RTCPeerConnection[]; __tracks: MediaStreamTrack[]; __copied: string[] };
  w.__pcs = [];
  w.__tracks = [];
  w.__copied = [];
  const clipboard = navigator.clipboard;
  if (clipboard) {
    const writeText = clipboard.writeText.bind(clipboard);
    clipboard.writeText = (text) => {
      w.__copied.push(text);
      return writeText(text);
    };
  }
  const media = navigator.mediaDevices;
  if (media) {
    const getUserMedia = media.getUserMedia.bind(media);
    media.getUserMedia = async (constraints) => {
      const stream = await getUserMedia(constraints);
      w.__tracks.push(...stream.getTracks());
      return stream;
    };
  }
  window.RTCPeerConnection = class extends Native {
    constructor(config?: RTCConfiguration) {
      super(config);
      w.__pcs.push(this);
    }
  };
}

export interface ProfileOptions {
  locale?: string;
  /** Chromium's fake-device settings; device-count=3 gives cameras fake_device_0..2. */
  fakeDevices?: string;
  /** Answer every camera/microphone request with "blocked", as a person who clicked Block would. */
  denyMedia?: boolean;
  /** Another way to start Chromium, such as inside a home of the simulated internet. */
  executablePath?: string;
  /** Show a window instead of running headless (the demo). */
  headed?: boolean;
  /** Keep Chromium's sandbox; tests run without it, since CI runs as root, where Chromium refuses it. */
  keepSandbox?: boolean;
  /** Another build of the extension than `extensionDir`, such as one with a default server built in. */
  extensionDir?: string;
  /** The browser's HOME, where Chromium on Linux finds the certificates its user trusts (~/.pki/nssdb). */
  home?: string;
}

export async function launchProfile(options: ProfileOptions = {}): Promise<Profile> {
  return openProfile(mkdtempSync(join(tmpdir(), 'peercall-profile-')), options);
}

async function openProfile(userDataDir: string, options: ProfileOptions): Promise<Profile> {
  const extension = options.extensionDir ?? extensionDir;
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: options.executablePath ?? chromiumPath(),
    env: homeEnv(options.home),
    headless: !options.headed,
    // Playwright adds --no-sandbox unless told the sandbox is wanted.
    chromiumSandbox: Boolean(options.keepSandbox),
    // A shown window lays its page out at the window's size, as a person's browser does.
    viewport: options.headed ? null : undefined,
    locale: options.locale ?? 'en-US',
    args: [
      ...(options.keepSandbox ? [] : ['--no-sandbox']),
      `--disable-extensions-except=${extension}`,
      `--load-extension=${extension}`,
      `--use-fake-device-for-media-stream=${options.fakeDevices ?? 'device-count=3'}`,
      options.denyMedia ? '--deny-permission-prompts' : '--use-fake-ui-for-media-stream',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  await context.addInitScript(recordPeerConnectionsAndDevices);
  const extensionId = await findExtensionId(context, extension);
  const url = (path: string) => `chrome-extension://${extensionId}/${path}`;
  const welcome = await pageAt(context, url('welcome.html'));
  let frozen = false;
  let handedOn = false;
  return {
    context,
    extensionId,
    welcome,
    url,
    freeze: () => {
      frozen = true;
      spawnSync('pkill', ['-STOP', '-f', `user-data-dir=${userDataDir}`]);
    },
    kill: () => {
      frozen = true;
      spawnSync('pkill', ['-KILL', '-f', `user-data-dir=${userDataDir}`]);
    },
    restartAfterKill: async () => {
      const closed = new Promise((resolve) => context.once('close', resolve));
      process.kill(browserPid(userDataDir), 'SIGKILL');
      await closed;
      handedOn = true;
      return openProfile(userDataDir, options);
    },
    close: async () => {
      // A frozen browser cannot answer Playwright; end it the hard way.
      if (frozen) spawnSync('pkill', ['-KILL', '-f', `user-data-dir=${userDataDir}`]);
      await context.close().catch(() => undefined);
      if (!handedOn) rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** A guest: a browser with no extension at all, fake devices, and the same recording of connections and copies. */
export interface PlainBrowser {
  readonly context: BrowserContext;
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

export async function launchPlainBrowser(options: Pick<ProfileOptions, 'fakeDevices' | 'home'> = {}): Promise<PlainBrowser> {
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    env: homeEnv(options.home),
    headless: true,
    args: [
      '--no-sandbox',
      `--use-fake-device-for-media-stream=${options.fakeDevices ?? 'device-count=3'}`,
      '--use-fake-ui-for-media-stream',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
  const context = await browser.newContext({ locale: 'en-US', permissions: ['camera', 'microphone', 'clipboard-read', 'clipboard-write'] });
  await context.addInitScript(recordPeerConnectionsAndDevices);
  return { context, newPage: () => context.newPage(), close: () => browser.close() };
}

function homeEnv(home: string | undefined): NodeJS.ProcessEnv {
  return home === undefined ? process.env : { ...process.env, HOME: home };
}

/** The browser process holding a profile: Chromium's lock on it is a link to "host-pid". */
function browserPid(userDataDir: string): number {
  const pid = Number(readlinkSync(join(userDataDir, 'SingletonLock')).split('-').pop());
  if (!Number.isSafeInteger(pid) || pid <= 0) throw new Error(`No browser holds ${userDataDir}`);
  return pid;
}

async function findExtensionId(context: BrowserContext, extension: string): Promise<string> {
  const page = await context.newPage();
  try {
    await page.goto('chrome://extensions');
    const id = await page.evaluate(async () => {
      type Management = { getAll(): Promise<{ id: string; name: string }[]> };
      const all = await (window as unknown as { chrome: { management: Management } }).chrome.management.getAll();
      return all.find((e) => e.name === 'PeerCall')?.id ?? null;
    });
    if (!id) throw new Error(`PeerCall is not loaded from ${extension}; was it built?`);
    return id;
  } finally {
    await page.close();
  }
}

/**
 * The tab showing `url`, once one does. Tabs the extension opens itself may report their
 * address a little after they appear, so this looks again until it is there (bounded).
 */
export async function pageAt(context: BrowserContext, url: string, timeoutMs = 10_000): Promise<Page> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const page = context.pages().find((p) => p.url() === url);
    if (page) return page;
    if (Date.now() > deadline) throw new Error(`No tab showed ${url} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Opens an extension page and waits for the page the action opens in a new tab. */
export async function expectNewTab(context: BrowserContext, action: () => Promise<void>, timeoutMs = 10_000): Promise<Page> {
  const [page] = await Promise.all([context.waitForEvent('page', { timeout: timeoutMs }), action()]);
  await page.waitForLoadState('domcontentloaded');
  return page;
}
