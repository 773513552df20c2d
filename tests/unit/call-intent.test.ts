import { describe, expect, it } from 'vitest';
import { parseCallIntent, settingsForIntent } from '../../lib/call/call-intent';
import { defaultSettings } from '../../lib/call/settings';

const id = 'k3f9-x2ab-7mqz-0h1c-wv8e-5rt4-nd6p';

describe('a call intent handed between our pages', () => {
  it.each([
    ['a host', { role: 'host' }, { role: 'host' }],
    ['a host with extra fields', { role: 'host', callId: id }, { role: 'host' }],
    ['a guest', { role: 'guest', callId: id }, { role: 'guest', callId: id }],
    ['a guest with a pasted-looking ID', { role: 'guest', callId: id.toUpperCase() }, { role: 'guest', callId: id }],
    ['a guest through an invite\'s server', { role: 'guest', callId: id, signalingUrl: 'https://peercall.example/peerjs' }, { role: 'guest', callId: id, signalingUrl: 'https://peercall.example/peerjs' }],
  ])('reads %s', (_name, value, intent) => {
    expect(parseCallIntent(value)).toEqual(intent);
  });

  it.each([
    ['nothing', undefined],
    ['a string', 'guest'],
    ['an unknown role', { role: 'admin' }],
    ['a guest without an ID', { role: 'guest' }],
    ['a guest with a bad ID', { role: 'guest', callId: 'nope' }],
    ['a server that is not http(s)', { role: 'guest', callId: id, signalingUrl: 'javascript:alert(1)' }],
    ['a server as a number', { role: 'guest', callId: id, signalingUrl: 5 }],
  ])('refuses %s', (_name, value) => {
    expect(parseCallIntent(value)).toBeNull();
  });
});

describe('the settings a call runs with', () => {
  it('use the invite\'s server for a guest who came through one, and Settings otherwise', () => {
    const viaInvite = settingsForIntent(defaultSettings, { role: 'guest', callId: id as never, signalingUrl: 'https://peercall.example/peerjs' });
    expect(viaInvite).toEqual({ ...defaultSettings, signalingUrl: 'https://peercall.example/peerjs' });
    expect(settingsForIntent(defaultSettings, { role: 'guest', callId: id as never })).toBe(defaultSettings);
    expect(settingsForIntent(defaultSettings, { role: 'host' })).toBe(defaultSettings);
  });
});
