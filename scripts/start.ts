/**
 * `npm start`: builds the extension, runs the signaling server, and opens Chromium
 * with PeerCall loaded where there is a screen; otherwise says how to load it.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError, parseConfig } from '../signaling/config';
import { startSignalingServer } from '../signaling/server';

const extensionDir = resolve('.output/chrome-mv3');
const browserCandidates = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/Applications/Chromium.app/Contents/MacOS/Chromium'];

function hasScreen(): boolean {
  return process.platform === 'darwin' || process.platform === 'win32' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
}

async function main(): Promise<void> {
  let config;
  try {
    config = parseConfig(process.env, process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`peercall: ${error.message}`);
    process.exit(2);
  }
  console.log('Building the extension…');
  execFileSync('npx', ['wxt', 'build'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const server = await startSignalingServer(config);
  console.log(`PeerCall signaling server: ${server.url}`);
  if (server.url !== 'http://127.0.0.1:9000/peerjs') console.log(`Set this address in PeerCall's Settings (right-click the toolbar icon → Options).`);

  const browser = process.env.CHROME_PATH ?? browserCandidates.find((path) => existsSync(path));
  if (hasScreen() && browser) {
    // A profile of its own, so a developer's everyday browser profile is left alone.
    const profileDir = resolve('.peercall-profile');
    mkdirSync(profileDir, { recursive: true });
    spawn(browser, [`--user-data-dir=${profileDir}`, `--load-extension=${extensionDir}`, '--no-first-run', 'about:blank'], {
      stdio: 'ignore',
      detached: true,
    }).unref();
    console.log('Opened Chromium with PeerCall loaded: click the PeerCall icon in the toolbar (under the puzzle piece) to start a call.');
  } else {
    console.log(
      [
        'To use PeerCall, load the extension into Chrome or Chromium:',
        '  1. Open chrome://extensions and switch on Developer mode.',
        `  2. Click "Load unpacked" and choose ${extensionDir}`,
        '  3. Click the PeerCall icon in the toolbar (under the puzzle piece) and start a call.',
      ].join('\n'),
    );
  }
  console.log('Press Ctrl+C to stop the server.');
  const stop = () => void server.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

await main();
