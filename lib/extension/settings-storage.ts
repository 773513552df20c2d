/** The settings as WXT storage items: one typed item each, with the defaults as fallback. */
import { storage } from 'wxt/utils/storage';
import { defaultSettings, type Settings } from '../call/settings';

export const signalingUrlItem = storage.defineItem<string>('local:signalingUrl', {
  fallback: defaultSettings.signalingUrl,
  version: 1,
});

export const signalingKeyItem = storage.defineItem<string>('local:signalingKey', {
  fallback: defaultSettings.signalingKey,
  version: 1,
});

export const iceServersItem = storage.defineItem<RTCIceServer[]>('local:iceServers', {
  fallback: [...defaultSettings.iceServers],
  version: 1,
});

export const displayNameItem = storage.defineItem<string>('local:displayName', {
  fallback: defaultSettings.displayName,
  version: 1,
});

export const uplinkBudgetKbpsItem = storage.defineItem<number>('local:uplinkBudgetKbps', {
  fallback: defaultSettings.uplinkBudgetKbps,
  version: 1,
});

export const relayOnlyItem = storage.defineItem<boolean>('local:relayOnly', {
  fallback: defaultSettings.relayOnly,
  version: 1,
});

export const reconnectGraceSecondsItem = storage.defineItem<number>('local:reconnectGraceSeconds', {
  fallback: defaultSettings.reconnectGraceSeconds,
  version: 1,
});

export const askToJoinItem = storage.defineItem<boolean>('local:askToJoin', {
  fallback: defaultSettings.askToJoin,
  version: 1,
});

/** The other servers the person allowed an invite to use (lib/call/invite-server.ts). */
export const allowedServersItem = storage.defineItem<unknown>('local:allowedServers', {
  fallback: [],
  version: 1,
});

export async function loadSettings(): Promise<Settings> {
  const [signalingUrl, signalingKey, iceServers, displayName, uplinkBudgetKbps, relayOnly, reconnectGraceSeconds, askToJoin] = await Promise.all([
    signalingUrlItem.getValue(),
    signalingKeyItem.getValue(),
    iceServersItem.getValue(),
    displayNameItem.getValue(),
    uplinkBudgetKbpsItem.getValue(),
    relayOnlyItem.getValue(),
    reconnectGraceSecondsItem.getValue(),
    askToJoinItem.getValue(),
  ]);
  return { signalingUrl, signalingKey, iceServers, displayName, uplinkBudgetKbps, relayOnly, reconnectGraceSeconds, askToJoin };
}

export async function saveSettings(settings: Settings): Promise<void> {
  await Promise.all([
    signalingUrlItem.setValue(settings.signalingUrl),
    signalingKeyItem.setValue(settings.signalingKey),
    iceServersItem.setValue([...settings.iceServers]),
    displayNameItem.setValue(settings.displayName),
    uplinkBudgetKbpsItem.setValue(settings.uplinkBudgetKbps),
    relayOnlyItem.setValue(settings.relayOnly),
    reconnectGraceSecondsItem.setValue(settings.reconnectGraceSeconds),
    askToJoinItem.setValue(settings.askToJoin),
  ]);
}
