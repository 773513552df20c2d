/**
 * Controlling the call from outside its tab: the status snapshot the call tab publishes
 * for the toolbar badge and the popup, and the control messages the popup and the
 * keyboard shortcuts send back. Everything that arrives over runtime messaging or from
 * storage is untrusted until a parser here says otherwise.
 */
import type { ReadonlySignal } from '@preact/signals-core';
import { type CallState, isActive } from '../call/call-state';
import type { StatusProof } from './call-status-freshness';

export const controlMessageType = 'peercall:control';
export const controlActions = ['toggle-mute', 'toggle-camera', 'hang-up', 'focus'] as const;
export type ControlAction = (typeof controlActions)[number];

export interface ControlMessage {
  readonly type: typeof controlMessageType;
  readonly action: ControlAction;
}

/** What the call tab answers: whether the action reached a running call. */
export interface ControlReply {
  readonly applied: boolean;
}

/** A call runs in every state but these; a call that is over publishes no status at all. */
export type CallPhase = Exclude<CallState['kind'], 'idle' | 'ended' | 'failed'>;
// A record, so that a call state added later fails to compile until it is listed here.
const phases: Record<CallPhase, true> = { lobby: true, starting: true, dialing: true, asking: true, waiting: true, 'in-call': true };
export const callPhases = Object.keys(phases) as readonly CallPhase[];
const isPhase = (kind: unknown): kind is CallPhase => typeof kind === 'string' && Object.hasOwn(phases, kind);

export interface CallStatus {
  readonly phase: CallPhase;
  /** When the person entered the call from the lobby (the call tab's clock, which the popup shares). */
  readonly startedAtMs: number;
  readonly micMuted: boolean;
  readonly cameraOff: boolean;
  /** Everyone else connected or connecting, not counting us. */
  readonly participants: number;
}

/** What the call tab stores: the status, and the proof of life a reader checks (call-status-freshness.ts). */
export interface PublishedCallStatus extends CallStatus, StatusProof {}

/** More than any room allows (signaling caps rooms at 50), so a larger count is garbage. */
export const maxParticipants = 64;

/**
 * The keyboard shortcuts: wxt.config.ts declares them as manifest `commands` from this
 * list (each description is its `messageName` in public/_locales), and the service
 * worker maps a fired command back to its action with it. Chrome assigns at most four suggested keys per extension; people can change them at
 * chrome://extensions/shortcuts.
 */
export const shortcuts = [
  { command: 'toggle-mute', action: 'toggle-mute', suggestedKey: 'Alt+Shift+M', messageName: 'shortcutToggleMute' },
  { command: 'toggle-camera', action: 'toggle-camera', suggestedKey: 'Alt+Shift+V', messageName: 'shortcutToggleCamera' },
] as const satisfies readonly { command: string; action: ControlAction; suggestedKey: string; messageName: string }[];

/**
 * Each shortcut with the keys the browser actually gave it ('' when none: another extension
 * may hold them, or the person cleared them), from `commands.getAll()`.
 */
export function assignedShortcuts(commands: readonly { name?: string; shortcut?: string }[]): { command: ShortcutCommand; keys: string }[] {
  return shortcuts.map(({ command }) => ({ command, keys: commands.find((c) => c.name === command)?.shortcut ?? '' }));
}
export type ShortcutCommand = (typeof shortcuts)[number]['command'];

export function actionForCommand(command: string): ControlAction | null {
  return shortcuts.find((shortcut) => shortcut.command === command)?.action ?? null;
}

export function controlMessage(action: ControlAction): ControlMessage {
  return { type: controlMessageType, action };
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The control message, or null for anything else (including other PeerCall messages). */
export function parseControlMessage(message: unknown): ControlMessage | null {
  if (!isRecord(message) || message.type !== controlMessageType) return null;
  const action = message.action;
  return typeof action === 'string' && (controlActions as readonly string[]).includes(action) ? controlMessage(action as ControlAction) : null;
}

export function parseControlReply(reply: unknown): ControlReply | null {
  return isRecord(reply) && typeof reply.applied === 'boolean' ? { applied: reply.applied } : null;
}

const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

/** A stored status, or null when it is missing, not one we wrote, or written without its proof of life. */
export function parseCallStatus(value: unknown): PublishedCallStatus | null {
  if (!isRecord(value)) return null;
  const { phase, startedAtMs, micMuted, cameraOff, participants, tabId, expiresAtMs } = value;
  if (!isPhase(phase)) return null;
  if (!isCount(startedAtMs) || !isCount(tabId) || !isCount(expiresAtMs)) return null;
  if (typeof micMuted !== 'boolean' || typeof cameraOff !== 'boolean') return null;
  if (!isCount(participants) || participants > maxParticipants) return null;
  return { phase, startedAtMs, micMuted, cameraOff, participants, tabId, expiresAtMs };
}

export interface ObservedCall {
  readonly state: CallState['kind'];
  readonly micMuted: boolean;
  readonly cameraOff: boolean;
  readonly participants: number;
}

/**
 * The snapshot to publish for what the call tab sees now, or null when no call runs.
 * The clock starts when the person leaves the lobby and carries over from the previous
 * snapshot of the same call.
 */
export function callStatusOf(observed: ObservedCall, previous: CallStatus | null, nowMs: number): CallStatus | null {
  const phase = observed.state;
  if (!isPhase(phase)) return null;
  return {
    phase,
    startedAtMs: previous && previous.phase !== 'lobby' ? previous.startedAtMs : nowMs,
    micMuted: observed.micMuted,
    cameraOff: observed.cameraOff,
    participants: observed.participants,
  };
}

export function sameStatus(a: CallStatus | null, b: CallStatus | null): boolean {
  if (a === null || b === null) return a === b;
  return a.phase === b.phase && a.startedAtMs === b.startedAtMs && a.micMuted === b.micMuted && a.cameraOff === b.cameraOff && a.participants === b.participants;
}

/** The part of a CallSession that remote control needs, so it can be tested without WebRTC. */
export interface ControllableCall {
  readonly state: ReadonlySignal<CallState>;
  readonly media: { readonly micMuted: ReadonlySignal<boolean>; readonly cameraOff: ReadonlySignal<boolean> };
  readonly participants: ReadonlySignal<readonly unknown[]>;
  setMicMuted(muted: boolean): void;
  setCameraOff(off: boolean): Promise<void>;
  leave(): void;
}

export function observeCall(call: ControllableCall): ObservedCall {
  return {
    state: call.state.value.kind,
    micMuted: call.media.micMuted.value,
    cameraOff: call.media.cameraOff.value,
    participants: call.participants.value.length,
  };
}

/**
 * Applies one action to the call. Toggles and hang-up only act on a running call, so a
 * late shortcut cannot change the devices of a call that is already over; the tab can
 * always be brought to the front.
 */
export async function applyControl(call: ControllableCall | null, action: ControlAction, focusTab: () => Promise<void>): Promise<ControlReply> {
  if (action === 'focus') {
    await focusTab();
    return { applied: true };
  }
  if (!call || !isActive(call.state.value)) return { applied: false };
  switch (action) {
    case 'toggle-mute':
      call.setMicMuted(!call.media.micMuted.value);
      break;
    case 'toggle-camera':
      await call.setCameraOff(!call.media.cameraOff.value);
      break;
    case 'hang-up':
      call.leave();
      break;
  }
  return { applied: true };
}
