/**
 * One load-generating process, forked by load-fleet.ts: it holds its share of the
 * client sockets and runs each phase the coordinator asks for. Every peer answers an
 * OFFER with an ANSWER as soon as it arrives, so a round trip is two relays by the
 * server plus two hops through loopback.
 */
import WebSocket from 'ws';
import { issueTicket } from '../signaling/connect-tickets';
import type { FailureCounts, PeerSpec, WorkerCommand, WorkerReply } from './load-messages';

interface Peer {
  readonly spec: PeerSpec;
  socket: WebSocket | null;
  open: boolean;
  /** Settles the one answer this peer waits for (OPEN or ROOM-MEMBERS); null: success. */
  waiting: ((failure: string | null) => void) | null;
}

interface PendingRoundTrip {
  readonly seq: string;
  settle(failure: string | null): void;
}

/** What the PeerJS client appends, so the server sees the URL a browser sends. */
const clientVersion = '1.5.5';
/** How long a peer waits for OPEN or for its room answer before it counts as failed. */
const answerTimeoutMs = 30_000;
/** Stock PeerServer drops a peer silent for 90 s; PeerJS's own 5 s pings would add 2,000 frames/s to every measurement. */
const heartbeatEveryMs = 20_000;
/** Heartbeats go out a slice a second, so they do not arrive as one burst. */
const heartbeatTickMs = 1_000;
/** About what a browser's OFFER carries at minimum; the server's limit is 64 KiB. */
const offerSdp =
  'v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\n' +
  'm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\nc=IN IP4 0.0.0.0\r\na=ice-ufrag:bnch\r\n' +
  'a=ice-pwd:benchbenchbenchbenchbe\r\na=setup:actpass\r\na=mid:0\r\na=sctp-port:5000\r\n';

const peers: Peer[] = [];
const byId = new Map<string, Peer>();
const roundTrips = new Map<string, PendingRoundTrip>();
const serverErrors: FailureCounts = {};
let origin = '';
let closedAfterOpen = 0;
let heartbeatCursor = 0;

function count(counts: FailureCounts, reason: string): void {
  counts[reason] = (counts[reason] ?? 0) + 1;
}

function onFrame(peer: Peer, text: string): void {
  let message: { type?: unknown; src?: unknown; payload?: { msg?: unknown; code?: unknown; connectionId?: unknown } };
  try {
    message = JSON.parse(text) as typeof message;
  } catch {
    return count(serverErrors, 'frame that is not JSON');
  }
  switch (message.type) {
    case 'OPEN':
      peer.open = true;
      return peer.waiting?.(null);
    case 'ROOM-MEMBERS':
      return peer.waiting?.(null);
    case 'ROOM-ERROR':
      return peer.waiting?.(`ROOM-ERROR ${String(message.payload?.code)}`);
    case 'ERROR': {
      const reason = `ERROR ${String(message.payload?.msg)}`;
      return peer.waiting ? peer.waiting(reason) : count(serverErrors, reason);
    }
    case 'OFFER':
      return peer.socket?.send(JSON.stringify({ type: 'ANSWER', dst: message.src, payload: message.payload }));
    case 'ANSWER': {
      const pending = roundTrips.get(peer.spec.id);
      if (pending !== undefined && pending.seq === message.payload?.connectionId) pending.settle(null);
      return;
    }
    case 'EXPIRE':
      // Our server says the partner is out of reach; no ANSWER will come.
      return roundTrips.get(peer.spec.id)?.settle('EXPIRE');
  }
}

function answered(peer: Peer, what: string): Promise<string | null> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => peer.waiting?.(`no ${what} within ${answerTimeoutMs / 1000} s`), answerTimeoutMs);
    peer.waiting = (failure) => {
      clearTimeout(timer);
      peer.waiting = null;
      resolve(failure);
    };
  });
}

function connectUrl(spec: PeerSpec): string {
  const token = spec.ticket === null ? 'bench' : issueTicket(Buffer.from(spec.ticket.secret, 'base64url'), spec.id, spec.ticket.roomTag, Date.now()).ticket;
  return `${spec.url}&${new URLSearchParams({ token, version: clientVersion })}`;
}

async function connect(peer: Peer): Promise<string | null> {
  const socket = new WebSocket(connectUrl(peer.spec), { origin, perMessageDeflate: false, handshakeTimeout: answerTimeoutMs });
  peer.socket = socket;
  socket.on('message', (data) => onFrame(peer, String(data)));
  socket.on('error', (error) => peer.waiting?.(error.message));
  socket.on('close', (code) => {
    if (peer.open) closedAfterOpen += 1;
    peer.open = false;
    peer.waiting?.(`closed with ${code}`);
  });
  const failure = await answered(peer, 'OPEN');
  if (failure !== null) socket.terminate();
  return failure;
}

async function enterRoom(peer: Peer): Promise<string | null> {
  if (!peer.open || peer.socket === null) return 'socket closed before entering the room';
  const reply = answered(peer, 'ROOM-MEMBERS');
  const type = peer.spec.role === 'creator' ? 'ROOM-CREATE' : 'ROOM-JOIN';
  peer.socket.send(JSON.stringify({ type, payload: { room: peer.spec.room } }));
  return reply;
}

/** Runs `step` over `list`, `inFlight` at a time; nothing new starts once the budget is spent. */
async function eachWithin(list: readonly Peer[], inFlight: number, budgetMs: number, step: (peer: Peer) => Promise<string | null>): Promise<WorkerReply> {
  const deadline = performance.now() + budgetMs;
  const failedIds: string[] = [];
  const failures: FailureCounts = {};
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < list.length) {
      const peer = list[next++]!;
      const failure = performance.now() > deadline ? 'phase budget spent before its turn' : await step(peer);
      if (failure === null) continue;
      failedIds.push(peer.spec.id);
      count(failures, failure);
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, list.length) }, lane));
  return { type: 'phase-done', failedIds, failures };
}

function roundTrip(peer: Peer, seq: string, timeoutMs: number): Promise<number | string> {
  if (!peer.open || peer.socket === null) return Promise.resolve('socket closed');
  const socket = peer.socket;
  return new Promise((resolve) => {
    const sentAtMs = performance.now();
    const timer = setTimeout(() => settle(`no ANSWER within ${timeoutMs / 1000} s`), timeoutMs);
    const settle = (failure: string | null): void => {
      clearTimeout(timer);
      roundTrips.delete(peer.spec.id);
      resolve(failure ?? performance.now() - sentAtMs);
    };
    roundTrips.set(peer.spec.id, { seq, settle });
    socket.send(JSON.stringify({ type: 'OFFER', dst: peer.spec.partner, payload: { type: 'media', sdp: offerSdp, connectionId: seq } }));
  });
}

async function relay(command: Extract<WorkerCommand, { type: 'relay' }>): Promise<WorkerReply> {
  const initiators = command.initiators.flatMap((id) => byId.get(id) ?? []);
  const latenciesMs: number[] = [];
  const lost: FailureCounts = {};
  const deadline = performance.now() + command.budgetMs;
  let started = 0;
  let cursor = 0;
  // With fewer lanes than initiators some initiator is always idle, so this search ends.
  const nextIdle = (): Peer => {
    for (;;) {
      const peer = initiators[cursor++ % initiators.length]!;
      if (!roundTrips.has(peer.spec.id)) return peer;
    }
  };
  const lane = async (): Promise<void> => {
    while (started < command.roundTrips && performance.now() < deadline) {
      const outcome = await roundTrip(nextIdle(), `rt-${started++}`, command.timeoutMs);
      if (typeof outcome === 'number') latenciesMs.push(outcome);
      else count(lost, outcome);
    }
  };
  await Promise.all(Array.from({ length: Math.min(command.concurrency, initiators.length) }, lane));
  return { type: 'relayed', latenciesMs, lost };
}

async function handle(command: WorkerCommand): Promise<WorkerReply> {
  switch (command.type) {
    case 'load':
      origin = command.origin;
      for (const spec of command.peers) {
        const peer: Peer = { spec, socket: null, open: false, waiting: null };
        peers.push(peer);
        byId.set(spec.id, peer);
      }
      return { type: 'loaded' };
    case 'connect':
      return eachWithin(peers, command.inFlight, command.budgetMs, connect);
    case 'enter-rooms': {
      const entering = peers.filter((peer) => peer.spec.role === command.role && peer.open);
      return eachWithin(entering, command.inFlight, command.budgetMs, enterRoom);
    }
    case 'relay':
      return relay(command);
    case 'census':
      return { type: 'census', open: peers.filter((peer) => peer.open).length, closedAfterOpen, serverErrors };
  }
}

function sendHeartbeats(): void {
  const share = Math.ceil((peers.length * heartbeatTickMs) / heartbeatEveryMs);
  for (let i = 0; i < share && peers.length > 0; i++) {
    const peer = peers[heartbeatCursor++ % peers.length]!;
    if (peer.open) peer.socket?.send('{"type":"HEARTBEAT"}');
  }
}

const send = process.send?.bind(process);
if (send === undefined) throw new Error('load-worker.ts runs forked by load-fleet.ts, with an IPC channel');
process.on('message', (command: WorkerCommand) => {
  handle(command).then(
    (reply) => send(reply),
    (error: unknown) => {
      process.stderr.write(`load worker failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
});
// The coordinator gone (even killed) means nobody will ever ask for these sockets again.
process.on('disconnect', () => process.exit(0));
setInterval(sendHeartbeats, heartbeatTickMs);
