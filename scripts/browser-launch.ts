/**
 * Opening PeerCall's own Chromium for `npm start`, and saying what came of it. A browser
 * can exit at once (no usable screen, no sandbox, run as root), and "Opened Chromium"
 * printed over a browser that is gone leaves a newcomer looking at nothing.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';

/** Chromium that cannot start exits well within this; one still running after it has opened its window. */
export const settleMs = 3_000;
/** How much of the browser's output to show when it exited: enough for its error, not a wall of warnings. */
export const shownLineCount = 12;

export interface BrowserLaunch {
  readonly executable: string;
  readonly profileDir: string;
  readonly extensionDir: string;
  readonly startUrl: string;
  /** The browser's output goes to a file, not a pipe: the browser outlives `npm start`. */
  readonly logPath: string;
  readonly runningAsRoot: boolean;
}

export type LaunchOutcome =
  | { readonly kind: 'running' }
  /** A Chromium with this profile was already open; it opened the page and this one stepped aside. */
  | { readonly kind: 'handed-over' }
  | { readonly kind: 'exited'; readonly code: number | null; readonly signal: NodeJS.Signals | null; readonly lastLines: readonly string[] }
  | { readonly kind: 'not-started'; readonly reason: string };

/**
 * Chromium refuses to run as root with its sandbox, so as root it gets --no-sandbox (and
 * `npm start` says so): a person trying PeerCall in a container or VM as root should still
 * see it. Everyone else keeps the sandbox.
 */
export function chromiumArgs(launch: BrowserLaunch): string[] {
  return [
    ...(launch.runningAsRoot ? ['--no-sandbox'] : []),
    `--user-data-dir=${launch.profileDir}`,
    `--load-extension=${launch.extensionDir}`,
    '--no-first-run',
    '--no-default-browser-check',
    launch.startUrl,
  ];
}

/** Starts the browser and waits `waitMs` to see whether it stays. */
export async function launchBrowser(launch: BrowserLaunch, waitMs = settleMs): Promise<LaunchOutcome> {
  const log = openSync(launch.logPath, 'w');
  const child = spawn(launch.executable, chromiumArgs(launch), { stdio: ['ignore', log, log], detached: true });
  closeSync(log);
  const ended = await new Promise<{ code: number | null; signal: NodeJS.Signals | null } | { error: Error } | null>((resolve) => {
    const timer = setTimeout(() => resolve(null), waitMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      resolve({ error });
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    });
  });
  if (ended === null) {
    child.unref();
    return { kind: 'running' };
  }
  if ('error' in ended) return { kind: 'not-started', reason: ended.error.message };
  const lastLines = lastLinesOf(readFileSync(launch.logPath, 'utf8'));
  // Chromium's own words when it passes the URL to the instance that holds the profile.
  if (ended.code === 0 && lastLines.some((line) => line.includes('Opening in existing browser session'))) return { kind: 'handed-over' };
  return { kind: 'exited', code: ended.code, signal: ended.signal, lastLines };
}

export function lastLinesOf(output: string, count = shownLineCount): string[] {
  return output
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line) => line !== '')
    .slice(-count);
}

/** What to do next, for the failures people meet; the lines shown above it say the rest. */
export function adviceFor(lastLines: readonly string[], display: string | undefined): string {
  const output = lastLines.join('\n');
  if (/Missing X server|cannot open display/i.test(output)) {
    return `It could not open a window on the screen DISPLAY=${display ?? ''} names. Check that this screen is running (for a virtual one: Xvfb :99 & then DISPLAY=:99 npm start), or unset DISPLAY to get the steps for loading PeerCall by hand.`;
  }
  if (/No usable sandbox|SUID sandbox/i.test(output)) {
    return "Its sandbox cannot start on this machine (often a container without user namespaces). Run npm start where Chromium's sandbox works, or load PeerCall into a browser by hand (below).";
  }
  if (/profile (appears to be )?in use|SingletonLock/i.test(output)) {
    return 'Another Chromium holds its profile (.peercall-profile). Close that browser, or delete the folder, and run npm start again.';
  }
  return 'Fix what it says above and run npm start again, or load PeerCall into a browser by hand (below).';
}

export const manualSteps = (extensionDir: string): string[] => [
  'To use PeerCall, load the extension into Chrome or Chromium:',
  '  1. Open chrome://extensions and switch on Developer mode.',
  `  2. Click "Load unpacked" and choose ${extensionDir}`,
  '  3. Click the PeerCall icon in the toolbar (under the puzzle piece) and start a call.',
];

/** The lines `npm start` prints about the browser. */
export function describeLaunch(outcome: LaunchOutcome, launch: BrowserLaunch, display: string | undefined): string[] {
  switch (outcome.kind) {
    case 'running':
      return ["Opened Chromium with PeerCall loaded, on PeerCall's welcome page: press Start a call there."];
    case 'handed-over':
      return [
        "PeerCall's Chromium was already open, so its welcome page opened there.",
        'That browser still runs the build it started with: close it and run npm start again to load this one.',
      ];
    case 'not-started':
      return [`Could not start ${launch.executable}: ${outcome.reason}`, 'Set CHROME_PATH to a Chromium or Chrome that runs here.', ...manualSteps(launch.extensionDir)];
    case 'exited': {
      const how = outcome.signal ? `was killed by ${outcome.signal}` : `exited with code ${outcome.code}`;
      return [
        `Chromium ${how} right after starting, so PeerCall did not open. Its last lines:`,
        ...outcome.lastLines.map((line) => `  | ${line}`),
        adviceFor(outcome.lastLines, display),
        `Its whole output is in ${launch.logPath}.`,
        ...manualSteps(launch.extensionDir),
      ];
    }
  }
}

export const rootNotice = [
  "Running as root: Chromium will not start its sandbox for root, so PeerCall's browser runs with --no-sandbox.",
  'It uses a profile of its own (.peercall-profile) for trying PeerCall: browse the web elsewhere, or run npm start as a normal user to keep the sandbox.',
];
