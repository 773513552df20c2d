/**
 * Device lists and what to do when they change. Browsers hide labels until media
 * permission is granted, so a nameless device still gets a readable name.
 */
import { t } from '../i18n/i18n';

export type DeviceKind = 'videoinput' | 'audioinput' | 'audiooutput';

export interface Device {
  readonly deviceId: string;
  readonly kind: DeviceKind;
  readonly label: string;
}

export function devicesOfKind(all: readonly MediaDeviceInfo[] | readonly Device[], kind: DeviceKind): Device[] {
  const nth = kind === 'videoinput' ? 'device.nthCamera' : kind === 'audioinput' ? 'device.nthMicrophone' : 'device.nthSpeaker';
  return all
    .filter((d) => d.kind === kind && d.deviceId !== '')
    .map((d, i) => ({ deviceId: d.deviceId, kind, label: d.label || t(nth, { n: i + 1 }) }));
}

export type DeviceChangeAction =
  | { kind: 'keep' }
  /** The device in use is gone; switch to this one (the system default comes first). */
  | { kind: 'fall-back'; to: Device; lost: string }
  /** The device in use is gone and nothing replaces it. */
  | { kind: 'lost'; lost: string };

/**
 * Decides what a devicechange means for the device in use. `inUse` is null when
 * nothing of this kind is in use (camera off, or none was ever found): nothing to do.
 */
export function onDevicesChanged(
  available: readonly Device[],
  inUse: { deviceId: string; label: string } | null,
): DeviceChangeAction {
  if (inUse === null || available.some((d) => d.deviceId === inUse.deviceId)) return { kind: 'keep' };
  const fallback = available.find((d) => d.deviceId === 'default') ?? available[0];
  return fallback ? { kind: 'fall-back', to: fallback, lost: inUse.label } : { kind: 'lost', lost: inUse.label };
}
