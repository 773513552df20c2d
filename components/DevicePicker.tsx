import type { Device } from '../lib/media/devices';
import { t } from '../lib/i18n/i18n';

export interface DevicePickerProps {
  name: string;
  label: string;
  devices: readonly Device[];
  selected: string | null;
  onSelect(deviceId: string): void;
}

export function DevicePicker({ name, label, devices, selected, onSelect }: DevicePickerProps) {
  return (
    <label class="picker">
      <span>{label}</span>
      <select name={name} disabled={devices.length === 0} onChange={(event) => onSelect(event.currentTarget.value)}>
        {devices.length === 0 && <option value="">{t('device.noneFound')}</option>}
        {devices.map((device) => (
          <option key={device.deviceId} value={device.deviceId} selected={device.deviceId === selected}>
            {device.label}
          </option>
        ))}
      </select>
    </label>
  );
}
