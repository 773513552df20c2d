// @vitest-environment node
/**
 * `npm start`'s browser: launched, then checked a moment later. Fake browsers (small shell
 * scripts) stand in for a Chromium that exits at once, one that stays, and one that hands
 * its URL to a Chromium already open on the same profile.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { adviceFor, type BrowserLaunch, chromiumArgs, describeLaunch, launchBrowser, lastLinesOf, shownLineCount } from '../../scripts/browser-launch';
import { unpackedExtensionId } from '../../scripts/extension-id';

const dir = mkdtempSync(join(tmpdir(), 'peercall-fake-browser-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fakeBrowser(name: string, script: string): string {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\n${script}\n`);
  chmodSync(path, 0o755);
  return path;
}

const launchWith = (executable: string, runningAsRoot = false): BrowserLaunch => ({
  executable,
  profileDir: join(dir, 'profile'),
  extensionDir: '/somewhere/.output/chrome-mv3',
  startUrl: 'chrome-extension://abcdefghijklmnopabcdefghijklmnop/welcome.html',
  logPath: join(dir, `${executable.split('/').pop()}.log`),
  runningAsRoot,
});

describe("npm start's browser", () => {
  it('that exits at once is reported with its exit code, its last lines, what to do and how to load PeerCall by hand', async () => {
    const noise = Array.from({ length: 20 }, (_, i) => `echo "warning ${i}" >&2`).join('\n');
    const browser = fakeBrowser('exits-at-once', `${noise}\necho "ERROR:ozone_platform_x11.cc(240)] Missing X server or \\$DISPLAY" >&2\nexit 1`);
    const launch = launchWith(browser);
    const outcome = await launchBrowser(launch, 5_000);
    expect(outcome).toEqual({
      kind: 'exited',
      code: 1,
      signal: null,
      lastLines: [...Array.from({ length: 20 }, (_, i) => `warning ${i}`).slice(-(shownLineCount - 1)), 'ERROR:ozone_platform_x11.cc(240)] Missing X server or $DISPLAY'],
    });
    const said = describeLaunch(outcome, launch, ':99').join('\n');
    expect(said).toContain('Chromium exited with code 1 right after starting, so PeerCall did not open.');
    expect(said).toContain('  | ERROR:ozone_platform_x11.cc(240)] Missing X server or $DISPLAY');
    expect(said).toContain('DISPLAY=:99');
    expect(said).toContain(`Its whole output is in ${launch.logPath}.`);
    expect(said).toContain('Click "Load unpacked" and choose /somewhere/.output/chrome-mv3');
    expect(said).not.toContain('Opened');
  });

  it('that was given the arguments Chromium needs: the profile, the extension and the welcome page', async () => {
    const browser = fakeBrowser('echoes-arguments', 'for arg in "$@"; do echo "$arg"; done\nexit 7');
    const launch = launchWith(browser);
    const outcome = await launchBrowser(launch, 5_000);
    expect(outcome.kind === 'exited' && outcome.lastLines).toEqual(chromiumArgs(launch));
    expect(chromiumArgs(launch)).toEqual([
      `--user-data-dir=${launch.profileDir}`,
      '--load-extension=/somewhere/.output/chrome-mv3',
      '--no-first-run',
      '--no-default-browser-check',
      'chrome-extension://abcdefghijklmnopabcdefghijklmnop/welcome.html',
    ]);
  });

  it('as root, runs without the sandbox Chromium refuses to start for root; otherwise keeps it', () => {
    expect(chromiumArgs(launchWith('chromium', true))[0]).toBe('--no-sandbox');
    expect(chromiumArgs(launchWith('chromium', false))).not.toContain('--no-sandbox');
  });

  it('that is killed at once says by what', async () => {
    const browser = fakeBrowser('killed', 'echo "Received signal 11 SEGV_MAPERR" >&2\nkill -KILL $$');
    const outcome = await launchBrowser(launchWith(browser), 5_000);
    expect(outcome).toMatchObject({ kind: 'exited', code: null, signal: 'SIGKILL' });
    expect(describeLaunch(outcome, launchWith(browser), undefined)[0]).toBe('Chromium was killed by SIGKILL right after starting, so PeerCall did not open. Its last lines:');
  });

  it('that is still running a moment later is reported as opened', async () => {
    const pidFile = join(dir, 'stays.pid');
    const browser = fakeBrowser('stays', `echo $$ > ${pidFile}\nexec sleep 30`);
    try {
      const outcome = await launchBrowser(launchWith(browser), 500);
      expect(outcome).toEqual({ kind: 'running' });
      expect(describeLaunch(outcome, launchWith(browser), ':0')).toEqual(["Opened Chromium with PeerCall loaded, on PeerCall's welcome page: press Start a call there."]);
    } finally {
      process.kill(Number(readFileSync(pidFile, 'utf8')), 'SIGKILL');
    }
  });

  it('that handed the page to a Chromium already open on the profile says so, not that it failed', async () => {
    const browser = fakeBrowser('hands-over', 'echo "Opening in existing browser session." >&2\nexit 0');
    const outcome = await launchBrowser(launchWith(browser), 5_000);
    expect(outcome).toEqual({ kind: 'handed-over' });
    expect(describeLaunch(outcome, launchWith(browser), ':0')[0]).toBe("PeerCall's Chromium was already open, so its welcome page opened there.");
  });

  it('that does not exist is reported with what to set', async () => {
    const launch = launchWith(join(dir, 'no-such-browser'));
    const outcome = await launchBrowser(launch, 5_000);
    expect(outcome).toMatchObject({ kind: 'not-started' });
    expect(describeLaunch(outcome, launch, ':0').join('\n')).toContain('Set CHROME_PATH');
  });
});

describe('what to do when Chromium exits', () => {
  it.each([
    { line: 'ERROR:ozone_platform_x11.cc(240)] Missing X server or $DISPLAY', advice: 'Xvfb :99' },
    { line: '[0101/000000.000000:FATAL:zygote_host_impl_linux.cc(128)] No usable sandbox! Update your kernel', advice: 'sandbox cannot start' },
    { line: 'The profile appears to be in use by another Chromium process (1234) on another computer (box).', advice: 'Close that browser' },
    { line: 'Segmentation fault', advice: 'Fix what it says above' },
  ])('"$line" → "$advice"', ({ line, advice }) => {
    expect(adviceFor(['some warning', line], ':99')).toContain(advice);
  });

  it('shows the last lines that say something, without blank ones', () => {
    expect(lastLinesOf('a\n\nb  \nc\n', 2)).toEqual(['b', 'c']);
  });
});

describe('the unpacked extension ID', () => {
  it('is the one Chromium gives the folder: SHA-256 of its path, in the letters a to p', () => {
    // Chromium 156 loaded an extension from this folder under this ID.
    expect(unpackedExtensionId('/tmp/exp/ext')).toBe('cpnjheigapaihnoebpkkbifphlahkldi');
    expect(unpackedExtensionId('/tmp/exp/ext')).toMatch(/^[a-p]{32}$/);
  });
});
