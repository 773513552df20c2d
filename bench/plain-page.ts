/**
 * The tutorial's way, written here as a yardstick: a plain web page, a WebSocket relay for
 * offer, answer and candidates, one RTCPeerConnection per call, no extension and no PeerJS.
 * A person already in the room calls whoever arrives (as the tutorial does). The joiner's
 * clock runs from the click on Join, which opens the camera first (the tutorial has no
 * lobby), to the first remote frame, with the same probe as PeerCall's join.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Profile } from '../tests/e2e/support/browser';

const page = `<!doctype html>
<meta charset="utf-8">
<title>Plain call</title>
<button id="join">Join</button>
<video id="remote" autoplay playsinline muted></video>
<script type="module">
const room = new URLSearchParams(location.search).get('room');
const remote = document.getElementById('remote');
const socket = new WebSocket('ws://' + location.host + '/relay');
const opened = new Promise((resolve) => socket.addEventListener('open', resolve, { once: true }));
let stream = null;
let pc = null;
function connection(peer) {
  pc = new RTCPeerConnection({ iceServers: [] });
  for (const track of stream.getTracks()) pc.addTrack(track, stream);
  pc.addEventListener('icecandidate', (e) => e.candidate && socket.send(JSON.stringify({ type: 'signal', to: peer, data: { candidate: e.candidate } })));
  pc.addEventListener('track', (e) => {
    if (e.track.kind !== 'video') return;
    remote.srcObject = e.streams[0] ?? new MediaStream([e.track]);
    remote.requestVideoFrameCallback(() => { window.__firstFrameAt ??= Date.now(); });
  });
  return pc;
}
socket.addEventListener('message', async (event) => {
  const message = JSON.parse(event.data);
  if (message.type === 'arrived') {
    const call = connection(message.peer);
    await call.setLocalDescription(await call.createOffer());
    socket.send(JSON.stringify({ type: 'signal', to: message.peer, data: { description: call.localDescription } }));
  } else if (message.type === 'signal') {
    const { description, candidate } = message.data;
    if (description?.type === 'offer') {
      const call = connection(message.from);
      await call.setRemoteDescription(description);
      await call.setLocalDescription(await call.createAnswer());
      socket.send(JSON.stringify({ type: 'signal', to: message.from, data: { description: call.localDescription } }));
    } else if (description) await pc.setRemoteDescription(description);
    else if (candidate) await pc.addIceCandidate(candidate).catch(() => {});
  }
});
document.getElementById('join').addEventListener('click', async () => {
  stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30 } } });
  await opened;
  socket.send(JSON.stringify({ type: 'join', room }));
  window.__joined = true;
});
window.__ready = true;
</script>`;

export interface PlainPageServer {
  readonly origin: string;
  close(): Promise<void>;
}

/** Serves the page and relays messages between the sockets of one room. */
export async function startPlainPageServer(): Promise<PlainPageServer> {
  const http: Server = createServer((request, response) => {
    if (request.url?.startsWith('/plain.html')) {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(page);
    } else {
      response.writeHead(404).end();
    }
  });
  const relay = new WebSocketServer({ server: http, path: '/relay', maxPayload: 64 * 1024 });
  const rooms = new Map<string, Map<string, WebSocket>>();
  let next = 0;
  relay.on('connection', (socket) => {
    const id = `p${next++}`;
    let joined: Map<string, WebSocket> | null = null;
    socket.on('message', (data) => {
      let message: { type?: string; room?: string; to?: string; data?: unknown };
      try {
        message = JSON.parse(String(data)) as typeof message;
      } catch {
        return;
      }
      if (message.type === 'join' && typeof message.room === 'string' && !joined) {
        joined = rooms.get(message.room) ?? new Map();
        rooms.set(message.room, joined);
        for (const other of joined.values()) other.send(JSON.stringify({ type: 'arrived', peer: id }));
        joined.set(id, socket);
      } else if (message.type === 'signal' && joined && typeof message.to === 'string') {
        joined.get(message.to)?.send(JSON.stringify({ type: 'signal', from: id, data: message.data }));
      }
    });
    socket.on('close', () => joined?.delete(id));
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: async () => {
      for (const client of relay.clients) client.terminate();
      await new Promise<void>((resolve) => relay.close(() => resolve()));
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

type PlainWindow = Window & { __ready?: boolean; __joined?: boolean; __firstFrameAt?: number };

async function openPlain(profile: Profile, url: string): Promise<Page> {
  const tab = await profile.context.newPage();
  await tab.goto(url);
  await tab.waitForFunction(() => (window as PlainWindow).__ready === true);
  return tab;
}

/** A joins first and waits in the room; B's click on Join to B's first frame of A. */
export async function measurePlainPageJoinMs(server: PlainPageServer, alice: Profile, bob: Profile, timeoutMs: number): Promise<number> {
  const room = crypto.randomUUID();
  const url = `${server.origin}/plain.html?room=${room}`;
  const pages: Page[] = [];
  try {
    const a = await openPlain(alice, url);
    pages.push(a);
    await a.click('#join');
    await a.waitForFunction(() => (window as PlainWindow).__joined === true);
    const b = await openPlain(bob, url);
    pages.push(b);
    const clickAt = await b.evaluate(() => {
      const at = Date.now();
      document.querySelector<HTMLButtonElement>('#join')!.click();
      return at;
    });
    await b.waitForFunction(() => (window as PlainWindow).__firstFrameAt !== undefined, undefined, { timeout: timeoutMs, polling: 20 });
    return (await b.evaluate(() => (window as PlainWindow).__firstFrameAt!)) - clickAt;
  } finally {
    await Promise.all(pages.map((p) => p.close()));
  }
}
