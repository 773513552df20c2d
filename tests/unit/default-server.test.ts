// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { builtInDefaultServer } from '../../scripts/default-server';

describe('the default server a build ships pointed at (PEERCALL_DEFAULT_SERVER)', () => {
  it.each([
    { name: 'unset', env: {}, builtIn: null },
    { name: 'blank, as `PEERCALL_DEFAULT_SERVER= npm run build` leaves it', env: { PEERCALL_DEFAULT_SERVER: '  ' }, builtIn: null },
    { name: 'an https server on 443', env: { PEERCALL_DEFAULT_SERVER: 'https://peercall.example.com/peerjs' }, builtIn: 'https://peercall.example.com/peerjs' },
    { name: 'a port and stray spaces', env: { PEERCALL_DEFAULT_SERVER: ' https://peercall.localhost:8443/peerjs\n' }, builtIn: 'https://peercall.localhost:8443/peerjs' },
    { name: 'plain http on a LAN', env: { PEERCALL_DEFAULT_SERVER: 'http://192.168.1.5:9000/peerjs' }, builtIn: 'http://192.168.1.5:9000/peerjs' },
  ])('$name gives $builtIn', ({ env, builtIn }) => {
    expect(builtInDefaultServer(env)).toBe(builtIn);
  });

  it.each([
    { name: 'not a URL', value: 'peercall.example.com', says: 'Enter a full address' },
    { name: 'another scheme', value: 'wss://peercall.example.com/peerjs', says: 'must start with http:// or https://' },
    { name: 'a query', value: 'https://peercall.example.com/peerjs?key=x', says: 'must not contain a user name, query or fragment' },
    { name: 'a user name', value: 'https://admin:pw@peercall.example.com/peerjs', says: 'must not contain a user name, query or fragment' },
  ])('$name fails the build, naming the variable and the value', ({ value, says }) => {
    expect(() => builtInDefaultServer({ PEERCALL_DEFAULT_SERVER: value })).toThrow(
      `PEERCALL_DEFAULT_SERVER must be the signaling server's address, such as https://peercall.example.com/peerjs, got ${JSON.stringify(value)}: `,
    );
    expect(() => builtInDefaultServer({ PEERCALL_DEFAULT_SERVER: value })).toThrow(says);
  });
});
