// @vitest-environment node
/**
 * The door of a room through the real server: a room that asks holds newcomers until a
 * member answers, and a locked one turns them away. Before it is let in, a newcomer
 * reaches no member and no member reaches it. Members let in come back in on their
 * passes after a restart that forgot the room. In memory on one node, and on two nodes
 * sharing a real redis-server with the newcomers on the node the host is not on.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSignalingServer, type RunningSignalingServer } from '../../signaling/server.js';
import { startRedis, type RunningRedis } from '../support/redis-server.js';
import { membersOf } from './expected-messages.js';
import { connectAs, type PeerSocket, type ServerMessage, testConfig, waitLimitMs } from './peer-socket.js';

interface Nodes {
  /** Where the host and its members connect. */
  readonly host: RunningSignalingServer;
  /** Where newcomers connect. */
  readonly guest: RunningSignalingServer;
  readonly all: readonly RunningSignalingServer[];
}

let redis: RunningRedis | undefined;

const modes: { name: string; start: (env: Record<string, string>) => Promise<Nodes> }[] = [
  {
    name: 'one node in memory',
    start: async (env) => {
      const node = await startSignalingServer(testConfig(env));
      return { host: node, guest: node, all: [node] };
    },
  },
  {
    name: 'two nodes on Redis',
    start: async (env) => {
      redis ??= await startRedis();
      const config = testConfig({ REDIS_URL: redis.url, PEERCALL_ALIVE_TIMEOUT_MS: '2000', ...env });
      const [host, guest] = await Promise.all([startSignalingServer(config), startSignalingServer(config)]);
      return { host, guest, all: [host, guest] };
    },
  },
];

afterAll(async () => {
  await redis?.stop();
});

/** A fresh room ID for each test, so nothing one test left in Redis meets the next. */
function newRoom(): string {
  const alphabet = '0123456789abcdefghjkmnpqrstvwxyz';
  const chars = [...randomBytes(28)].map((byte) => alphabet[byte & 31]).join('');
  return chars.match(/.{4}/g)!.join('-');
}

describe.each(modes)('ask to join, $name', ({ start }) => {
  let nodes: Nodes;
  let room: string;
  const sockets: PeerSocket[] = [];

  let env: Record<string, string>;

  async function begin(overrides: Record<string, string> = {}): Promise<void> {
    env = { PEERCALL_ROOM_CAPACITY: '3', ...overrides };
    nodes = await start(env);
    room = newRoom();
  }

  /**
   * Every node stops (closing every socket, so each peer leaves its room and the room
   * is gone, from Redis too) and new ones start with the same token secret, as a
   * redeploy does.
   */
  async function restart(): Promise<void> {
    await Promise.all(nodes.all.map((node) => node.close()));
    nodes = await start(env);
  }

  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.close();
    await Promise.all(nodes.all.map((node) => node.close()));
  });

  async function peer(id: string, node: RunningSignalingServer, tokenRoom = room): Promise<PeerSocket> {
    const socket = connectAs(node.port, id, { room: tokenRoom });
    sockets.push(socket);
    expect(await socket.nextMessage()).toEqual({ type: 'OPEN' });
    return socket;
  }

  /** The host's socket, in a room it created with `policy`. */
  async function host(policy: 'ask' | 'locked' = 'ask', id = 'host'): Promise<PeerSocket> {
    const socket = await peer(id, nodes.host);
    socket.send({ type: 'ROOM-CREATE', payload: { room, policy } });
    expect(await socket.nextMessage()).toEqual(membersOf(room, [], policy));
    return socket;
  }

  /** A newcomer on the guest node, asking to join under `name`; returns it once it is told to wait. */
  async function knock(id: string, name: string): Promise<PeerSocket> {
    const socket = await peer(id, nodes.guest);
    socket.send({ type: 'ROOM-JOIN', payload: { room, name } });
    // It learns the room exists and nothing else: no members, no policy, no handle.
    expect(await socket.nextMessage()).toEqual({ type: 'ROOM-WAITING', payload: { room } });
    return socket;
  }

  /** The pass a ROOM-MEMBERS carries. */
  function passIn(message: ServerMessage): string {
    expect(message).toEqual(membersOf(room, expect.any(Array), expect.any(String)));
    return (message.payload as { pass: string }).pass;
  }

  /** The request handle a member is shown for `name`. */
  async function requestSeenBy(member: PeerSocket, name: string): Promise<string> {
    const message = await member.nextMessage();
    expect(message).toEqual({ type: 'ROOM-JOIN-REQUEST', payload: { room, request: expect.stringMatching(/^[A-Za-z0-9_-]{16}$/), name } });
    return (message.payload as { request: string }).request;
  }

  /**
   * Everything `socket` was sent before the answer to a probe through its own lane
   * (a bad-request), which comes after all its own frames were handled.
   */
  async function drain(socket: PeerSocket): Promise<ServerMessage[]> {
    socket.send({ type: 'ROOM-PROBE' });
    const seen: ServerMessage[] = [];
    for (;;) {
      const message = await socket.nextMessage();
      if (message.type === 'ROOM-ERROR' && (message.payload as { code: string }).code === 'bad-request') return seen;
      seen.push(message);
    }
  }

  /** The relays a hostile peer would try; each must come back as EXPIRE, which the server sends only for a frame it neither delivered nor held. */
  async function triesToReach(from: PeerSocket, to: string): Promise<void> {
    for (const frame of [
      { type: 'OFFER', dst: to, payload: { sdp: 'v=0', type: 'media', connectionId: 'mc_x' } },
      { type: 'CANDIDATE', dst: to, payload: { candidate: 'candidate:1 1 udp 1 10.0.0.1 9 typ host', connectionId: 'mc_x' } },
      { type: 'ANSWER', dst: to, payload: { sdp: 'v=0', connectionId: 'mc_x' } },
    ]) {
      from.send(frame);
      expect(await from.nextMessage()).toEqual({ type: 'EXPIRE', src: to, dst: expect.any(String) });
    }
  }

  async function joinsRefused(reason: string): Promise<number> {
    let total = 0;
    for (const node of nodes.all) {
      const text = await (await fetch(`http://127.0.0.1:${node.port}/metrics`, { signal: AbortSignal.timeout(waitLimitMs) })).text();
      total += Number(new RegExp(`^peercall_joins_refused_total\\{reason="${reason}"\\} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
    }
    return total;
  }

  it('a denied guest is told so and never reached any member; the server counted the attempt', async () => {
    await begin();
    const ann = await host();
    const eve = await knock('eve', 'Eve');
    const request = await requestSeenBy(ann, 'Eve');

    await triesToReach(eve, 'host');
    await triesToReach(ann, 'eve');

    ann.send({ type: 'ROOM-DENY', payload: { request } });
    expect(await ann.nextMessage()).toEqual({ type: 'ROOM-JOIN-REQUEST-ENDED', payload: { room, request, why: 'denied' } });
    expect(await eve.nextMessage()).toEqual({ type: 'ROOM-ERROR', payload: { code: 'join-denied' } });

    // Asking again is refused at once, and the members are not troubled.
    eve.send({ type: 'ROOM-JOIN', payload: { room, name: 'Eve, really' } });
    expect(await eve.nextMessage()).toEqual({ type: 'ROOM-ERROR', payload: { code: 'join-denied' } });
    await triesToReach(eve, 'host');

    expect(await drain(ann)).toEqual([]);
    expect(await drain(eve)).toEqual([]);
    expect(await joinsRefused('denied')).toBe(2);
  });

  it('a locked call refuses a newcomer with a message, and lets a member whose network dropped back in', async () => {
    await begin();
    const ann = await host('ask');
    const bob = await knock('bob', 'Bob');
    ann.send({ type: 'ROOM-ADMIT', payload: { request: await requestSeenBy(ann, 'Bob') } });
    expect(await bob.nextMessage()).toEqual(membersOf(room, ['host'], 'ask'));
    const fay = await knock('fay', 'Fay');
    expect((await drain(ann)).map((m) => m.type)).toEqual(['ROOM-PEER-JOINED', 'ROOM-JOIN-REQUEST-ENDED', 'ROOM-JOIN-REQUEST']);
    const fayRequest = (await drain(bob)).find((m) => m.type === 'ROOM-JOIN-REQUEST')?.payload as { request: string };

    // Any member may lock; those waiting are turned away and every member hears it.
    bob.send({ type: 'ROOM-POLICY', payload: { policy: 'locked' } });
    for (const member of [ann, bob]) {
      expect(await member.nextMessage()).toEqual({ type: 'ROOM-POLICY', payload: { room, policy: 'locked' } });
      expect(await member.nextMessage()).toEqual({ type: 'ROOM-JOIN-REQUEST-ENDED', payload: { room, request: fayRequest.request, why: 'locked' } });
    }
    expect(await fay.nextMessage()).toEqual({ type: 'ROOM-ERROR', payload: { code: 'room-locked' } });

    const dan = await peer('dan', nodes.guest);
    dan.send({ type: 'ROOM-JOIN', payload: { room, name: 'Dan' } });
    expect(await dan.nextMessage()).toEqual({ type: 'ROOM-ERROR', payload: { code: 'room-locked' } });
    await triesToReach(dan, 'host');
    expect(await joinsRefused('locked')).toBe(1);

    bob.close();
    expect(await ann.nextMessage()).toEqual({ type: 'ROOM-PEER-LEFT', payload: { room, peer: 'bob' } });
    const bobAgain = await peer('bob', nodes.guest);
    bobAgain.send({ type: 'ROOM-JOIN', payload: { room, name: 'Bob' } });
    expect(await bobAgain.nextMessage()).toEqual(membersOf(room, ['host'], 'locked'));
    expect(await drain(ann)).toEqual([{ type: 'ROOM-PEER-JOINED', payload: { room, peer: 'bob' } }]);
  });

  it('an admitted guest gets the members as any joiner does, and then its OFFER flows both ways', async () => {
    await begin();
    const ann = await host();
    const bob = await knock('bob', 'Bob');
    const request = await requestSeenBy(ann, 'Bob');
    ann.send({ type: 'ROOM-ADMIT', payload: { request } });
    expect(await bob.nextMessage()).toEqual(membersOf(room, ['host'], 'ask'));
    expect(await ann.nextMessage()).toEqual({ type: 'ROOM-PEER-JOINED', payload: { room, peer: 'bob' } });
    expect(await ann.nextMessage()).toEqual({ type: 'ROOM-JOIN-REQUEST-ENDED', payload: { room, request, why: 'admitted' } });

    bob.send({ type: 'OFFER', dst: 'host', payload: { sdp: 'v=0', type: 'media', connectionId: 'mc_1' } });
    expect(await ann.nextMessage()).toEqual({ type: 'OFFER', src: 'bob', dst: 'host', payload: { sdp: 'v=0', type: 'media', connectionId: 'mc_1' } });
    ann.send({ type: 'ANSWER', dst: 'bob', payload: { sdp: 'v=0', connectionId: 'mc_1' } });
    expect(await bob.nextMessage()).toMatchObject({ type: 'ANSWER', src: 'host' });

    // The same Admit again lets nobody else in.
    ann.send({ type: 'ROOM-ADMIT', payload: { request } });
    expect(await ann.nextMessage()).toEqual({ type: 'ROOM-ERROR', payload: { code: 'request-unknown' } });
  });

  it('a member let in sees the requests still waiting and may answer them itself', async () => {
    await begin();
    const ann = await host();
    const bob = await knock('bob', 'Bob');
    const cat = await knock('cat', '고양이');
    const bobRequest = await requestSeenBy(ann, 'Bob');
    const catRequest = await requestSeenBy(ann, '고양이');
    ann.send({ type: 'ROOM-ADMIT', payload: { request: bobRequest } });
    expect(await bob.nextMessage()).toEqual(membersOf(room, ['host'], 'ask'));
    expect(await bob.nextMessage()).toEqual({ type: 'ROOM-JOIN-REQUEST', payload: { room, request: catRequest, name: '고양이' } });

    bob.send({ type: 'ROOM-ADMIT', payload: { request: catRequest } });
    expect(await cat.nextMessage()).toEqual(membersOf(room, expect.arrayContaining(['host', 'bob']), 'ask'));
    // Cat learned nothing while it waited: the admissions of others never reached it.
    expect(await drain(cat)).toEqual([]);
  });

  it('a waiting peer that asks again and again is one request, and cannot answer for itself or be answered from another room', async () => {
    await begin();
    const ann = await host();
    const eve = await knock('eve', 'Eve');
    const request = await requestSeenBy(ann, 'Eve');
    for (let i = 0; i < 5; i++) {
      eve.send({ type: 'ROOM-JOIN', payload: { room, name: `Eve ${i}` } });
      expect(await eve.nextMessage()).toEqual({ type: 'ROOM-WAITING', payload: { room } });
    }
    // Even knowing its handle (say it leaked), one waiting is no member.
    eve.send({ type: 'ROOM-ADMIT', payload: { request } });
    expect(await eve.nextMessage()).toEqual({ type: 'ROOM-ERROR', payload: { code: 'not-member' } });
    eve.send({ type: 'ROOM-POLICY', payload: { policy: 'open' } });
    expect(await eve.nextMessage()).toEqual({ type: 'ROOM-ERROR', payload: { code: 'not-member' } });

    // A member of another room answering this room's request finds nothing to answer.
    const elsewhere = newRoom();
    const zed = await peer('zed', nodes.guest, elsewhere);
    zed.send({ type: 'ROOM-CREATE', payload: { room: elsewhere, policy: 'ask' } });
    expect((await zed.nextMessage()).type).toBe('ROOM-MEMBERS');
    zed.send({ type: 'ROOM-ADMIT', payload: { request } });
    expect(await zed.nextMessage()).toEqual({ type: 'ROOM-ERROR', payload: { code: 'request-unknown' } });

    expect(await drain(ann)).toEqual([]);
    await triesToReach(eve, 'host');
  });

  it('a waiting peer whose socket closes takes its request with it, and the members are told', async () => {
    await begin();
    const ann = await host();
    const eve = await knock('eve', 'Eve');
    const request = await requestSeenBy(ann, 'Eve');
    eve.close();
    expect(await ann.nextMessage()).toEqual({ type: 'ROOM-JOIN-REQUEST-ENDED', payload: { room, request, why: 'withdrawn' } });
    ann.send({ type: 'ROOM-ADMIT', payload: { request } });
    expect(await ann.nextMessage()).toEqual({ type: 'ROOM-ERROR', payload: { code: 'request-unknown' } });
  });

  it('a request nobody answers ends in time, and a room that ends sends its waiting newcomers away', async () => {
    await begin({ PEERCALL_JOIN_REQUEST_TIMEOUT_MS: '1000' });
    const ann = await host();
    const eve = await knock('eve', 'Eve');
    const request = await requestSeenBy(ann, 'Eve');
    expect(await eve.nextMessage(waitLimitMs + 1_000)).toEqual({ type: 'ROOM-ERROR', payload: { code: 'join-unanswered' } });
    expect(await ann.nextMessage()).toEqual({ type: 'ROOM-JOIN-REQUEST-ENDED', payload: { room, request, why: 'expired' } });

    eve.send({ type: 'ROOM-JOIN', payload: { room, name: 'Eve' } });
    expect(await eve.nextMessage()).toEqual({ type: 'ROOM-WAITING', payload: { room } });
    await requestSeenBy(ann, 'Eve');
    ann.send({ type: 'ROOM-LEAVE' });
    expect(await eve.nextMessage()).toEqual({ type: 'ROOM-ERROR', payload: { code: 'room-unknown' } });
  });

  it('a room created without a policy lets everyone in as before, and a member may make it ask later', async () => {
    await begin();
    const ann = await peer('host', nodes.host);
    ann.send({ type: 'ROOM-CREATE', payload: { room } });
    expect(await ann.nextMessage()).toEqual(membersOf(room, []));
    const bob = await peer('bob', nodes.guest);
    bob.send({ type: 'ROOM-JOIN', payload: { room, name: 'Bob' } });
    expect(await bob.nextMessage()).toEqual(membersOf(room, ['host']));
    expect(await ann.nextMessage()).toEqual({ type: 'ROOM-PEER-JOINED', payload: { room, peer: 'bob' } });

    bob.send({ type: 'ROOM-POLICY', payload: { policy: 'ask' } });
    for (const member of [ann, bob]) expect(await member.nextMessage()).toEqual({ type: 'ROOM-POLICY', payload: { room, policy: 'ask' } });
    const cat = await knock('cat', 'Cat');
    expect(await requestSeenBy(ann, 'Cat')).toEqual(await requestSeenBy(bob, 'Cat'));
    await triesToReach(cat, 'bob');
  });

  it.each(['ask', 'locked'] as const)(
    'restarted under a call whose door is %s: the first back opens the room as it was, the other walks in on its pass, and a newcomer still meets the door, with or without a pass not its own',
    async (policy) => {
      await begin();
      const ann = await peer('host', nodes.host);
      ann.send({ type: 'ROOM-CREATE', payload: { room, policy: 'ask' } });
      const annPass = passIn(await ann.nextMessage());
      const bob = await knock('bob', 'Bob');
      ann.send({ type: 'ROOM-ADMIT', payload: { request: await requestSeenBy(ann, 'Bob') } });
      const bobPass = passIn(await bob.nextMessage());
      if (policy === 'locked') bob.send({ type: 'ROOM-POLICY', payload: { policy } });
      await Promise.all([drain(ann), drain(bob)]);

      await restart();
      // Either may be back first: the host with the door that asks, Bob with the lock.
      const annBack = { id: 'host', name: 'Ann', pass: annPass, node: nodes.host };
      const bobBack = { id: 'bob', name: 'Bob', pass: bobPass, node: nodes.guest };
      const [firstBack, secondBack] = policy === 'ask' ? [annBack, bobBack] : [bobBack, annBack];
      const first = await peer(firstBack.id, firstBack.node);
      first.send({ type: 'ROOM-JOIN', payload: { room, name: firstBack.name, pass: firstBack.pass } });
      expect(await first.nextMessage()).toEqual({ type: 'ROOM-ERROR', payload: { code: 'room-unknown' } });
      first.send({ type: 'ROOM-CREATE', payload: { room, policy } });
      expect(await first.nextMessage()).toEqual(membersOf(room, [], policy));

      const second = await peer(secondBack.id, secondBack.node);
      second.send({ type: 'ROOM-JOIN', payload: { room, name: secondBack.name, pass: secondBack.pass } });
      expect(await second.nextMessage()).toEqual(membersOf(room, [firstBack.id], policy));
      // Nobody was asked to let it in again: the one already there only heard it arrive.
      expect(await drain(first)).toEqual([{ type: 'ROOM-PEER-JOINED', payload: { room, peer: secondBack.id } }]);
      second.send({ type: 'OFFER', dst: firstBack.id, payload: { sdp: 'v=0', type: 'media', connectionId: 'mc_1' } });
      expect(await first.nextMessage()).toEqual({ type: 'OFFER', src: secondBack.id, dst: firstBack.id, payload: { sdp: 'v=0', type: 'media', connectionId: 'mc_1' } });
      first.send({ type: 'ANSWER', dst: secondBack.id, payload: { sdp: 'v=0', connectionId: 'mc_1' } });
      expect(await second.nextMessage()).toMatchObject({ type: 'ANSWER', src: firstBack.id });

      // Cat has no pass; Dan shows Bob's, which names another ID than his.
      for (const [id, pass] of [['cat', undefined], ['dan', bobPass]] as const) {
        const newcomer = await peer(id, nodes.guest);
        newcomer.send({ type: 'ROOM-JOIN', payload: { room, name: id, ...(pass === undefined ? {} : { pass }) } });
        if (policy === 'ask') {
          expect(await newcomer.nextMessage()).toEqual({ type: 'ROOM-WAITING', payload: { room } });
          await requestSeenBy(first, id);
        } else {
          expect(await newcomer.nextMessage()).toEqual({ type: 'ROOM-ERROR', payload: { code: 'room-locked' } });
        }
        await triesToReach(newcomer, firstBack.id);
      }
      expect(await drain(first)).toEqual([]);
    },
  );
});
