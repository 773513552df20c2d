/**
 * `npm run demo`: builds the extension, then shows a call with yourself: two Chromium
 * windows side by side, two profiles, one signaling server. Without a screen it runs
 * headless, says what each side received, and ends.
 */
import { execFileSync } from 'node:child_process';
import { ConfigError, parseConfig } from '../signaling/config';
import { receivedVideo, startDemo } from './demo-call';
import { hasScreen } from './screen';

/** Long enough to count frames of a video that moves (the fake camera sends about 30 a second). */
const measureMs = 2_000;

let config;
try {
  // Any free port unless one is asked for, so the demo runs beside npm start's server.
  config = parseConfig({ PEERCALL_PORT: '0', ...process.env }, process.argv.slice(2));
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`peercall: ${error.message}`);
  process.exit(2);
}
console.log('Building the extension…');
execFileSync('npx', ['wxt', 'build'], { stdio: ['ignore', 'ignore', 'inherit'] });
const headed = hasScreen();
console.log(`Opening two browser profiles${headed ? ', side by side' : ' without a screen'}, each with PeerCall, and a signaling server…`);
const demo = await startDemo(config, { headed });
console.log(`Signaling server: ${demo.server.url}`);
const [first, second] = headed ? ['The left window', 'the right one'] : ['The first profile', 'the second'];
console.log(
  `${first} started a call from its welcome page and copied the invite; ${second} pasted it in the popup and asked to join, and ${first.toLowerCase()} admitted it. ` +
    "Both use Chromium's test camera and microphone (a moving picture and a beep).",
);

if (headed) {
  console.log('Close either window, or press Ctrl+C, to end the demo.');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
    for (const { profile } of demo.people) profile.context.once('close', () => resolve());
  });
  await demo.close();
  process.exit(0);
} else {
  const received = await receivedVideo(demo, measureMs);
  for (const { name, frames, width } of received) console.log(`${name} received ${frames} frames of the other's video in ${measureMs / 1000} s (${width} px wide).`);
  await demo.close();
  process.exit(received.every(({ frames, width }) => frames > 0 && width > 0) ? 0 : 1);
}
