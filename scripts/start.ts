/**
 * `npm start`: builds the extension, runs the signaling server, and opens Chromium with
 * PeerCall loaded on its welcome page where there is a screen; otherwise says how to load it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, realpathSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError, parseConfig } from '../signaling/config';
import { startSignalingServer } from '../signaling/server';
import { type BrowserLaunch, describeLaunch, launchBrowser, manualSteps, rootNotice } from './browser-launch';
import { welcomePath } from '../lib/extension/welcome-tab';
import { unpackedExtensionId } from './extension-id';
import { buildGuestPage } from './guest-build';
import { hasScreen } from './screen';

const extensionDir = resolve(process.env.PEERCALL_OUT_DIR ?? '.output', 'chrome-mv3');
const browserCandidates = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/Applications/Chromium.app/Contents/MacOS/Chromium'];

async function main(): Promise<void> {
  let config;
  try {
    config = parseConfig(process.env, process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`peercall: ${error.message}`);
    process.exit(2);
  }
  console.log('Building the extension and the guest page…');
  execFileSync('npx', ['wxt', 'build'], { stdio: ['ignore', 'ignore', 'inherit'] });
  // Invite links open it: people without the extension join from a browser tab.
  await buildGuestPage();
  const server = await startSignalingServer(config);
  console.log(`PeerCall signaling server: ${server.url}`);
  if (server.url !== 'http://127.0.0.1:9000/peerjs') console.log(`Set this address in PeerCall's Settings (right-click the toolbar icon → Options).`);

  const executable = process.env.CHROME_PATH ?? browserCandidates.find((path) => existsSync(path));
  if (hasScreen() && executable) {
    // A profile of its own, so a developer's everyday browser profile is left alone.
    const profileDir = resolve('.peercall-profile');
    mkdirSync(profileDir, { recursive: true });
    const launch: BrowserLaunch = {
      executable,
      profileDir,
      extensionDir,
      startUrl: `chrome-extension://${unpackedExtensionId(realpathSync(extensionDir))}${welcomePath}`,
      logPath: join(profileDir, 'peercall-start.log'),
      runningAsRoot: process.getuid?.() === 0,
    };
    if (launch.runningAsRoot) console.log(rootNotice.join('\n'));
    console.log(describeLaunch(await launchBrowser(launch), launch, process.env.DISPLAY).join('\n'));
  } else {
    console.log(manualSteps(extensionDir).join('\n'));
  }
  console.log('Press Ctrl+C to stop the server.');
  const stop = () => void server.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

await main();
