// @vitest-environment node
import { signal } from '@preact/signals-core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import type { CallId } from '../../lib/call/call-id';
import type { CallStatus, ControllableCall } from '../../lib/extension/call-remote';
import { callStatusItem, followCallStatus, readCallStatus, sendControl } from '../../lib/extension/call-remote-client';
import { publishCallStatus, serveCallControl } from '../../lib/extension/call-remote-tab';
import type { CallState } from '../../lib/call/call-state';

const callId = 'aaaa-bbbb-cccc-dddd-eeee-ffff-gggg' as CallId;

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

const stopAll: (() => void)[] = [];

beforeEach(() => fakeBrowser.reset());
afterEach(() => stopAll.splice(0).forEach((stop) => stop()));

describe('the call tab and the popup, through storage and messages', () => {
  it('the stored status follows the call from start to end', async () => {
    const call = fakeCall();
    let nowMs = 1_000;
    stopAll.push(publishCallStatus(call, () => nowMs));
    await vi.waitFor(async () => expect(await readCallStatus()).toBeNull());

    call.state.value = { kind: 'waiting', role: 'host', callId };
    await vi.waitFor(async () => expect(await readCallStatus()).toEqual({ phase: 'waiting', startedAtMs: 1_000, micMuted: false, cameraOff: false, participants: 0 }));

    nowMs = 9_000;
    call.participants.value = [{}];
    call.state.value = { kind: 'in-call', role: 'host', callId };
    call.media.micMuted.value = true;
    await vi.waitFor(async () => expect(await readCallStatus()).toEqual({ phase: 'in-call', startedAtMs: 1_000, micMuted: true, cameraOff: false, participants: 1 }));

    call.state.value = { kind: 'ended', role: 'host', callId };
    await vi.waitFor(async () => expect(await readCallStatus()).toBeNull());
  });

  it('a new call tab replaces a status a crashed one left behind', async () => {
    await callStatusItem.setValue({ phase: 'in-call', startedAtMs: 5, micMuted: true, cameraOff: true, participants: 2 });
    stopAll.push(publishCallStatus(fakeCall()));
    await vi.waitFor(async () => expect(await readCallStatus()).toBeNull());
  });

  it('a follower hears the current status, then each change in order', async () => {
    const seen: (CallStatus | null)[] = [];
    stopAll.push(followCallStatus((status) => void seen.push(status)));
    await vi.waitFor(() => expect(seen).toEqual([null]));
    const running: CallStatus = { phase: 'in-call', startedAtMs: 5, micMuted: false, cameraOff: false, participants: 1 };
    await callStatusItem.setValue(running);
    await vi.waitFor(() => expect(seen).toEqual([null, running]));
    await callStatusItem.removeValue();
    await vi.waitFor(() => expect(seen).toEqual([null, running, null]));
  });

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
    await callStatusItem.setValue({ phase: 'in-call', startedAtMs: 5, micMuted: false, cameraOff: false, participants: 1 });
    expect(await sendControl('toggle-mute')).toBeNull();
    expect(await readCallStatus()).toBeNull();
  });
});
