// @vitest-environment node
import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import { defaultSettings } from '../../lib/call/settings';
import { loadSettings, saveSettings } from '../../lib/extension/settings-storage';

describe('stored settings', () => {
  beforeEach(() => fakeBrowser.reset());

  it('a new install gets the defaults: our local server and no third-party ICE servers', async () => {
    expect(await loadSettings()).toEqual(defaultSettings);
  });

  it('a new install asks before letting anyone into the calls it starts', async () => {
    expect((await loadSettings()).askToJoin).toBe(true);
  });

  it('saved settings come back as saved', async () => {
    const settings = {
      signalingUrl: 'https://signal.example.com:8443/peerjs',
      signalingKey: 'team-key',
      iceServers: [{ urls: 'turn:turn.example.com:3478', username: 'u', credential: 'c' }],
      displayName: 'Ana',
      uplinkBudgetKbps: 1_000,
      relayOnly: true,
      reconnectGraceSeconds: 45,
      askToJoin: false,
    };
    await saveSettings(settings);
    expect(await loadSettings()).toEqual(settings);
  });
});
