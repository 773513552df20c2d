/**
 * The hostile side of the soak, in a process of its own so its work does not sit in
 * the event loop that times the honest call: a reader that stops reading while a
 * room-mate feeds it, a flood at seven times the rate, connection churn, and ghost
 * attempts (room requests, then vanish). Each comes back as soon as the server has
 * dealt with it. Prints one JSON line of counts a second; stops on SIGTERM.
 * argv: JSON { ports: number[] } (attacks spread over the nodes).
 */
import WebSocket from 'ws';
import { connectAs, extensionOrigin, testRoom, ticketFor, type PeerSocket } from './peer-socket.js';
import { rawPeer } from './raw-peer.js';

const { ports } = JSON.parse(process.argv[2] ?? '{}') as { ports: number[] };
const counts = { slowReadersDropped: 0, floodsClosed: 0, churned: 0, ghosts: 0, errors: 0 };
let stopping = false;
let serial = 0;
const portFor = (n: number) => ports[n % ports.length]!;
const nextId = (kind: string) => `${kind}${serial++}`;
const roomOf = (n: number) => `s0a${n % 10}-k9dx-0a4e-zz81-h6pc-3rtw-b5nf`;

async function opened(socket: PeerSocket): Promise<boolean> {
  try {
    return (await socket.nextMessage(5_000)).type === 'OPEN';
  } catch {
    return false;
  }
}

async function slowReaders(): Promise<void> {
  const feederId = nextId('feeder');
  const room = roomOf(1);
  const feeder = connectAs(portFor(0), feederId, { room });
  if (!(await opened(feeder))) return void counts.errors++;
  feeder.send({ type: 'ROOM-CREATE', payload: { room } });
  await feeder.nextMessage().catch(() => null);
  const candidate = 'c'.repeat(60 * 1024);
  // The feeder stays for the whole soak: it shows signs of life as PeerJS would.
  const heartbeat = setInterval(() => feeder.send({ type: 'HEARTBEAT' }), 2_000);
  while (!stopping) {
    const id = nextId('sloth');
    const reader = await rawPeer(portFor(1), `/peerjs/peerjs?key=peercall&id=${id}&token=${ticketFor(id, room)}&version=1.5.5`, extensionOrigin).catch(() => null);
    if (reader === null) {
      counts.errors++;
      await new Promise((resolve) => setTimeout(resolve, 200));
      continue;
    }
    reader.send({ type: 'ROOM-JOIN', payload: { room } });
    await new Promise((resolve) => setTimeout(resolve, 100));
    reader.stopReading();
    const closed = new Promise<void>((resolve) => reader.socket.once('close', () => resolve()));
    let gone = false;
    void closed.then(() => (gone = true));
    // 1.5 MB a second, until the server drops the reader: enough to fill any buffer in
    // seconds, little enough to leave the two cores to the call.
    while (!gone && !stopping && feeder.ws.readyState === WebSocket.OPEN) {
      feeder.send({ type: 'CANDIDATE', dst: id, payload: { candidate } });
      await new Promise((resolve) => setTimeout(resolve, 40));
      // The server terminates the reader; a reader that never hears it notices by the feeder's EXPIREs.
      if (feederSawLeft(feeder, id)) gone = true;
    }
    reader.socket.destroy();
    if (gone) counts.slowReadersDropped++;
  }
  clearInterval(heartbeat);
  feeder.close();
}

function feederSawLeft(feeder: PeerSocket, id: string): boolean {
  const inbox = (feeder as unknown as { inbox: { type: string; payload?: { peer?: string } }[] }).inbox;
  const at = inbox.findIndex((m) => m.type === 'ROOM-PEER-LEFT' && m.payload?.peer === id);
  inbox.length = 0;
  return at !== -1;
}

async function floods(): Promise<void> {
  while (!stopping) {
    const flooder = connectAs(portFor(serial), nextId('flood'), { room: roomOf(2) });
    if (!(await opened(flooder))) {
      counts.errors++;
      continue;
    }
    const closed = new Promise<number>((resolve) => flooder.ws.once('close', resolve));
    let open = true;
    void closed.then(() => (open = false));
    // 700 frames a second: seven times the default rate, in slices of 35 every 50 ms.
    while (open && !stopping) {
      for (let i = 0; i < 35 && flooder.ws.readyState === WebSocket.OPEN; i++) flooder.send({ type: 'HEARTBEAT' });
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    if (!open) counts.floodsClosed++;
    flooder.close();
  }
}

async function churn(): Promise<void> {
  while (!stopping) {
    const room = roomOf(3 + (serial % 5));
    const peer = connectAs(portFor(serial), nextId('churn'), { room });
    if (await opened(peer)) {
      peer.send({ type: 'ROOM-JOIN', payload: { room } });
      const answer = await peer.nextMessage().catch(() => null);
      if (answer?.type === 'ROOM-ERROR') peer.send({ type: 'ROOM-CREATE', payload: { room } });
      counts.churned++;
    } else counts.errors++;
    peer.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function ghosts(): Promise<void> {
  while (!stopping) {
    const ghost = connectAs(portFor(serial), nextId('ghost'), { room: testRoom });
    if (await opened(ghost)) {
      for (let i = 0; i < 50; i++) ghost.send({ type: 'ROOM-JOIN', payload: { room: testRoom } });
      counts.ghosts++;
    } else counts.errors++;
    ghost.close();
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

process.once('SIGTERM', () => {
  stopping = true;
  process.stdout.write(`${JSON.stringify(counts)}\n`);
  setTimeout(() => process.exit(0), 200);
});
setInterval(() => process.stdout.write(`${JSON.stringify(counts)}\n`), 1_000);
void Promise.all([slowReaders(), floods(), churn(), ghosts()]);
