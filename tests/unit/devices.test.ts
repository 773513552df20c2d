// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { type Device, type DeviceKind, devicesOfKind, onDevicesChanged } from '../../lib/media/devices';

/** What enumerateDevices() hands back, including kinds PeerCall never lists. */
function info(kind: MediaDeviceKind, deviceId: string, label = ''): MediaDeviceInfo {
  return { kind, deviceId, label, groupId: 'g', toJSON: () => ({}) };
}

const camera = (deviceId: string, label = deviceId): Device => ({ deviceId, kind: 'videoinput', label });
const mic = (deviceId: string, label = deviceId): Device => ({ deviceId, kind: 'audioinput', label });

const enumerated: MediaDeviceInfo[] = [
  info('audioinput', 'default', 'Default - Headset'),
  info('videoinput', 'cam-a', 'FaceTime HD'),
  info('audiooutput', 'speaker', 'Speakers'),
  info('audioinput', 'mic-b', 'USB Mic'),
  info('videoinput', 'cam-b', 'Logitech C920'),
];

describe('devicesOfKind', () => {
  it.each<{ name: string; kind: DeviceKind; ids: string[] }>([
    { name: 'cameras', kind: 'videoinput', ids: ['cam-a', 'cam-b'] },
    { name: 'microphones', kind: 'audioinput', ids: ['default', 'mic-b'] },
  ])('lists only $name, in the order the browser gave', ({ kind, ids }) => {
    const devices = devicesOfKind(enumerated, kind);
    expect(devices.map((d) => d.deviceId)).toEqual(ids);
    expect(devices.every((d) => d.kind === kind)).toBe(true);
  });

  it('keeps the labels the browser gave', () => {
    expect(devicesOfKind(enumerated, 'videoinput')).toEqual([camera('cam-a', 'FaceTime HD'), camera('cam-b', 'Logitech C920')]);
  });

  it.each<{ name: string; all: MediaDeviceInfo[]; kind: DeviceKind; labels: string[] }>([
    {
      name: 'nameless cameras are numbered among cameras only',
      all: [info('audioinput', 'm1'), info('videoinput', 'c1'), info('videoinput', 'c2')],
      kind: 'videoinput',
      labels: ['Camera 1', 'Camera 2'],
    },
    {
      name: 'nameless speakers are "Speaker n", never mixed with microphones',
      all: [info('audioinput', 'm1'), info('audiooutput', 's1'), info('audiooutput', 's2', 'Headphones')],
      kind: 'audiooutput',
      labels: ['Speaker 1', 'Headphones'],
    },
    {
      name: 'a nameless second microphone is "Microphone 2"',
      all: [info('audioinput', 'm1', 'Built-in'), info('audioinput', 'm2')],
      kind: 'audioinput',
      labels: ['Built-in', 'Microphone 2'],
    },
    {
      name: 'numbering skips devices without an ID',
      all: [info('videoinput', ''), info('videoinput', 'c1'), info('videoinput', 'c2', 'Named')],
      kind: 'videoinput',
      labels: ['Camera 1', 'Named'],
    },
  ])('$name', ({ all, kind, labels }) => {
    expect(devicesOfKind(all, kind).map((d) => d.label)).toEqual(labels);
  });

  it.each<{ name: string; all: MediaDeviceInfo[] }>([
    { name: 'no devices at all', all: [] },
    { name: 'only devices hidden before permission (empty IDs)', all: [info('videoinput', ''), info('audioinput', '')] },
    { name: 'only speakers', all: [info('audiooutput', 'speaker', 'Speakers')] },
  ])('finds no camera in $name', ({ all }) => {
    expect(devicesOfKind(all, 'videoinput')).toEqual([]);
  });

  it('accepts its own Device list as input', () => {
    const own = [camera('c1'), mic('m1')];
    expect(devicesOfKind(own, 'audioinput')).toEqual([mic('m1')]);
  });
});

describe('onDevicesChanged', () => {
  const inUse = { deviceId: 'cam-a', label: 'FaceTime HD' };

  it.each<{ name: string; available: Device[]; inUse: { deviceId: string; label: string } | null }>([
    { name: 'the camera in use is still plugged in', available: [camera('cam-b'), camera('cam-a')], inUse },
    { name: 'nothing is in use and a camera appears', available: [camera('cam-b')], inUse: null },
    { name: 'nothing is in use and nothing is left', available: [], inUse: null },
    { name: 'the camera in use got a new label', available: [camera('cam-a', 'Renamed')], inUse },
  ])('keeps going when $name', ({ available, inUse }) => {
    expect(onDevicesChanged(available, inUse)).toEqual({ kind: 'keep' });
  });

  it.each<{ name: string; available: Device[]; to: Device }>([
    {
      name: 'the system default, wherever it is listed',
      available: [camera('cam-b'), camera('default', 'Default camera'), camera('cam-c')],
      to: camera('default', 'Default camera'),
    },
    { name: 'the first device when there is no default', available: [camera('cam-b'), camera('cam-c')], to: camera('cam-b') },
    { name: 'the only device left', available: [camera('cam-c')], to: camera('cam-c') },
  ])('falls back to $name when the device in use is unplugged', ({ available, to }) => {
    expect(onDevicesChanged(available, inUse)).toEqual({ kind: 'fall-back', to, lost: 'FaceTime HD' });
  });

  it('reports the device as lost when nothing can replace it', () => {
    expect(onDevicesChanged([], inUse)).toEqual({ kind: 'lost', lost: 'FaceTime HD' });
  });
});
