/**
 * The call tab's side of remote control: it publishes the call's status for the badge
 * and the popup, and applies the actions the popup and the shortcuts send.
 */
import { effect } from '@preact/signals-core';
import { browser } from 'wxt/browser';
import { applyControl, type CallStatus, callStatusOf, type ControllableCall, type ControlReply, observeCall, parseControlMessage, sameStatus } from './call-remote';
import { callStatusItem } from './call-remote-client';
import { expiryFrom, refreshIntervalMs } from './call-status-freshness';
import { focusSelf } from './call-tab';

/**
 * Keeps the stored status in step with the call (cleared once it is over) until the
 * returned function is called, signed with this tab's ID and renewed every
 * refreshIntervalMs while the call runs: the renewal is the proof that this tab lives.
 * Speaking and video changes re-publish the participants often; only an actual change of
 * the snapshot is written between renewals.
 */
export function publishCallStatus(call: ControllableCall, tabId: number, now: () => number = Date.now): () => void {
  let published: CallStatus | null | undefined;
  const write = () => {
    const done = published ? callStatusItem.setValue({ ...published, tabId, expiresAtMs: expiryFrom(now()) }) : callStatusItem.removeValue();
    done.catch((error: unknown) => console.warn('PeerCall: could not publish the call status', error));
  };
  const stopFollowing = effect(() => {
    const status = callStatusOf(observeCall(call), published ?? null, now());
    // The first run always writes, so a status left by a tab that crashed is replaced.
    if (published !== undefined && sameStatus(published, status)) return;
    published = status;
    write();
  });
  const renewal = setInterval(() => published && write(), refreshIntervalMs);
  return () => {
    stopFollowing();
    clearInterval(renewal);
  };
}

/** Answers control messages with the call `currentCall` returns at the time. */
export function serveCallControl(currentCall: () => ControllableCall | null): () => void {
  const listener = (message: unknown): Promise<ControlReply> | undefined => {
    const control = parseControlMessage(message);
    if (!control) return undefined;
    // Always answer: a sender that gets no answer takes it that no call runs.
    return applyControl(currentCall(), control.action, focusSelf).catch((error: unknown) => {
      console.warn('PeerCall: could not apply', control.action, error);
      return { applied: false };
    });
  };
  browser.runtime.onMessage.addListener(listener);
  return () => browser.runtime.onMessage.removeListener(listener);
}
