/**
 * PeerCall in Korean: a browser whose language is Korean gets every page in Korean,
 * from the popup through the lobby to the call and its end message, while the stable
 * codes tests and scripts read stay the same. Someone in English can still join.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../signaling/config';
import { type RunningSignalingServer, startSignalingServer } from '../../signaling/server';
import { launchProfile, type Profile } from './support/browser';
import { configure, openPopup, openRunningCallPopup, throughLobby, welcomePage } from './support/pages';

let server: RunningSignalingServer;
let minji: Profile;
let bob: Profile;

beforeAll(async () => {
  server = await startSignalingServer(parseConfig({ PEERCALL_PORT: '0' }, []));
  [minji, bob] = await Promise.all([launchProfile({ locale: 'ko-KR' }), launchProfile()]);
  await Promise.all([minji, bob].map((p) => configure(p, { signalingUrl: server.url })));
});

afterAll(async () => {
  await Promise.all([minji?.close(), bob?.close()]);
  await server?.close();
});

const visibleText = (page: { locator(selector: string): { innerText(): Promise<string> } }) => page.locator('body').innerText();

describe('a browser in Korean', () => {
  it('speaks Korean in the popup, and refuses a malformed ID in Korean', async () => {
    const popup = await openPopup(minji);
    expect(await popup.page.evaluate(() => navigator.language)).toBe('ko-KR');
    expect(await popup.page.getAttribute('html', 'lang')).toBe('ko');
    const text = await visibleText(popup.page);
    for (const words of ['이름', '통화 시작', '통화 참여하기', '참여하기', '설정']) expect(text).toContain(words);
    expect(await popup.page.getAttribute('input[name="invite"]', 'placeholder')).toBe('통화 ID나 초대 붙여넣기');
    expect(await popup.joinExpectingError('not-a-call-id')).toContain('7묶음');
    expect(await popup.joinExpectingError('   ')).toContain('붙여넣으세요');
    // The manifest's name and description come from _locales.
    const manifest = await popup.page.evaluate(() => {
      const i18n = (window as unknown as { chrome: { i18n: { getMessage(name: string): string } } }).chrome.i18n;
      return { name: i18n.getMessage('appName'), description: i18n.getMessage('appDescription') };
    });
    expect(manifest.name).toBe('PeerCall');
    expect(manifest.description).not.toBe('');
    await popup.page.close();
  });

  it('opens the welcome page in Korean on install', async () => {
    const welcome = welcomePage(minji.welcome);
    // Playwright's locale is an emulation it applies to each page as it attaches; the tab
    // the extension opens while the browser starts can run before that. A reload shows it
    // as a Korean browser does.
    await welcome.page.reload();
    await welcome.page.locator('h1').waitFor();
    expect(await welcome.page.title()).toBe('PeerCall에 오신 것을 환영해요');
    expect(await welcome.page.getAttribute('html', 'lang')).toBe('ko');
    expect(await welcome.heading()).toBe('PeerCall에 오신 것을 환영해요');
    expect(await welcome.page.locator('button[data-action="start"]').innerText()).toBe('통화 시작');
    const text = await visibleText(welcome.page);
    for (const words of ['툴바에 PeerCall 고정하기', 'PeerCall 옆의 핀을 누르세요', '키보드 단축키', '통화 중 마이크 음소거 또는 해제', '설정 열기']) expect(text).toContain(words);
    expect((await welcome.pinPicture()).name).toContain('퍼즐 조각');
  });

  it('shows the settings page in Korean', async () => {
    const page = await minji.context.newPage();
    await page.goto(minji.url('options.html'));
    await page.locator('h1').waitFor();
    expect(await page.title()).toBe('PeerCall 설정');
    expect(await page.getAttribute('html', 'lang')).toBe('ko');
    expect(await page.locator('h1').innerText()).toBe('PeerCall 설정');
    await page.fill('input[name="signalingUrl"]', 'ftp://example');
    await page.click('button[data-action="save"]');
    expect(await page.locator('[role="alert"]').innerText()).toBe('서버 주소는 http:// 또는 https://로 시작해야 해요.');
    await page.close();
  });

  it('shows the lobby and the call in Korean, while an English guest sees English', async () => {
    const lobby = await (await openPopup(minji, { name: '민지' })).startToLobby();
    await lobby.waitForState('lobby');
    expect(await lobby.page.getAttribute('html', 'lang')).toBe('ko');
    expect(await lobby.page.title()).toBe('PeerCall 통화');
    expect(await lobby.page.getByTestId('call-status').innerText()).toBe('참여할 준비가 되셨나요?');
    const lobbyText = await visibleText(lobby.page);
    for (const words of ['마이크 입력 크기', '마이크를 끈 채로 참여', '카메라를 끈 채로 참여']) expect(lobbyText).toContain(words);
    expect(await lobby.page.locator('button[data-action="enter"]').innerText()).toBe('통화 시작');

    const host = await throughLobby(lobby);
    await host.waitForState('waiting');
    expect(await host.page.getByTestId('call-status').innerText()).toBe('다른 참가자를 기다리는 중');
    await expect.poll(() => host.signalingStatus().innerText(), { timeout: 10_000 }).toBe('PeerCall 서버에 연결됐어요.');
    expect(await host.page.locator('button[data-action="mute"]').getAttribute('aria-label')).toBe('음소거');
    expect(await host.page.locator('button[data-action="camera"]').getAttribute('aria-label')).toBe('카메라 끄기');
    expect(await host.page.locator('button[data-action="leave"]').getAttribute('aria-label')).toBe('나가기');
    expect(await host.page.locator('button[data-action="invite"]').innerText()).toBe('초대');
    await host.callId();
    expect(await host.page.locator('button[data-action="copy"]').innerText()).toBe('ID 복사');
    expect(await host.page.getByTestId('empty-stage').innerText()).toBe('아직 아무도 들어오지 않았어요');

    const guest = await (await openPopup(bob, { name: 'Bob' })).join(await host.callId());
    await host.waitForState('in-call');
    await guest.waitForState('in-call');
    expect(await host.page.getByTestId('call-status').innerText()).toBe('통화 중');
    expect(await guest.page.getByTestId('call-status').innerText()).toBe('In call');
    expect(await guest.page.getAttribute('html', 'lang')).toBe('en');
    await expect.poll(() => host.roster(), { timeout: 5_000 }).toEqual([
      { name: '민지 (나)', muted: false, cameraOff: false },
      { name: 'Bob', muted: false, cameraOff: false },
    ]);
    await expect.poll(() => guest.roster(), { timeout: 5_000 }).toEqual([
      { name: 'Bob (you)', muted: false, cameraOff: false },
      { name: '민지', muted: false, cameraOff: false },
    ]);

    await host.mute();
    expect(await host.page.locator('button[data-action="mute"]').getAttribute('aria-label')).toBe('음소거 해제');
    const popup = await openRunningCallPopup(minji);
    await popup.waitForRunningCall();
    expect(await popup.page.getByTestId('running-phase').innerText()).toBe('통화 중');
    expect(await popup.page.getByTestId('running-participants').innerText()).toBe('다른 참가자 1명');
    expect(await popup.muteButton()).toBe('음소거 해제');
    // The toolbar's tooltip is written by the service worker, in the browser's language too.
    await expect.poll(async () => (await popup.toolbar()).title, { timeout: 5_000 }).toBe('PeerCall: 다른 참가자 1명과 통화 중 (마이크 음소거됨)');
    await popup.page.close();

    await host.leave();
    expect(await host.endMessage().innerText()).toContain('통화에서 나왔어요.');
    await guest.notice().waitFor({ timeout: 10_000 });
    expect(await guest.notice().innerText()).toContain('Everyone else left');
    await Promise.all([host.page.close(), guest.page.close()]);
  });

  it('tells someone joining an unknown ID, in Korean, that no call has it', async () => {
    const call = await (await openPopup(minji)).join('k3f9-x2ab-7mqz-0h1c-wv8e-5rt4-nd6p');
    await call.endMessage().waitFor({ timeout: 10_000 });
    expect(await call.endMessage().getAttribute('data-code')).toBe('room-unknown');
    expect(await call.state()).toBe('failed');
    expect(await call.endMessage().innerText()).toContain('이 ID로 진행 중인 통화가 없어요');
    expect(await call.page.getByTestId('call-status').innerText()).toBe('통화 실패');
    expect(await call.page.locator('[data-testid="end-message"] button').innerText()).toBe('새 통화 시작');
    await call.page.close();
  });
});
