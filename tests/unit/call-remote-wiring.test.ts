// @vitest-environment node
import { signal } from '@preact/signals-core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import type { CallId } from '../../lib/call/call-id';
import type { ControllableCall, PublishedCallStatus } from '../../lib/extension/call-remote';
import { callStatusItem, followCallStatus, readCallStatus, sendControl, whenThePersonMovesOn } from '../../lib/extension/call-remote-client';
import { publishCallStatus, serveCallControl } from '../../lib/extension/call-remote-tab';
import { refreshIntervalMs, statusTtlMs } from '../../lib/extension/call-status-freshness';
import type { CallState } from '../../lib/call/call-state';

const callId = 'aaaa-bbbb-cccc-dddd-eeee-ffff-gggg' as CallId;
const callTabId = 41;

function fakeCall() {
  const micMuted = signal(false);
  const cameraOff = signal(false);
  return {
    state: signal<CallState>({ kind: 'idle' }),
    media: { micMuted, cameraOff },
    participants: signal<readonly unknown[]>([]),
    setMicMuted: (muted: boolean) => void (micMuted.value = muted),
    setCameraOff: async (off: boolean) => void (cameraOff.value = off),
    leave: vi.fn(),
  } satisfies ControllableCall;
}

/** The tabs that hold a call page, as runtime.getContexts (or Firefox's getViews) would list them. */
function openCallTabs(...ids: number[]) {
  const open = new Set(ids);
  return { isOpen: async (tabId: number) => open.has(tabId), close: (tabId: number) => open.delete(tabId) };
}

const running = (overrides: Partial<PublishedCallStatus> = {}): PublishedCallStatus => ({
  phase: 'in-call',
  startedAtMs: 5,
  micMuted: false,
  cameraOff: false,
  participants: 1,
  tabId: callTabId,
  expiresAtMs: Date.now() + statusTtlMs,
  ...overrides,
});

/** The call, then only "no call": once dropped it never comes back (discarding it is a change that is heard too). */
const droppedAfter = (status: PublishedCallStatus, seen: readonly (PublishedCallStatus | null)[]) => [status, null, ...seen.slice(2).map(() => null)];

const stopAll: (() => void)[] = [];

beforeEach(() => fakeBrowser.reset());
afterEach(() => {
  stopAll.splice(0).forEach((stop) => stop());
  vi.useRealTimers();
});

describe('the call tab publishes its status, signed and renewed', () => {
  const stored = () => callStatusItem.getValue();

  it('the stored status follows the call from start to end, naming its tab and when it expires', async () => {
    const call = fakeCall();
    let nowMs = 1_000;
    stopAll.push(publishCallStatus(call, callTabId, () => nowMs));
    await vi.waitFor(async () => expect(await stored()).toBeNull());

    call.state.value = { kind: 'waiting', role: 'host', callId };
    await vi.waitFor(async () =>
      expect(await stored()).toEqual({ phase: 'waiting', startedAtMs: 1_000, micMuted: false, cameraOff: false, participants: 0, tabId: callTabId, expiresAtMs: 1_000 + statusTtlMs }),
    );

    nowMs = 9_000;
    call.participants.value = [{}];
    call.state.value = { kind: 'in-call', role: 'host', callId };
    call.media.micMuted.value = true;
    await vi.waitFor(async () => expect(await stored()).toMatchObject({ phase: 'in-call', startedAtMs: 1_000, micMuted: true, participants: 1, expiresAtMs: 9_000 + statusTtlMs }));

    call.state.value = { kind: 'ended', role: 'host', callId };
    await vi.waitFor(async () => expect(await stored()).toBeNull());
  });

  it('renews the expiry every refreshIntervalMs while the call runs, and stops when unpublished', async () => {
    vi.useFakeTimers({ now: 50_000 });
    const call = fakeCall();
    call.state.value = { kind: 'in-call', role: 'guest', callId };
    const unpublish = publishCallStatus(call, callTabId);
    await vi.waitFor(async () => expect((await stored())?.expiresAtMs).toBe(50_000 + statusTtlMs));
    await vi.advanceTimersByTimeAsync(refreshIntervalMs);
    expect((await stored())?.expiresAtMs).toBe(50_000 + refreshIntervalMs + statusTtlMs);
    await vi.advanceTimersByTimeAsync(refreshIntervalMs);
    expect((await stored())?.expiresAtMs).toBe(50_000 + 2 * refreshIntervalMs + statusTtlMs);

    unpublish();
    await vi.advanceTimersByTimeAsync(3 * refreshIntervalMs);
    expect((await stored())?.expiresAtMs).toBe(50_000 + 2 * refreshIntervalMs + statusTtlMs);
  });

  it('a new call tab replaces a status a crashed one left behind', async () => {
    await callStatusItem.setValue(running({ micMuted: true, cameraOff: true, participants: 2, tabId: 7 }));
    stopAll.push(publishCallStatus(fakeCall(), callTabId));
    await vi.waitFor(async () => expect(await stored()).toBeNull());
  });
});

describe('the popup and the service worker believe a status only while it proves its tab alive', () => {
  it('a live tab and an unexpired status: the call is shown', async () => {
    const status = running();
    await callStatusItem.setValue(status);
    expect(await readCallStatus(openCallTabs(callTabId).isOpen)).toEqual(status);
  });

  it('a status whose tab is gone (closed, or crashed and holding no page) is discarded', async () => {
    await callStatusItem.setValue(running());
    expect(await readCallStatus(openCallTabs(99).isOpen)).toBeNull();
    expect(await callStatusItem.getValue()).toBeNull();
  });

  it('a status past its expiry is discarded though its tab is still there (a hung tab)', async () => {
    await callStatusItem.setValue(running({ expiresAtMs: Date.now() - 1 }));
    expect(await readCallStatus(openCallTabs(callTabId).isOpen)).toBeNull();
    expect(await callStatusItem.getValue()).toBeNull();
  });

  it('discarding leaves alone a status the call tab wrote meanwhile', async () => {
    const stale = running({ tabId: 7 });
    const fresh = running({ phase: 'lobby' });
    await callStatusItem.setValue(stale);
    const writesFirst = async (tabId: number) => {
      // The new call tab's first status lands while the old one is being judged.
      await callStatusItem.setValue(fresh);
      return tabId === callTabId;
    };
    expect(await readCallStatus(writesFirst)).toBeNull();
    expect(await callStatusItem.getValue()).toEqual(fresh);
  });

  it('a follower hears the standing status, then each change in order', async () => {
    const seen: (PublishedCallStatus | null)[] = [];
    stopAll.push(followCallStatus((status) => void seen.push(status), { isOpen: openCallTabs(callTabId).isOpen }));
    await vi.waitFor(() => expect(seen).toEqual([null]));
    const status = running();
    await callStatusItem.setValue(status);
    await vi.waitFor(() => expect(seen).toEqual([null, status]));
    await callStatusItem.removeValue();
    await vi.waitFor(() => expect(seen).toEqual([null, status, null]));
  });

  it('a follower drops the call as soon as a tab closes and the call tab is among the gone', async () => {
    const tabs = openCallTabs(callTabId);
    const seen: (PublishedCallStatus | null)[] = [];
    const status = running();
    await callStatusItem.setValue(status);
    stopAll.push(followCallStatus((shown) => void seen.push(shown), { isOpen: tabs.isOpen }));
    await vi.waitFor(() => expect(seen).toEqual([status]));
    // Closed before the write that clears the status could land: the status stays stored.
    tabs.close(callTabId);
    await fakeBrowser.tabs.onRemoved.trigger(callTabId, { windowId: 1, isWindowClosing: false });
    await vi.waitFor(() => expect(seen.at(-1)).toBeNull());
    expect(seen).toEqual(droppedAfter(status, seen));
    expect(await callStatusItem.getValue()).toBeNull();
  });

  it('a follower drops the call when its status expires unrenewed, with nothing else happening', async () => {
    vi.useFakeTimers({ now: 100_000 });
    const seen: (PublishedCallStatus | null)[] = [];
    const status = running({ expiresAtMs: 100_000 + 30_000 });
    await callStatusItem.setValue(status);
    stopAll.push(followCallStatus((shown) => void seen.push(shown), { isOpen: openCallTabs(callTabId).isOpen }));
    // vi.waitFor would move the fake clock; letting the first read settle does not.
    await vi.advanceTimersByTimeAsync(0);
    expect(seen).toEqual([status]);
    await vi.advanceTimersByTimeAsync(29_999);
    expect(seen).toEqual([status]);
    await vi.advanceTimersByTimeAsync(1);
    expect(seen).toEqual(droppedAfter(status, seen));
  });

  it('in the service worker, the person moving to another tab or window is a moment to check again', async () => {
    const tabs = openCallTabs(callTabId);
    const seen: (PublishedCallStatus | null)[] = [];
    const status = running();
    await callStatusItem.setValue(status);
    stopAll.push(followCallStatus((shown) => void seen.push(shown), { isOpen: tabs.isOpen, alsoWhen: [whenThePersonMovesOn] }));
    await vi.waitFor(() => expect(seen).toEqual([status]));
    // A crash: the page is gone, the tab and the stored status are not, and no event says so.
    tabs.close(callTabId);
    await fakeBrowser.tabs.onActivated.trigger({ tabId: 3, windowId: 1 });
    await vi.waitFor(() => expect(seen.at(-1)).toBeNull());
    expect(seen).toEqual(droppedAfter(status, seen));
  });
});

describe('control messages between the popup and the call tab', () => {
  it('a control sent from the popup acts on the call and says so', async () => {
    const call = fakeCall();
    call.state.value = { kind: 'in-call', role: 'guest', callId };
    stopAll.push(serveCallControl(() => call));
    expect(await sendControl('toggle-mute')).toEqual({ applied: true });
    expect(call.media.micMuted.value).toBe(true);
    expect(await sendControl('hang-up')).toEqual({ applied: true });
    expect(call.leave).toHaveBeenCalledOnce();
  });

  it('other messages to the call tab are left to their own listeners', async () => {
    const call = fakeCall();
    call.state.value = { kind: 'in-call', role: 'guest', callId };
    stopAll.push(serveCallControl(() => call));
    const other = vi.fn(() => undefined);
    fakeBrowser.runtime.onMessage.addListener(other);
    await fakeBrowser.runtime.sendMessage({ type: 'peercall:control', action: 'mute-everyone' });
    await fakeBrowser.runtime.sendMessage({ type: 'peercall:call-tab', intent: { role: 'host' } });
    expect(call.media.micMuted.value).toBe(false);
    expect(other).toHaveBeenCalledTimes(2);
  });

  it('when no call tab answers, a status it left behind is forgotten', async () => {
    await callStatusItem.setValue(running());
    expect(await sendControl('toggle-mute')).toBeNull();
    expect(await callStatusItem.getValue()).toBeNull();
  });
});
