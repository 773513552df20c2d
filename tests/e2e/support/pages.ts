/** Page objects: what a person does in each PeerCall page, without selectors in the specs. */
import type { Page } from 'playwright-core';
import { expectNewTab, type Profile } from './browser';

/**
 * Fills in and saves the settings page. Ask to join is on for a new install, but off here
 * unless a test asks for it, so a joiner walks straight in as the tests of everything else expect.
 */
export async function configure(
  profile: Profile,
  settings: { signalingUrl: string; iceServers?: string; relayOnly?: boolean; reconnectGraceSeconds?: number; askToJoin?: boolean },
): Promise<void> {
  const page = await profile.context.newPage();
  await page.goto(profile.url('options.html'));
  await page.fill('input[name="signalingUrl"]', settings.signalingUrl);
  await page.fill('textarea[name="iceServers"]', settings.iceServers ?? '');
  await page.setChecked('input[name="relayOnly"]', settings.relayOnly ?? false);
  await page.setChecked('input[name="askToJoin"]', settings.askToJoin ?? false);
  if (settings.reconnectGraceSeconds !== undefined) await page.fill('input[name="reconnectGraceSeconds"]', String(settings.reconnectGraceSeconds));
  await page.click('button[data-action="save"]');
  // The saved message, in whichever language the profile speaks.
  await page.locator('[role="status"]').waitFor();
  await page.close();
}

export async function openPopup(profile: Profile, options: { name?: string } = {}) {
  const page = await profile.context.newPage();
  await page.goto(profile.url('popup.html'));
  if (options.name !== undefined) await page.fill('input[name="displayName"]', options.name);
  return {
    page,
    /** Clicks Start, then Start the call in the lobby; returns the call tab. */
    start: async () => throughLobby(callTab(await expectNewTab(profile.context, () => page.click('button[data-action="start"]')))),
    /** Pastes an invite, clicks Join, then Join the call in the lobby; returns the call tab. */
    join: async (invite: string) => {
      await page.fill('input[name="invite"]', invite);
      return throughLobby(callTab(await expectNewTab(profile.context, () => page.click('button[data-action="join"]'))));
    },
    /** Clicks Start and stops in the lobby. */
    startToLobby: async () => callTab(await expectNewTab(profile.context, () => page.click('button[data-action="start"]'))),
    /** Pastes an invite, clicks Join and stops in the lobby. */
    joinToLobby: async (invite: string) => {
      await page.fill('input[name="invite"]', invite);
      return callTab(await expectNewTab(profile.context, () => page.click('button[data-action="join"]')));
    },
    /** Pastes an invite for a server not yet allowed and clicks Join; returns the question the popup asks. */
    joinAskingServer: async (invite: string) => {
      await page.fill('input[name="invite"]', invite);
      await page.click('button[data-action="join"]');
      return page.getByTestId('join-via').innerText();
    },
    /** Answers that question with "Join via …", then Join the call in the lobby; returns the call tab. */
    joinViaInviteServer: async () => throughLobby(callTab(await expectNewTab(profile.context, () => page.click('button[data-action="join-via"]')))),
    /** Pastes something and clicks Join where no tab is expected; returns the popup's message. */
    joinExpectingError: async (invite: string) => {
      await page.fill('input[name="invite"]', invite);
      await page.click('button[data-action="join"]');
      return page.locator('[role="alert"]').innerText();
    },
  };
}

/** The welcome page a fresh install opens: what it says, and its Start a call button. */
export function welcomePage(page: Page) {
  return {
    page,
    heading: () => page.locator('h1').innerText(),
    server: () => page.getByTestId('welcome-server').innerText(),
    shortcuts: () =>
      page.$$eval('[data-testid="welcome-shortcut"]', (rows) =>
        rows.map((row) => ({ command: row.getAttribute('data-command'), keys: row.getAttribute('data-keys'), text: (row as HTMLElement).innerText.replace(/\s+/g, ' ') })),
      ),
    /** The drawing of how to pin the icon: its accessible name, and whether the toolbar icon in it loaded. */
    pinPicture: () =>
      page.getByTestId('pin-picture').evaluate(async (svg) => {
        const image = svg.querySelector('image')!;
        const href = image.getAttribute('href')!;
        const response = await fetch(href);
        return { name: svg.querySelector('title')?.textContent ?? '', browser: svg.getAttribute('data-browser'), iconType: response.headers.get('content-type') };
      }),
    /** Clicks Start a call, then Start the call in the lobby (as `name`, if given); returns the call tab. */
    start: async (name?: string) => throughLobby(callTab(await expectNewTab(page.context(), () => page.click('button[data-action="start"]'))), name),
    /** Clicks Start a call where no new tab is expected; returns the page's message. */
    startExpectingError: async () => {
      await page.click('button[data-action="start"]');
      return page.locator('[role="alert"]').innerText();
    },
  };
}

/** Enters from the lobby as a person would (typing `name` there, if given), unless the call failed before it showed. */
export async function throughLobby(tab: CallTab, name?: string): Promise<CallTab> {
  const enter = tab.page.locator('button[data-action="enter"]');
  await enter.or(tab.page.getByTestId('end-message')).first().waitFor({ timeout: 15_000 });
  if (!(await enter.isVisible())) return tab;
  if (name !== undefined) await tab.page.fill('input[name="lobbyName"]', name);
  await enter.click();
  return tab;
}

export type CallTab = ReturnType<typeof callTab>;

export function callTab(page: Page) {
  const state = page.getByTestId('call-status');
  return {
    page,
    state: () => state.getAttribute('data-state'),
    waitForState: (kind: string, timeoutMs = 15_000) =>
      page.locator(`[data-testid="call-status"][data-state="${kind}"]`).waitFor({ timeout: timeoutMs }),
    /** Opens Invite, as a person would to find the call ID, and reads it. */
    callId: async () => {
      await openInvite(page);
      return page.getByTestId('call-id').innerText();
    },
    /** Opens Invite and clicks Copy invite; returns what it put on the clipboard. */
    copyInvite: async () => {
      await openInvite(page);
      const copiedBefore = await page.evaluate(() => (window as unknown as { __copied: string[] }).__copied.length);
      await page.click('button[data-action="copy-invite"]');
      const copied = await page.waitForFunction((before) => (window as unknown as { __copied: string[] }).__copied[before] ?? null, copiedBefore);
      return (await copied.jsonValue()) as string;
    },
    mute: () => page.click('button[data-action="mute"]'),
    toggleCamera: () => page.click('button[data-action="camera"]'),
    /** Share screen / Stop sharing (the fake UI picks the screen without asking). */
    toggleScreenShare: () => page.click('button[data-action="share-screen"]'),
    chooseCamera: (labelPart: string) => chooseDevice(page, 'camera', labelPart),
    chooseMicrophone: (labelPart: string) => chooseDevice(page, 'microphone', labelPart),
    /** The label of the device the picker shows as in use. */
    selectedDevice: (picker: 'camera' | 'microphone') =>
      page.$eval(`select[name="${picker}"]`, (select) => (select as HTMLSelectElement).selectedOptions[0]?.text ?? null),
    leave: () => page.click('button[data-action="leave"]'),
    /** Who may come in, as the call screen says it: its policy and its sentence. */
    door: async () => {
      const door = page.getByTestId('door');
      await door.waitFor({ timeout: 15_000 });
      return { policy: await door.getAttribute('data-policy'), text: await page.getByTestId('door-policy').innerText() };
    },
    /** Waits until the call screen says the room's policy is `policy`. */
    waitForPolicy: (policy: 'open' | 'ask' | 'locked') => page.locator(`[data-testid="door"][data-policy="${policy}"]`).waitFor({ timeout: 10_000 }),
    /** The host's switch in the call: Ask before people join. */
    setAskToJoin: (on: boolean) => page.setChecked('[data-testid="door"] input[name="askToJoin"]', on),
    /** Lock the call, or Unlock the call. */
    toggleLock: () => page.click('button[data-action="lock"]'),
    /** The cards of people asking to join, as the call screen floats them (or, with `where: 'roster'`, as the roster lists them). */
    joinRequests: (where: 'call' | 'roster' = 'call') =>
      page.$$eval(`[data-testid="${where === 'call' ? 'join-request' : 'roster-join-request'}"]`, (cards) =>
        cards.map((card) => ({ text: card.querySelector('.asks')?.textContent ?? '', elements: card.querySelectorAll('.asks *').length })),
      ),
    /** Clicks Admit or Deny on the call screen's card that names `name`. */
    answerJoinRequest: (name: string, verdict: 'admit' | 'deny') =>
      page.getByTestId('join-request').filter({ hasText: name }).locator(`button[data-action="${verdict}"]`).click(),
    /** Cancel, while asking to join. */
    cancelAsking: () => page.click('button[data-action="cancel-join"]'),
    /** Opens the side panel on People, Chat or Files, unless it shows that already. */
    openPanel: (name: 'people' | 'chat' | 'files') => openPanel(page, name),
    /** The unread count on the Chat button (0 when it shows none). */
    unreadChat: async () => Number((await page.getByTestId('panel-chat-count').textContent({ timeout: 100 }).catch(() => '0')) ?? 0),
    sendChat: async (text: string) => {
      await openPanel(page, 'chat');
      await page.fill('input[name="chat"]', text);
      await page.click('button[data-action="send-chat"]');
    },
    /** Chat messages as shown: sender and text. */
    chatMessages: () =>
      page.$$eval('[data-testid="chat-message"]', (items) =>
        items.map((item) => ({
          from: item.querySelector('[data-testid="chat-from"]')?.textContent ?? '',
          text: item.querySelector('[data-testid="chat-text"]')?.textContent ?? '',
          links: [...item.querySelectorAll('a')].map((a) => ({ href: a.getAttribute('href'), rel: a.getAttribute('rel') })),
        })),
      ),
    /** The name on each other person's tile. */
    tileLabels: () => page.$$eval('figure.tile[data-peer] figcaption .name', (names) => names.map((n) => n.textContent ?? '')),
    /** Each other person's tile: whether it shows them muted and speaking right now. */
    tileStates: () =>
      page.$$eval('figure.tile[data-peer]', (tiles) =>
        tiles.map((tile) => ({
          name: tile.querySelector('figcaption .name')?.textContent ?? '',
          muted: tile.querySelector('[data-testid="tile-muted"]') !== null,
          speaking: tile.getAttribute('data-speaking') === 'true',
        })),
      ),
    roster: () =>
      page.$$eval('[data-testid="roster-person"]', (items) =>
        items.map((item) => ({
          name: item.querySelector('.name')?.textContent ?? '',
          muted: item.getAttribute('data-muted') === 'true',
          cameraOff: item.getAttribute('data-camera-off') === 'true',
        })),
      ),
    /**
     * Opens People and reads each other person's safety code as it shows there, once every
     * one is worked out: their name, the groups of digits, and the line on how to compare.
     */
    safetyCodes: async () => {
      await openPanel(page, 'people');
      await page.waitForFunction(() => {
        const codes = [...document.querySelectorAll('[data-testid="roster-person"] [data-testid="safety-code"]')];
        return codes.length > 0 && codes.every((code) => code.getAttribute('data-known') === 'true');
      }, undefined, { timeout: 10_000 });
      const people = await page.$$eval('[data-testid="roster-person"]:has([data-testid="safety-code"])', (items) =>
        items.map((item) => ({
          name: item.querySelector('.name')?.textContent ?? '',
          groups: [...item.querySelectorAll('[data-testid="safety-code-group"]')].map((group) => (group as HTMLElement).innerText),
        })),
      );
      return { people, hint: await page.getByTestId('safety-hint').innerText() };
    },
    /** Opens Reactions (unless open) and picks one, as a person would. */
    react: async (reaction: string) => {
      await openReactions(page);
      await page.click(`[data-testid="reactions-menu"] button[data-reaction="${reaction}"]`);
    },
    /** Clicks one reaction `times` times within the same few milliseconds: faster than any hand, past the sending limit. */
    reactBurst: async (reaction: string, times: number) => {
      await openReactions(page);
      await page.$eval(
        `[data-testid="reactions-menu"] button[data-reaction="${reaction}"]`,
        (button, n) => {
          for (let i = 0; i < n; i++) (button as HTMLButtonElement).click();
        },
        times,
      );
    },
    toggleHand: () => page.click('button[data-action="raise-hand"]'),
    /** Whether a control bar toggle (mute, camera, raise-hand…) shows pressed. */
    pressed: async (action: string) => (await page.locator(`.control-bar button[data-action="${action}"]`).getAttribute('aria-pressed')) === 'true',
    /** The reactions floating over a tile now (`'self'`: our own tile), by name and accessible name. */
    reactionsOnTile: (who: string) =>
      tileOf(page, who)
        .locator('[data-reaction-id]')
        .evaluateAll((items) => items.map((r) => ({ reaction: r.getAttribute('data-reaction'), label: r.getAttribute('aria-label') }))),
    /** A tile's raised hand (`'self'`: ours): its place in line (1 is first) and what it says to a screen reader; null while down. */
    handOnTile: (who: string) =>
      tileOf(page, who)
        .locator('[data-testid="tile-hand"]')
        .evaluateAll((badges) => badges.map((b) => ({ place: Number(b.getAttribute('data-place')), label: b.getAttribute('aria-label') }))[0] ?? null),
    /** Starts noting every reaction that appears on each tile, to read with `reactionsSeen`. */
    watchReactions: () =>
      page.evaluate(() => {
        const seen: Record<string, string[]> = {};
        (window as unknown as { __reactions: typeof seen }).__reactions = seen;
        new MutationObserver((changes) => {
          for (const change of changes)
            for (const node of change.addedNodes) {
              if (!(node instanceof HTMLElement) || !node.matches('[data-reaction-id]')) continue;
              const figure = node.closest('figure.tile');
              const who = figure?.querySelector('figcaption .name')?.textContent ?? '';
              (seen[who] ??= []).push(`${node.getAttribute('data-reaction')}#${node.getAttribute('data-reaction-id')}`);
            }
        }).observe(document.body, { childList: true, subtree: true });
      }),
    /** The reactions seen on the tile named `name` since `watchReactions`, oldest first, each once. */
    reactionsSeen: (name: string) => page.evaluate((n) => [...new Set((window as unknown as { __reactions: Record<string, string[]> }).__reactions[n] ?? [])], name),
    /** People's list of raised hands, first raised first, by name as it shows them. */
    raisedHands: async () => {
      await openPanel(page, 'people');
      return page.$$eval('[data-testid="raised-hand"]', (items) => items.map((item) => item.textContent?.replace('✋', '').trim() ?? ''));
    },
    /** Picks files from disk in the file picker, as a person would; they go to everyone. */
    sendFiles: (paths: string[]) => page.setInputFiles('input[name="file"]', paths),
    transfers: () =>
      page.$$eval('[data-testid="file-transfer"]', (items) =>
        items.map((item) => ({
          id: item.getAttribute('data-transfer') ?? '',
          direction: item.getAttribute('data-direction'),
          status: item.getAttribute('data-status'),
          detail: item.querySelector('[data-testid="file-detail"]')?.textContent ?? '',
          saveAs: item.querySelector('a[data-action="save-file"]')?.getAttribute('download') ?? null,
        })),
      ),
    /** Starts noting every fraction each file's progress bar shows, every 20 ms, to read with `progressSeen`. */
    watchProgress: () =>
      page.evaluate(() => {
        const seen: Record<string, number[]> = {};
        (window as unknown as { __progress: typeof seen }).__progress = seen;
        setInterval(() => {
          for (const item of document.querySelectorAll('[data-testid="file-transfer"]')) {
            const bar = item.querySelector('progress');
            const id = item.getAttribute('data-transfer') ?? '';
            const fraction = bar ? bar.value / bar.max : 0;
            const list = (seen[id] ??= []);
            if (list.at(-1) !== fraction) list.push(fraction);
          }
        }, 20);
      }),
    progressSeen: () => page.evaluate(() => (window as unknown as { __progress: Record<string, number[]> }).__progress),
    /** SHA-256 (hex) of the file behind a finished transfer's Save link, read back from its blob: URL. */
    savedFileSha256: (transferId: string) =>
      page.evaluate(async (id) => {
        const link = document.querySelector<HTMLAnchorElement>(`[data-transfer="${id}"] a[data-action="save-file"]`);
        if (!link) return null;
        const bytes = await (await fetch(link.href)).arrayBuffer();
        const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
        return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
      }, transferId),
    /** Record the call / Stop recording, and whether the button says it records. */
    toggleRecording: () => page.click('button[data-action="record"]'),
    recordPressed: async () => (await page.locator('button[data-action="record"]').getAttribute('aria-pressed')) === 'true',
    /** What the header says about recording, or null when it says nothing. */
    recordingIndicator: async () => {
      const indicator = page.getByTestId('recording-indicator');
      return (await indicator.count()) === 0 ? null : indicator.innerText();
    },
    /** The finished recordings offered for download (Files panel, or the end screen). */
    recordings: () =>
      page.$$eval('[data-testid="recording"] a[data-action="save-recording"]', (links) =>
        links.map((link) => ({ href: (link as HTMLAnchorElement).href, fileName: link.getAttribute('download') })),
      ),
    remotePlaceholder: () => page.getByTestId('remote-video-placeholder'),
    endMessage: () => page.getByTestId('end-message'),
    notice: () => page.getByTestId('notice'),
    signalingStatus: () => page.getByTestId('signaling-status'),
    /** Crashes the tab's renderer (CDP Page.crash): no pagehide, no last write. */
    crash: async () => {
      const cdp = await page.context().newCDPSession(page);
      const crashed = page.waitForEvent('crash');
      // The command gets no answer (its target is gone); the page's crash event says it happened.
      cdp.send('Page.crash').catch(() => undefined);
      await crashed;
    },
  };
}

/** The call ID and invite live behind the Invite button. */
async function openInvite(page: Page): Promise<void> {
  const invite = page.locator('button[data-action="invite"]');
  await invite.waitFor({ timeout: 15_000 });
  if ((await invite.getAttribute('aria-expanded')) !== 'true') await invite.click();
  await page.getByTestId('call-id').waitFor({ timeout: 5_000 });
}

async function openPanel(page: Page, name: 'people' | 'chat' | 'files'): Promise<void> {
  const toggle = page.locator(`button[data-action="panel-${name}"]`);
  if ((await toggle.getAttribute('aria-pressed')) !== 'true') await toggle.click();
  await page.locator(`.side-panel[data-panel="${name}"]`).waitFor({ timeout: 5_000 });
}

async function openReactions(page: Page): Promise<void> {
  const button = page.locator('button[data-action="reactions"]');
  if ((await button.getAttribute('aria-expanded')) !== 'true') await button.click();
  await page.getByTestId('reactions-menu').waitFor({ timeout: 5_000 });
}

/** The tile showing the person named `name`, or ours for `'self'`. */
function tileOf(page: Page, name: string) {
  if (name === 'self') return page.locator('figure.tile').filter({ has: page.getByTestId('local-video') });
  const exactly = new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
  return page.locator('figure.tile[data-peer]').filter({ has: page.locator('figcaption .name', { hasText: exactly }) });
}

/** The device choices sit in a menu beside the microphone and camera buttons (the speaker with the microphone). */
export async function openDeviceMenu(page: Page, picker: 'camera' | 'microphone' | 'speaker'): Promise<void> {
  const menu = picker === 'camera' ? 'camera' : 'microphone';
  const arrow = page.locator(`button[data-action="${menu}-menu"]`);
  if ((await arrow.getAttribute('aria-expanded')) !== 'true') await arrow.click();
  await page.getByTestId(`${menu}-menu`).waitFor({ timeout: 5_000 });
}

async function chooseDevice(page: Page, picker: 'camera' | 'microphone', labelPart: string): Promise<void> {
  await openDeviceMenu(page, picker);
  const value = await page.$eval(
    `select[name="${picker}"]`,
    (select, part) => [...(select as HTMLSelectElement).options].find((o) => o.text.includes(part))?.value ?? null,
    labelPart,
  );
  if (value === null) throw new Error(`No ${picker} labelled like ${labelPart}`);
  await page.selectOption(`select[name="${picker}"]`, value);
}

/** The popup while a call runs: the call's summary and the controls that act on it from any tab. */
export async function openRunningCallPopup(profile: Profile) {
  const page = await profile.context.newPage();
  await page.addInitScript(noteRunningCallShown);
  await page.goto(profile.url('popup.html'));
  const running = page.getByTestId('running-call');
  return {
    page,
    /** Whether the running-call view was on screen at any moment since the popup opened, if only for a frame. */
    everShowedRunningCall: () => page.evaluate(() => (window as unknown as { __runningCallShown: boolean }).__runningCallShown),
    waitForRunningCall: () => running.waitFor({ timeout: 5_000 }),
    /** Start and Join are back: the popup knows no call runs. */
    waitForStartAndJoin: () => page.locator('button[data-action="start"]').waitFor({ timeout: 5_000 }),
    phase: () => running.getAttribute('data-phase'),
    participants: async () => Number(await page.getByTestId('running-participants').getAttribute('data-count')),
    /** The duration shown (mm:ss or h:mm:ss), in seconds. */
    elapsedSeconds: async () =>
      (await page.getByTestId('running-elapsed').innerText()).split(':').reduce((total, part) => total * 60 + Number(part), 0),
    muteButton: () => page.locator('button[data-action="mute"]').innerText(),
    cameraButton: () => page.locator('button[data-action="camera"]').innerText(),
    toggleMute: () => page.click('button[data-action="mute"]'),
    toggleCamera: () => page.click('button[data-action="camera"]'),
    goToCall: () => page.click('button[data-action="go-to-call"]'),
    hangUp: () => page.click('button[data-action="hang-up"]'),
    toolbar: () => toolbarBadge(page),
  };
}

/** Runs in the popup before its scripts: notes the running-call view the moment it is added. */
function noteRunningCallShown(): void {
  const w = window as unknown as { __runningCallShown: boolean };
  w.__runningCallShown = false;
  new MutationObserver(() => {
    if (document.querySelector('[data-testid="running-call"]')) w.__runningCallShown = true;
  }).observe(document, { childList: true, subtree: true });
}

/** The toolbar icon's badge and tooltip, read through chrome.action in any page of the extension. */
export async function toolbarBadge(extensionPage: Page): Promise<{ text: string; title: string; colour: number[] }> {
  return extensionPage.evaluate(async () => {
    type Action = {
      getBadgeText(details: object): Promise<string>;
      getTitle(details: object): Promise<string>;
      getBadgeBackgroundColor(details: object): Promise<number[]>;
    };
    const action = (window as unknown as { chrome: { action: Action } }).chrome.action;
    const [text, title, colour] = await Promise.all([action.getBadgeText({}), action.getTitle({}), action.getBadgeBackgroundColor({})]);
    return { text, title, colour };
  });
}

/**
 * Fires a keyboard shortcut's command into the extension's service worker, where the
 * listener background.ts registered handles it. A key press cannot reach Chromium's
 * shortcut handling from Playwright; `dispatch` (not part of the documented API, but
 * present on every chrome.Event) runs the real listeners.
 */
export async function fireShortcut(profile: Profile, command: string): Promise<void> {
  const worker = profile.context.serviceWorkers()[0] ?? (await profile.context.waitForEvent('serviceworker', { timeout: 5_000 }));
  await worker.evaluate((name) => {
    const onCommand = (globalThis as unknown as { chrome: { commands: { onCommand: { dispatch(command: string): void } } } }).chrome.commands.onCommand;
    onCommand.dispatch(name);
  }, command);
}
