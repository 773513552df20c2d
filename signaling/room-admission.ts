/**
 * Who may enter a room: its join policy, the newcomers waiting for a member's answer,
 * and that answer. (admission.ts decides who a socket is; this decides whether that
 * someone gets into a room.) Pure: a hub keeps each room's door (in memory, or as JSON
 * in Redis), hands it to `step`, stores the door that comes back and tells each party
 * what the step says. A room created without a policy has no door and is open, as
 * rooms always were.
 *
 * Decisions:
 * - The creator chooses the policy; any admitted member may change it later. Any of
 *   them may admit or deny anyway, and the call outlives its creator.
 * - Changing the policy never lets anyone in by itself: only a member's Admit does.
 *   Locking turns away everyone still waiting.
 * - Once let in, a peer stays let in while the room lasts, so a member whose network
 *   drops gets back in, into a locked room too. Once denied, a peer stays denied: asking
 *   again is refused without troubling the members.
 * - A room the server forgot (it restarted) and a member opened again has a door that
 *   remembers only that member. The others show the pass they were given when let in
 *   (admission-pass.ts; the hub checks it), and walk in as if the door remembered them.
 *   A denial this door heard still wins: it is newer than any pass.
 * - Members see a handle for each request, never the newcomer's peer ID: they need only
 *   the name, and a fresh handle per request means an Admit replayed later admits nobody.
 */
export const joinPolicies = ['open', 'ask', 'locked'] as const;
export type JoinPolicy = (typeof joinPolicies)[number];

/** Newcomers one room keeps waiting at once; past that, asking is refused (`waiting-full`). */
export const maxWaitingPerRoom = 8;
/** Longest name a newcomer may give, in code points. */
export const maxJoinNameChars = 64;
/** Peers each room remembers as let in, and as denied; the oldest are forgotten first. */
export const maxRememberedPeers = 128;
/** A request handle: 12 random bytes in base64url. */
export const requestHandlePattern = /^[A-Za-z0-9_-]{16}$/;

export interface JoinRequest {
  /** What members answer to; the peer ID stays on the server. */
  readonly request: string;
  readonly peer: string;
  readonly name: string;
  readonly expiresAtMs: number;
}

export interface RoomDoor {
  readonly policy: JoinPolicy;
  readonly admitted: readonly string[];
  readonly denied: readonly string[];
  readonly waiting: readonly JoinRequest[];
}

/** What a member sees of the door: the policy, and who is asking, by name and handle. */
export interface DoorView {
  readonly policy: JoinPolicy;
  readonly requests: readonly { readonly request: string; readonly name: string }[];
}

/** Why a request is no longer shown to the members. */
export type RequestEnd = 'admitted' | 'denied' | 'locked' | 'withdrawn' | 'expired';

/** What a newcomer is told: come in, wait, or why not. */
export type NewcomerNews = 'enter' | 'waiting' | 'join-denied' | 'room-locked' | 'join-unanswered' | 'waiting-full';

export type MemberNews =
  | { readonly kind: 'join-request'; readonly request: string; readonly name: string }
  | { readonly kind: 'join-request-ended'; readonly request: string; readonly why: RequestEnd }
  | { readonly kind: 'policy'; readonly policy: JoinPolicy };

export type DoorEvent =
  /** A peer asks to join; `asking` is its request, should it have to wait; `passed`: it showed a valid pass. */
  | { readonly type: 'knock'; readonly asking: JoinRequest; readonly nowMs: number; readonly passed: boolean }
  /** A member answers a request (the hub has checked it is a member). */
  | { readonly type: 'answer'; readonly request: string; readonly verdict: 'admit' | 'deny' }
  /** The newcomer gave up (left, or its socket closed), or nobody answered in time. */
  | { readonly type: 'withdraw'; readonly request: string; readonly why: 'withdrawn' | 'expired' }
  /** A member sets the policy; `members` are those in the room now, let in by being there. */
  | { readonly type: 'set-policy'; readonly policy: JoinPolicy; readonly members: readonly string[] };

export interface DoorStep {
  readonly door: RoomDoor | null;
  /** Told to newcomers; the one who hears `enter` joins the room, and the step counts only if it fits. */
  readonly newcomers: readonly { readonly peer: string; readonly hears: NewcomerNews }[];
  readonly members: readonly MemberNews[];
  /** Told to whoever asked for a step that did nothing. */
  readonly error: 'request-unknown' | null;
}

/** The door a room is created with; an open room needs none. */
export function newDoor(policy: JoinPolicy, creator: string): RoomDoor | null {
  return policy === 'open' ? null : { policy, admitted: [creator], denied: [], waiting: [] };
}

export function step(door: RoomDoor | null, event: DoorEvent): DoorStep {
  switch (event.type) {
    case 'knock':
      return knock(door, event.asking, event.nowMs, event.passed);
    case 'answer':
      return answer(door, event.request, event.verdict);
    case 'withdraw':
      return withdraw(door, event.request, event.why);
    case 'set-policy':
      return setPolicy(door, event.policy, event.members);
  }
}

export function doorView(door: RoomDoor | null): DoorView | null {
  return door === null ? null : { policy: door.policy, requests: door.waiting.map(({ request, name }) => ({ request, name })) };
}

/**
 * The name a newcomer gave, as members will see it: '' when none was given, null when
 * it is too long or holds characters that could disguise it (controls, bidi overrides,
 * invisible formatting, lone surrogates). Runs of white space become one space.
 */
export function parseJoinName(value: unknown): string | null {
  if (value === undefined) return '';
  if (typeof value !== 'string' || [...value].length > maxJoinNameChars) return null;
  if (/[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/u.test(value)) return null;
  return value.trim().replace(/\s+/g, ' ');
}

function knock(door: RoomDoor | null, asking: JoinRequest, nowMs: number, passed: boolean): DoorStep {
  const { peer } = asking;
  if (door === null || door.admitted.includes(peer)) return told(door, peer, 'enter');
  if (door.denied.includes(peer)) return told(door, peer, 'join-denied');
  if (passed) return letInWithPass(door, peer);
  if (door.policy === 'open') return told({ ...door, admitted: remember(door.admitted, peer) }, peer, 'enter');
  if (door.policy === 'locked') return told(door, peer, 'room-locked');
  // Asking again while waiting is the same request: the members are not asked twice.
  if (door.waiting.some((w) => w.peer === peer)) return told(door, peer, 'waiting');
  // Requests past their expiry whose node never withdrew them (it died) give up their place.
  const waiting = door.waiting.filter((w) => w.expiresAtMs > nowMs);
  if (waiting.length >= maxWaitingPerRoom) return told(door, peer, 'waiting-full');
  return {
    ...told({ ...door, waiting: [...waiting, asking] }, peer, 'waiting'),
    members: [{ kind: 'join-request', request: asking.request, name: asking.name }],
  };
}

/** Let in on its pass; a request it was waiting with (it asked before it showed the pass) ends as admitted. */
function letInWithPass(door: RoomDoor, peer: string): DoorStep {
  const asked = door.waiting.find((w) => w.peer === peer);
  const next = { ...door, admitted: remember(door.admitted, peer), waiting: door.waiting.filter((w) => w !== asked) };
  return {
    ...told(next, peer, 'enter'),
    members: asked === undefined ? [] : [{ kind: 'join-request-ended', request: asked.request, why: 'admitted' }],
  };
}

function answer(door: RoomDoor | null, request: string, verdict: 'admit' | 'deny'): DoorStep {
  const asking = door?.waiting.find((w) => w.request === request);
  if (door === null || asking === undefined) return unknownRequest(door);
  const waiting = door.waiting.filter((w) => w !== asking);
  const next =
    verdict === 'admit'
      ? { ...door, waiting, admitted: remember(door.admitted, asking.peer) }
      : { ...door, waiting, denied: remember(door.denied, asking.peer) };
  return {
    ...told(next, asking.peer, verdict === 'admit' ? 'enter' : 'join-denied'),
    members: [{ kind: 'join-request-ended', request, why: verdict === 'admit' ? 'admitted' : 'denied' }],
  };
}

function withdraw(door: RoomDoor | null, request: string, why: 'withdrawn' | 'expired'): DoorStep {
  const asking = door?.waiting.find((w) => w.request === request);
  if (door === null || asking === undefined) return unknownRequest(door);
  const next = { ...door, waiting: door.waiting.filter((w) => w !== asking) };
  return {
    door: next,
    // One who withdrew is gone and needs no word; one nobody answered is still there.
    newcomers: why === 'expired' ? [{ peer: asking.peer, hears: 'join-unanswered' }] : [],
    members: [{ kind: 'join-request-ended', request, why }],
    error: null,
  };
}

function setPolicy(door: RoomDoor | null, policy: JoinPolicy, members: readonly string[]): DoorStep {
  if (door === null && policy === 'open') return { door, newcomers: [], members: [{ kind: 'policy', policy }], error: null };
  const base: RoomDoor = door ?? { policy: 'open', admitted: [], denied: [], waiting: [] };
  const admitted = members.reduce(remember, base.admitted);
  const turnedAway = policy === 'locked' ? base.waiting : [];
  return {
    door: { ...base, policy, admitted, waiting: policy === 'locked' ? [] : base.waiting },
    newcomers: turnedAway.map((w) => ({ peer: w.peer, hears: 'room-locked' })),
    members: [{ kind: 'policy', policy }, ...turnedAway.map((w): MemberNews => ({ kind: 'join-request-ended', request: w.request, why: 'locked' }))],
    error: null,
  };
}

function told(door: RoomDoor | null, peer: string, hears: NewcomerNews): DoorStep {
  return { door, newcomers: [{ peer, hears }], members: [], error: null };
}

function unknownRequest(door: RoomDoor | null): DoorStep {
  return { door, newcomers: [], members: [], error: 'request-unknown' };
}

function remember(list: readonly string[], peer: string): readonly string[] {
  if (list.includes(peer)) return list;
  return [...list, peer].slice(-maxRememberedPeers);
}
