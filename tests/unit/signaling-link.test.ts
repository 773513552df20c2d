/**
 * The link's contract with the server about connect tickets, which a rework of
 * reconnection must keep: the first connection uses the session's ticket, every
 * reconnect asks for a fresh one first, a refused ticket ends the session instead of
 * retrying, and a server that is busy or slowing us down is retried with backoff.
 */
import { type Signal, signal } from '@preact/signals-core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CallId } from '../../lib/call/call-id';
import { SignalingLink } from '../../lib/signaling/signaling-link';
import type { SignalingStatus } from '../../lib/signaling/signaling-status';

const transports: FakeTransport[] = [];

class FakeTransport {
  readonly tickets: string[];
  readonly reconnects: string[] = [];
  ended = 0;
  pings = 0;
  drops = 0;
  spareRequests: string[] = [];
  #spare: ((spare: { ticket: string; expiresAtMs: number }) => void) | null = null;
  #lost: (() => void) | null = null;
  #opened: (() => void) | null = null;
  constructor(options: { ticket: string }) {
    this.tickets = [options.ticket];
    transports.push(this);
  }
  onOpen(listener: () => void): () => void {
    this.#opened = listener;
    return () => {};
  }
  open(): void {
    this.#opened?.();
  }
  onSignalingLost(listener: () => void): () => void {
    this.#lost = listener;
    return () => {};
  }
  reconnect(ticket: string): void {
    this.reconnects.push(ticket);
  }
  #word: (() => void) | null = null;
  onServerWord(listener: () => void): () => void {
    this.#word = listener;
    return () => {};
  }
  serverWord(): void {
    this.#word?.();
  }
  ping(): void {
    this.pings += 1;
  }
  requestSpareTicket(token: string): void {
    this.spareRequests.push(token);
  }
  onSpareTicket(listener: (spare: { ticket: string; expiresAtMs: number }) => void): () => void {
    this.#spare = listener;
    return () => {};
  }
  giveSpare(ticket: string, expiresAtMs: number): void {
    this.#spare?.({ ticket, expiresAtMs });
  }
  dropSignaling(): void {
    this.drops += 1;
  }
  /** Whether the socket of the try in flight opened at the WebSocket level. */
  reachedServer = false;
  socketReachedServer(): boolean {
    return this.reachedServer;
  }
  sessionEnded(): void {
    this.ended += 1;
  }
  dispose(): void {}
  loseSignaling(): void {
    this.#lost?.();
  }
}

vi.mock('../../lib/signaling/peer-transport', () => ({ PeerTransport: FakeTransport }));

const endpoint = { host: '127.0.0.1', port: 9000, path: '/peerjs', secure: false, origin: 'http://127.0.0.1:9000' };
const room = 'k3f9-x2ab-7mqz-0h1c-wv8e-5rt4-nd6p' as CallId;
const session = { peerId: '0123456789abcdef0123456789abcdef', token: 'v1.1.t.s', expiresAtMs: Date.now() + 600_000, ticket: 'ticket-0', iceServers: [] };

/** The server's answers to /ticket, in order; /session always answers `session`. */
let ticketAnswers: { status: number; body: unknown }[] = [];
let ticketRequests = 0;

beforeEach(() => {
  vi.useFakeTimers();
  transports.length = 0;
  ticketRequests = 0;
  vi.stubGlobal('fetch', async (url: string) => {
    if (url.endsWith('/session')) return new Response(JSON.stringify(session), { status: 200 });
    // The link probes /health while it is down; here the probe never finds the server.
    if (url.endsWith('/health')) return new Response('', { status: 503 });
    ticketRequests += 1;
    const answer = ticketAnswers.shift() ?? { status: 500, body: '' };
    return new Response(JSON.stringify(answer.body), { status: answer.status });
  });
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

async function openLink(onNetworkChanged: () => void = () => {}): Promise<{ link: SignalingLink; transport: FakeTransport; status: Signal<SignalingStatus> }> {
  const status = signal<SignalingStatus>({ kind: 'offline' });
  const link = new SignalingLink(endpoint, room, { signalingKey: 'peercall', iceServers: [], relayOnly: false }, status, {
    wire: () => {},
    opened: () => {},
    unreachable: () => {},
    refused: () => {},
    networkChanged: onNetworkChanged,
  });
  await link.open();
  return { link, transport: transports[0]!, status };
}

describe('connect tickets on the signaling link', () => {
  it('registers with the session\'s ticket, then asks for a fresh one before every reconnect', async () => {
    ticketAnswers = [
      { status: 200, body: { ticket: 'ticket-1' } },
      { status: 200, body: { ticket: 'ticket-2' } },
    ];
    const { link, transport } = await openLink();
    expect(transport.tickets).toEqual(['ticket-0']);
    transport.loseSignaling();
    await vi.advanceTimersByTimeAsync(2_000);
    expect(transport.reconnects).toEqual(['ticket-1']);
    transport.loseSignaling();
    await vi.advanceTimersByTimeAsync(3_000);
    expect(transport.reconnects).toEqual(['ticket-1', 'ticket-2']);
    expect(ticketRequests).toBe(2);
    link.dispose();
  });

  it('a refused ticket ends the session instead of retrying', async () => {
    ticketAnswers = [{ status: 403, body: { code: 'ticket-refused' } }];
    const { link, transport } = await openLink();
    transport.loseSignaling();
    await vi.advanceTimersByTimeAsync(2_000);
    expect(transport.ended).toBe(1);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(ticketRequests).toBe(1);
    expect(transport.reconnects).toEqual([]);
    link.dispose();
  });

  it('a server that asks us to slow down (429) is asked again after a backoff', async () => {
    ticketAnswers = [
      { status: 429, body: {} },
      { status: 200, body: { ticket: 'ticket-1' } },
    ];
    const { link, transport, status } = await openLink();
    transport.loseSignaling();
    await vi.advanceTimersByTimeAsync(2_000);
    expect(status.value.kind).toBe('retrying');
    expect(transport.reconnects).toEqual([]);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(transport.reconnects).toEqual(['ticket-1']);
    link.dispose();
  });
});

describe('a socket that stops answering', () => {
  it('is given up on after 3.5 s without a word, and that alone restarts no call: media may be flowing', async () => {
    let networkChanges = 0;
    const { link, transport, status } = await openLink(() => (networkChanges += 1));
    transport.open();
    expect(status.value.kind).toBe('online');
    await vi.advanceTimersByTimeAsync(3_000);
    expect(transport.pings).toBeGreaterThanOrEqual(2);
    expect(transport.drops).toBe(0);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(transport.drops).toBe(1);
    expect(networkChanges).toBe(0);
    link.dispose();
  });
});

describe('a spare ticket kept for the next reconnect', () => {
  it('is asked for over the socket once open and every 20 s, with the session token', async () => {
    const { link, transport } = await openLink();
    transport.open();
    expect(transport.spareRequests).toEqual([session.token]);
    transport.giveSpare('spare-1', Date.now() + 60_000);
    // Pings answered meanwhile, so the socket stays up.
    for (let i = 0; i < 20; i++) {
      await vi.advanceTimersByTimeAsync(1_000);
      transport.serverWord();
    }
    expect(transport.spareRequests).toEqual([session.token, session.token]);
    link.dispose();
  });

  it('a dropped socket reconnects with it at once, with no ticket request over HTTP', async () => {
    const { link, transport } = await openLink();
    transport.open();
    transport.giveSpare('spare-1', Date.now() + 60_000);
    transport.loseSignaling();
    await vi.advanceTimersByTimeAsync(10);
    expect(transport.reconnects).toEqual(['spare-1']);
    expect(ticketRequests).toBe(0);
    link.dispose();
  });

  it('a try with it that hangs is replaced by another with the same spare, as soon as a quick server allows, and the header says reconnecting', async () => {
    const { link, transport, status } = await openLink();
    // This server opened at once: a try that has not opened in 400 ms is stuck.
    transport.open();
    transport.giveSpare('spare-1', Date.now() + 60_000);
    transport.loseSignaling();
    await vi.advanceTimersByTimeAsync(450);
    expect(transport.reconnects).toEqual(['spare-1']);
    await vi.advanceTimersByTimeAsync(100);
    expect(transport.reconnects).toEqual(['spare-1', 'spare-1']);
    expect(status.value.kind).toBe('reconnecting');
    expect(ticketRequests).toBe(0);
    link.dispose();
  });

  it('a slower server gives each try longer: four times its last connect', async () => {
    const { link, transport } = await openLink();
    await vi.advanceTimersByTimeAsync(200);
    transport.open();
    transport.giveSpare('spare-1', Date.now() + 60_000);
    transport.loseSignaling();
    await vi.advanceTimersByTimeAsync(850);
    expect(transport.reconnects).toEqual(['spare-1']);
    await vi.advanceTimersByTimeAsync(300);
    expect(transport.reconnects).toEqual(['spare-1', 'spare-1']);
    link.dispose();
  });

  it('a try with it whose socket opened is waited for, not replaced: the server already holds the ticket', async () => {
    ticketAnswers = [{ status: 200, body: { ticket: 'ticket-1' } }];
    const { link, transport, status } = await openLink();
    transport.open();
    transport.giveSpare('spare-1', Date.now() + 60_000);
    transport.loseSignaling();
    transport.reachedServer = true;
    await vi.advanceTimersByTimeAsync(2_000);
    expect(transport.reconnects).toEqual(['spare-1']);
    transport.open();
    expect(status.value.kind).toBe('online');
    link.dispose();
  });

  it('a try with it whose socket opened but never heard OPEN is given up on, and the next try buys a ticket over HTTP', async () => {
    ticketAnswers = [{ status: 200, body: { ticket: 'ticket-1' } }];
    const { link, transport } = await openLink();
    transport.open();
    transport.giveSpare('spare-1', Date.now() + 60_000);
    transport.loseSignaling();
    transport.reachedServer = true;
    await vi.advanceTimersByTimeAsync(4_500);
    transport.reachedServer = false;
    await vi.advanceTimersByTimeAsync(6_000);
    expect(transport.reconnects[0]).toBe('spare-1');
    expect(transport.reconnects.slice(1)).not.toContain('spare-1');
    expect(transport.reconnects).toContain('ticket-1');
    link.dispose();
  });

  it('a try with it that the server closes drops it: the next try asks for a ticket over HTTP', async () => {
    ticketAnswers = [{ status: 200, body: { ticket: 'ticket-1' } }];
    const { link, transport } = await openLink();
    transport.open();
    transport.giveSpare('spare-1', Date.now() + 60_000);
    transport.loseSignaling();
    await vi.advanceTimersByTimeAsync(10);
    transport.loseSignaling();
    await vi.advanceTimersByTimeAsync(3_000);
    expect(transport.reconnects.slice(0, 2)).toEqual(['spare-1', 'ticket-1']);
    expect(ticketRequests).toBe(1);
    link.dispose();
  });

  it('one about to expire is not used', async () => {
    ticketAnswers = [{ status: 200, body: { ticket: 'ticket-1' } }];
    const { link, transport } = await openLink();
    transport.open();
    transport.giveSpare('spare-1', Date.now() + 2_000);
    transport.loseSignaling();
    await vi.advanceTimersByTimeAsync(100);
    expect(transport.reconnects).toEqual(['ticket-1']);
    link.dispose();
  });
});

