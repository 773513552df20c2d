// @vitest-environment node
import { signal } from '@preact/signals-core';
import { describe, expect, it, vi } from 'vitest';
import type { CallId } from '../../lib/call/call-id';
import {
  actionForCommand,
  applyControl,
  assignedShortcuts,
  type CallStatus,
  callStatusOf,
  type ControllableCall,
  controlActions,
  controlMessage,
  maxParticipants,
  type ObservedCall,
  parseCallStatus,
  parseControlMessage,
  parseControlReply,
  sameStatus,
  shortcuts,
} from '../../lib/extension/call-remote';
import { type CallState, idle, isActive } from '../../lib/call/call-state';
import { callError } from '../../lib/call/call-error';

const callId = 'aaaa-bbbb-cccc-dddd-eeee-ffff-gggg' as CallId;
/** One state of each kind; the record makes a new kind of call state fail to compile here. */
const everyState: Record<CallState['kind'], CallState> = {
  idle,
  lobby: { kind: 'lobby', role: 'host', callId },
  starting: { kind: 'starting', role: 'host', callId },
  dialing: { kind: 'dialing', role: 'guest', callId },
  asking: { kind: 'asking', role: 'guest', callId },
  waiting: { kind: 'waiting', role: 'host', callId },
  'in-call': { kind: 'in-call', role: 'guest', callId },
  ended: { kind: 'ended', role: 'host', callId },
  failed: { kind: 'failed', role: 'guest', callId, error: callError('room-unknown') },
};
const status: CallStatus = { phase: 'in-call', startedAtMs: 1_700_000_000_000, micMuted: false, cameraOff: false, participants: 1 };

describe('control messages', () => {
  it.each(controlActions.map((action) => ({ action })))('a $action message passes as sent', ({ action }) => {
    expect(parseControlMessage({ type: 'peercall:control', action })).toEqual(controlMessage(action));
  });

  it.each([
    { name: 'undefined', message: undefined },
    { name: 'null', message: null },
    { name: 'a string', message: 'peercall:control' },
    { name: 'an array', message: ['peercall:control', 'hang-up'] },
    { name: 'a call-tab request', message: { type: 'peercall:call-tab', intent: { role: 'host' } } },
    { name: 'no action', message: { type: 'peercall:control' } },
    { name: 'an unknown action', message: { type: 'peercall:control', action: 'delete-everything' } },
    { name: 'an action of the wrong case', message: { type: 'peercall:control', action: 'Hang-Up' } },
    { name: 'an action that is not a string', message: { type: 'peercall:control', action: { toString: (): string => 'hang-up' } } },
    { name: 'a prototype name as action', message: { type: 'peercall:control', action: 'constructor' } },
    { name: 'a type of the wrong case', message: { type: 'PeerCall:Control', action: 'hang-up' } },
  ])('$name is not a control message', ({ message }) => {
    expect(parseControlMessage(message)).toBeNull();
  });

  it('extra fields are dropped, not passed on', () => {
    expect(parseControlMessage({ type: 'peercall:control', action: 'focus', url: 'https://evil.example' })).toEqual({ type: 'peercall:control', action: 'focus' });
  });

  it.each([
    { reply: { applied: true }, parsed: { applied: true } },
    { reply: { applied: false, extra: 1 }, parsed: { applied: false } },
    { reply: undefined, parsed: null },
    { reply: { accepted: true }, parsed: null },
    { reply: { applied: 'yes' }, parsed: null },
  ])('the reply $reply reads as $parsed', ({ reply, parsed }) => {
    expect(parseControlReply(reply)).toEqual(parsed);
  });
});

describe('keyboard shortcuts', () => {
  it.each([
    { command: 'toggle-mute', action: 'toggle-mute' },
    { command: 'toggle-camera', action: 'toggle-camera' },
    { command: '_execute_action', action: null },
    { command: 'hang-up', action: null },
    { command: 'toString', action: null },
    { command: '', action: null },
  ])('command "$command" does $action', ({ command, action }) => {
    expect(actionForCommand(command)).toBe(action);
  });

  it('fit what Chrome accepts: at most four suggested keys, each used once, with Alt and Shift', () => {
    expect(shortcuts.length).toBeLessThanOrEqual(4);
    expect(new Set(shortcuts.map((s) => s.suggestedKey)).size).toBe(shortcuts.length);
    expect(new Set(shortcuts.map((s) => s.command)).size).toBe(shortcuts.length);
    for (const shortcut of shortcuts) expect(shortcut.suggestedKey).toMatch(/^Alt\+Shift\+[A-Z]$/);
  });

  it('are listed with the keys the browser gave them, in our order, and none where it gave none', () => {
    const fromBrowser = [
      { name: '_execute_action', shortcut: '' },
      { name: 'toggle-camera', shortcut: 'Ctrl+Shift+V', description: 'Turn your camera off or on in the call' },
      { name: 'toggle-mute', shortcut: '' },
    ];
    expect(assignedShortcuts(fromBrowser)).toEqual([
      { command: 'toggle-mute', keys: '' },
      { command: 'toggle-camera', keys: 'Ctrl+Shift+V' },
    ]);
    expect(assignedShortcuts([])).toEqual([
      { command: 'toggle-mute', keys: '' },
      { command: 'toggle-camera', keys: '' },
    ]);
  });
});

describe('the stored status', () => {
  const published = { ...status, tabId: 7, expiresAtMs: 1_700_000_075_000 };

  it('a status as published, with its proof of life, passes', () => {
    expect(parseCallStatus({ ...published })).toEqual(published);
  });

  it.each([
    { name: 'nothing stored', value: null },
    { name: 'a string', value: 'in-call' },
    { name: 'an ended call', value: { ...published, phase: 'ended' } },
    { name: 'an unknown phase', value: { ...published, phase: 'party' } },
    { name: 'a start time as text', value: { ...published, startedAtMs: '1700000000000' } },
    { name: 'a negative start time', value: { ...published, startedAtMs: -1 } },
    { name: 'a fractional start time', value: { ...published, startedAtMs: 1.5 } },
    { name: 'an infinite start time', value: { ...published, startedAtMs: Infinity } },
    { name: 'muted as a string', value: { ...published, micMuted: 'false' } },
    { name: 'camera state missing', value: { phase: 'in-call', startedAtMs: 1, micMuted: false, participants: 1, tabId: 7, expiresAtMs: 9 } },
    { name: 'a negative count', value: { ...published, participants: -1 } },
    { name: 'a fractional count', value: { ...published, participants: 1.5 } },
    { name: 'a count beyond any room', value: { ...published, participants: maxParticipants + 1 } },
    { name: 'a status without its proof of life (as an older version wrote it)', value: { ...status } },
    { name: 'a status without the tab that wrote it', value: { ...status, expiresAtMs: 1_700_000_075_000 } },
    { name: 'a status without an expiry', value: { ...status, tabId: 7 } },
    { name: 'a tab ID as text', value: { ...published, tabId: '7' } },
    { name: 'a negative tab ID (no tab)', value: { ...published, tabId: -1 } },
    { name: 'an expiry as text', value: { ...published, expiresAtMs: 'soon' } },
    { name: 'a fractional expiry', value: { ...published, expiresAtMs: 1.5 } },
  ])('$name is no status', ({ value }) => {
    expect(parseCallStatus(value)).toBeNull();
  });
});

describe('callStatusOf', () => {
  const observed = (state: CallState['kind'], more: Partial<ObservedCall> = {}): ObservedCall => ({ state, micMuted: false, cameraOff: false, participants: 0, ...more });
  const nowMs = 1_700_000_060_000;

  it.each([{ state: 'idle' }, { state: 'ended' }, { state: 'failed' }] as const)('no call runs while $state', ({ state }) => {
    expect(callStatusOf(observed(state), status, nowMs)).toBeNull();
  });

  it.each([{ state: 'lobby' }, { state: 'starting' }, { state: 'dialing' }, { state: 'asking' }, { state: 'waiting' }, { state: 'in-call' }] as const)(
    'a call $state starts counting now',
    ({ state }) => {
      expect(callStatusOf(observed(state), null, nowMs)).toEqual({ phase: state, startedAtMs: nowMs, micMuted: false, cameraOff: false, participants: 0 });
    },
  );

  it.each(Object.entries(everyState).map(([kind, state]) => ({ kind, state })))('a status is published in $kind exactly when the call is active', ({ state }) => {
    expect(callStatusOf(observed(state.kind), null, nowMs) !== null).toBe(isActive(state));
  });

  it('the clock starts when the person leaves the lobby, not when the lobby opened', () => {
    const inLobby = callStatusOf(observed('lobby'), null, 1_000);
    const entered = callStatusOf(observed('starting'), inLobby, 5_000);
    expect(entered?.startedAtMs).toBe(5_000);
    expect(callStatusOf(observed('waiting'), entered, 9_000)?.startedAtMs).toBe(5_000);
  });

  it('later snapshots keep the start time and carry mute, camera and the count of others', () => {
    expect(callStatusOf(observed('in-call', { micMuted: true, cameraOff: true, participants: 3 }), status, nowMs)).toEqual({
      phase: 'in-call',
      startedAtMs: status.startedAtMs,
      micMuted: true,
      cameraOff: true,
      participants: 3,
    });
  });

  it.each([
    { name: 'identical snapshots', a: status, b: { ...status }, same: true },
    { name: 'no call on both sides', a: null, b: null, same: true },
    { name: 'a call and none', a: status, b: null, same: false },
    { name: 'another phase', a: status, b: { ...status, phase: 'waiting' as const }, same: false },
    { name: 'another start', a: status, b: { ...status, startedAtMs: 1 }, same: false },
    { name: 'muted', a: status, b: { ...status, micMuted: true }, same: false },
    { name: 'camera off', a: status, b: { ...status, cameraOff: true }, same: false },
    { name: 'one more person', a: status, b: { ...status, participants: 2 }, same: false },
  ])('$name: same is $same', ({ a, b, same }) => {
    expect(sameStatus(a, b)).toBe(same);
  });
});

function fakeCall(state: CallState) {
  const micMuted = signal(false);
  const cameraOff = signal(false);
  const call = {
    state: signal(state),
    media: { micMuted, cameraOff },
    participants: signal<readonly unknown[]>([]),
    setMicMuted: vi.fn((muted: boolean) => void (micMuted.value = muted)),
    setCameraOff: vi.fn(async (off: boolean) => void (cameraOff.value = off)),
    leave: vi.fn(),
  } satisfies ControllableCall;
  return call;
}

describe('applyControl', () => {
  const running: CallState = { kind: 'in-call', role: 'host', callId };
  const focus = () => Promise.resolve();

  it('toggle-mute mutes, then unmutes', async () => {
    const call = fakeCall(running);
    expect(await applyControl(call, 'toggle-mute', focus)).toEqual({ applied: true });
    expect(call.media.micMuted.value).toBe(true);
    await applyControl(call, 'toggle-mute', focus);
    expect(call.setMicMuted.mock.calls).toEqual([[true], [false]]);
  });

  it('toggle-camera turns the camera off, then on', async () => {
    const call = fakeCall(running);
    await applyControl(call, 'toggle-camera', focus);
    await applyControl(call, 'toggle-camera', focus);
    expect(call.setCameraOff.mock.calls).toEqual([[true], [false]]);
  });

  it('hang-up leaves the call', async () => {
    const call = fakeCall({ kind: 'waiting', role: 'guest', callId });
    expect(await applyControl(call, 'hang-up', focus)).toEqual({ applied: true });
    expect(call.leave).toHaveBeenCalledOnce();
  });

  it.each([
    { name: 'idle', state: idle },
    { name: 'ended', state: { kind: 'ended', role: 'host', callId } as CallState },
  ])('a call that is $name ignores toggles and hang-up', async ({ state }) => {
    const call = fakeCall(state);
    for (const action of ['toggle-mute', 'toggle-camera', 'hang-up'] as const) {
      expect(await applyControl(call, action, focus)).toEqual({ applied: false });
    }
    expect([call.setMicMuted, call.setCameraOff, call.leave].every((fn) => fn.mock.calls.length === 0)).toBe(true);
  });

  it('focus brings the tab forward with or without a call', async () => {
    const focusTab = vi.fn(focus);
    expect(await applyControl(null, 'focus', focusTab)).toEqual({ applied: true });
    expect(await applyControl(fakeCall(idle), 'focus', focusTab)).toEqual({ applied: true });
    expect(focusTab).toHaveBeenCalledTimes(2);
  });

  it('without a call in the tab nothing but focus applies', async () => {
    expect(await applyControl(null, 'toggle-mute', focus)).toEqual({ applied: false });
  });
});
