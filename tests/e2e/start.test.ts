/**
 * `npm start` as a newcomer runs it: on a fresh clone, with a screen (Xvfb), as root and as
 * a normal user. It must leave Chromium open on PeerCall's welcome page with the extension
 * loaded, and say what it did. The browser is the real one; a wrapper given as CHROME_PATH
 * only adds a DevTools port, so the test can look at what the person would see.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unpackedExtensionId } from '../../scripts/extension-id';
import { chromiumPath, pageAt } from './support/browser';
import { type FreshClone, freshClone } from './support/fresh-clone';
import { welcomePage } from './support/pages';
import { startVirtualScreen, type VirtualScreen } from './support/virtual-screen';

/** Debian's unprivileged user; `npm start` runs as it through runuser. */
const normalUser = { name: 'nobody', uid: 65534, gid: 65534 };
const buildAndOpenMs = 90_000;

let screen: VirtualScreen;

beforeAll(async () => {
  screen = await startVirtualScreen();
});

afterAll(async () => {
  await screen?.stop();
});

interface NpmStart {
  readonly process: ChildProcess;
  output(): string;
  /** Resolves with everything printed so far once a line matches. */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<string>;
  stop(): Promise<void>;
}

function npmStart(clone: FreshClone, user: typeof normalUser | null, env: Record<string, string>): NpmStart {
  const vars = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: clone.home, ...env };
  const command = user
    ? spawn('runuser', ['-u', user.name, '--', 'env', ...Object.entries(vars).map(([k, v]) => `${k}=${v}`), 'npm', 'start'], { cwd: clone.dir, detached: true })
    : spawn('npm', ['start'], { cwd: clone.dir, env: { ...process.env, ...vars }, detached: true });
  let output = '';
  command.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  command.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => command.once('exit', () => resolve()));
  return {
    process: command,
    output: () => output,
    waitFor: (pattern, timeoutMs) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (!pattern.test(output)) return false;
          clearInterval(timer);
          resolve(output);
          return true;
        };
        const deadline = Date.now() + timeoutMs;
        const timer = setInterval(() => {
          if (check()) return;
          if (command.exitCode !== null || Date.now() > deadline) {
            clearInterval(timer);
            reject(new Error(`npm start never printed ${pattern}; it printed:\n${output}`));
          }
        }, 100);
      }),
    // Its own process group (detached): npm, tsx and the server go together.
    stop: async () => {
      if (command.exitCode !== null) return;
      process.kill(-command.pid!, 'SIGTERM');
      await exited;
    },
  };
}

/** The DevTools port Chromium wrote into its profile once it listened. */
async function devToolsPort(profileDir: string, timeoutMs = 15_000): Promise<number> {
  const file = join(profileDir, 'DevToolsActivePort');
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(file)) {
    if (Date.now() > deadline) throw new Error(`Chromium wrote no ${file}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return Number(readFileSync(file, 'utf8').split('\n')[0]);
}

// CI runs as root, and so tries both; a developer's run as a normal user tries that one.
const runningAsRoot = process.getuid?.() === 0;
const cases = runningAsRoot
  ? [
      { who: 'root', user: null, asRoot: true },
      { who: 'a normal user', user: normalUser, asRoot: false },
    ]
  : [{ who: 'a normal user', user: null, asRoot: false }];

describe.each(cases)('npm start as $who, on a fresh clone with a screen', ({ user, asRoot }) => {
  let clone: FreshClone;
  let run: NpmStart;
  let printed: string;
  let browser: Browser;
  let browserPid: number;
  let welcome: Page;

  beforeAll(async () => {
    clone = freshClone(user);
    const pidFile = join(clone.home, 'chromium.pid');
    const wrapper = join(clone.home, 'chromium-with-devtools');
    writeFileSync(wrapper, `#!/bin/sh\necho $$ > ${pidFile}\nexec ${chromiumPath()} --remote-debugging-port=0 "$@"\n`, { mode: 0o755 });
    run = npmStart(clone, user, { DISPLAY: screen.display, CHROME_PATH: wrapper, PEERCALL_PORT: '0' });
    printed = await run.waitFor(/Press Ctrl\+C to stop the server/, buildAndOpenMs);
    browserPid = Number(readFileSync(pidFile, 'utf8'));
    browser = await chromium.connectOverCDP(`http://127.0.0.1:${await devToolsPort(join(clone.dir, '.peercall-profile'))}`);
    const extensionId = unpackedExtensionId(realpathSync(join(clone.dir, '.output/chrome-mv3')));
    // The welcome tab may still be on its way: Chromium's first try, made before the
    // extension loaded, is refilled when the install event comes.
    welcome = await pageAt(browser.contexts()[0]!, `chrome-extension://${extensionId}/welcome.html`);
  }, buildAndOpenMs + 30_000);

  afterAll(async () => {
    if (browser) await (await browser.newBrowserCDPSession()).send('Browser.close').catch(() => undefined);
    await run?.stop();
    if (browserPid && existsSync(`/proc/${browserPid}`)) process.kill(browserPid, 'SIGKILL');
    await clone?.remove();
  });

  it('says it opened Chromium with PeerCall on its welcome page, and whether it turned the sandbox off', () => {
    expect(printed).toContain("Opened Chromium with PeerCall loaded, on PeerCall's welcome page");
    expect(printed).not.toContain('did not open');
    const browserArgs = readFileSync(`/proc/${browserPid}/cmdline`, 'utf8').split('\0');
    if (!asRoot) {
      expect(printed).not.toContain('--no-sandbox');
      expect(browserArgs).not.toContain('--no-sandbox');
      expect(readFileSync(`/proc/${browserPid}/status`, 'utf8')).toMatch(new RegExp(`^Uid:\\s+${user?.uid ?? process.getuid!()}\\s`, 'm'));
    } else {
      expect(printed).toContain("Running as root: Chromium will not start its sandbox for root, so PeerCall's browser runs with --no-sandbox.");
      expect(browserArgs).toContain('--no-sandbox');
    }
  });

  it('leaves the person looking at the welcome page, the only one, with PeerCall loaded', async () => {
    const pages = browser.contexts()[0]!.pages().map((page) => page.url());
    expect(pages.filter((url) => url.endsWith('/welcome.html'))).toHaveLength(1);
    expect(pages.filter((url) => url.startsWith('chrome-error:'))).toEqual([]);
    await welcome.locator('button[data-action="start"]').waitFor({ timeout: 10_000 });
    expect(await welcomePage(welcome).heading()).toBe('Welcome to PeerCall');
    const seen = await welcome.evaluate(async () => {
      type Tabs = { getCurrent(): Promise<{ active: boolean }> };
      const chromeApi = (window as unknown as { chrome: { tabs: Tabs; runtime: { getManifest(): { name: string } } } }).chrome;
      return { visible: document.visibilityState, active: (await chromeApi.tabs.getCurrent()).active, extension: chromeApi.runtime.getManifest().name };
    });
    expect(seen).toEqual({ visible: 'visible', active: true, extension: 'PeerCall' });
  });
});
