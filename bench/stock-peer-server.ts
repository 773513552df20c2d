/**
 * The load benchmark's baseline: stock PeerServer from the `peer` package with its
 * default options, in a process of its own so its memory and CPU are measured apart.
 * `--concurrent-limit N` overrides the one default that caps a load run (5000 peers).
 * Prints "stock PeerServer listening on PORT" once it listens.
 */
import type { AddressInfo } from 'node:net';
import { PeerServer } from 'peer';

const limitAt = process.argv.indexOf('--concurrent-limit');
const concurrentLimit = limitAt === -1 ? {} : { concurrent_limit: Number(process.argv[limitAt + 1]) };
// Loopback only: this machine's load stays on 127.0.0.1. Port 0 lets the OS pick.
const peerServer = PeerServer({ port: 0, host: '127.0.0.1', path: '/', key: 'peerjs', ...concurrentLimit }, (server) => {
  process.stdout.write(`stock PeerServer listening on ${(server.address() as AddressInfo).port}\n`);
});
// With no listener, EventEmitter throws a client socket's error and the baseline dies mid-run.
peerServer.on('error', (error) => process.stderr.write(`stock PeerServer error: ${error.message}\n`));
