/**
 * The demo: a call with yourself. Two people on this computer, each a Chromium profile of
 * their own with PeerCall freshly installed, on one signaling server. The first starts a
 * call from the welcome page the install opened and copies the invite; the second pastes
 * it in the popup and asks to join, and the first admits it, as a new install's calls ask
 * before letting anyone in. The steps are the end-to-end suite's page objects, so the
 * demo is that suite's two people, shown on screen.
 */
import type { SignalingConfig } from '../signaling/config';
import { type RunningSignalingServer, startSignalingServer } from '../signaling/server';
import { launchProfile, type Profile } from '../tests/e2e/support/browser';
import { remoteVideoProgress } from '../tests/e2e/support/media-probes';
import { type CallTab, configure, openPopup, welcomePage } from '../tests/e2e/support/pages';

export interface DemoPerson {
  readonly name: string;
  readonly profile: Profile;
  readonly call: CallTab;
}

export interface Demo {
  readonly server: RunningSignalingServer;
  readonly people: readonly [DemoPerson, DemoPerson];
  /** What the first copied with Copy invite, and the second pasted. */
  readonly invite: string;
  close(): Promise<void>;
}

export const demoNames = ['Left window', 'Right window'] as const;

/** In a shown demo, how long the request stays on screen before the left window admits it, so a person can read it. */
const requestShownMs = 1_500;

export async function startDemo(config: SignalingConfig, { headed }: { headed: boolean }): Promise<Demo> {
  const server = await startSignalingServer(config);
  // As root Chromium refuses its sandbox (see scripts/browser-launch.ts); anyone else keeps it.
  const options = { headed, keepSandbox: process.getuid?.() !== 0 };
  const profiles = await Promise.all([launchProfile(options), launchProfile(options)]);
  const close = async () => {
    await Promise.all(profiles.map((profile) => profile.close()));
    await server.close();
  };
  try {
    const [first, second] = profiles;
    if (headed) await placeSideBySide(profiles);
    // The host keeps ask to join on, as a new install has it, so the demo shows the door too.
    await Promise.all([configure(first, { signalingUrl: server.url, askToJoin: true }), configure(second, { signalingUrl: server.url })]);
    const host = await welcomePage(first.welcome).start(demoNames[0]);
    await host.waitForState('waiting');
    const invite = await host.copyInvite();
    const guest = await (await openPopup(second, { name: demoNames[1] })).join(invite);
    await guest.waitForState('asking');
    await host.page.getByTestId('join-request').filter({ hasText: demoNames[1] }).waitFor({ timeout: 10_000 });
    if (headed) await host.page.waitForTimeout(requestShownMs);
    await host.answerJoinRequest(demoNames[1], 'admit');
    await Promise.all([host.waitForState('in-call'), guest.waitForState('in-call')]);
    // Each window keeps its welcome page and its call, in front; the blank tab it opened with goes.
    await Promise.all(
      [first, second].flatMap((profile) => profile.context.pages().filter((page) => page.url() === 'about:blank').map((page) => page.close())),
    );
    return {
      server,
      people: [
        { name: demoNames[0], profile: first, call: host },
        { name: demoNames[1], profile: second, call: guest },
      ],
      invite,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Each window takes half the screen, the first on the left. */
async function placeSideBySide(profiles: readonly Profile[]): Promise<void> {
  const screen = await profiles[0]!.welcome.evaluate(() => {
    // availLeft and availTop are not in TypeScript's Screen, though Chromium and Firefox have them.
    const { availLeft, availTop, availWidth, availHeight } = window.screen as Screen & { availLeft: number; availTop: number };
    return { left: availLeft, top: availTop, width: availWidth, height: availHeight };
  });
  const width = Math.floor(screen.width / profiles.length);
  await Promise.all(
    profiles.map(async (profile, index) => {
      const cdp = await profile.context.newCDPSession(profile.welcome);
      const { windowId } = await cdp.send('Browser.getWindowForTarget');
      // Bounds apply only to a window in the normal state, not a maximized one.
      await cdp.send('Browser.setWindowBounds', { windowId, bounds: { windowState: 'normal' } });
      await cdp.send('Browser.setWindowBounds', { windowId, bounds: { left: screen.left + index * width, top: screen.top, width, height: screen.height } });
      await cdp.detach();
    }),
  );
}

/** What each person's call tab shows of the other during `ms`: frames presented, and the picture's width. */
export async function receivedVideo(demo: Demo, ms: number): Promise<{ name: string; frames: number; width: number }[]> {
  return Promise.all(
    demo.people.map(async ({ name, call }) => {
      const { frames, width } = await remoteVideoProgress(call.page, ms);
      return { name, frames, width };
    }),
  );
}
