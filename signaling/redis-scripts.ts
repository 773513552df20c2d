/**
 * The shared state's layout in Redis and the scripts that change it, each one round
 * trip and atomic. Every key expires: a node's heartbeat refreshes the keys it owns
 * (its peers, their rooms, itself), so when every node is gone, so is every key.
 * Scripts build a few key names from values (rooms of members): one Redis, not a cluster.
 */
export const key = {
  peer: (peer: string) => `pc:peer:${peer}`,
  roomOf: (peer: string) => `pc:roomof:${peer}`,
  room: (room: string) => `pc:room:${room}`,
  /** The room's door as JSON (room-admission.ts); absent for an open room. It lives as long as the room. */
  door: (room: string) => `pc:door:${room}`,
  /** "<room> <request>" while the peer waits at that room's door, so a survivor can withdraw it when its node dies. */
  waitOf: (peer: string) => `pc:waitof:${peer}`,
  /** Rooms with members, scored by when a node last vouched for them. */
  rooms: 'pc:rooms',
  nodes: 'pc:nodes',
  nodePeers: (node: string) => `pc:node:${node}:peers`,
  reaping: (node: string) => `pc:reap:${node}`,
  ticket: (nonce: string) => `pc:ticket:${nonce}`,
  channel: (node: string) => `pc:deliver:${node}`,
};

// KEYS: peer(X), nodePeers(node), roomOf(X). ARGV: node, X, kick as JSON, ttl ms.
// This node now holds X; a node that held it before is told to close its socket for X.
// Returns X's room and its members, so a peer that moved here keeps its place.
export const attachScript = `
local before = redis.call('GET', KEYS[1])
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[4])
redis.call('SADD', KEYS[2], ARGV[2])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
if before and before ~= ARGV[1] then redis.call('PUBLISH', 'pc:deliver:' .. before, ARGV[3]) end
local room = redis.call('GET', KEYS[3])
if not room then return {} end
return {room, unpack(redis.call('SMEMBERS', 'pc:room:' .. room))}`;

// KEYS: peer(X), nodePeers(node). ARGV: node, X. 1 when this node still held X.
export const detachScript = `
redis.call('SREM', KEYS[2], ARGV[2])
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
return 1`;

// Takes X out of its room (if any), inside a script that already holds roomOf(X) as KEYS[2].
// Returns the room left and who remains there, or nothing.
const leaveCurrent = `
local function leaveCurrent(peer, roomOfKey)
  local old = redis.call('GET', roomOfKey)
  if not old then return nil, {} end
  redis.call('DEL', roomOfKey)
  local oldKey = 'pc:room:' .. old
  redis.call('SREM', oldKey, peer)
  if redis.call('SCARD', oldKey) == 0 then redis.call('ZREM', 'pc:rooms', old) end
  return old, redis.call('SMEMBERS', oldKey)
end`;

// Drops members whose own entry no longer names the room (they expired with their
// node); true when anyone real remains.
const prune = `
local function prune(roomKey, room)
  for _, member in ipairs(redis.call('SMEMBERS', roomKey)) do
    if redis.call('GET', 'pc:roomof:' .. member) ~= room then redis.call('SREM', roomKey, member) end
  end
  if redis.call('EXISTS', roomKey) == 1 then return true end
  redis.call('ZREM', 'pc:rooms', room)
  return false
end`;

const enterRoom = `
local function enterRoom(peer, room, roomKey, roomOfKey, ttl, now)
  redis.call('SADD', roomKey, peer)
  redis.call('PEXPIRE', roomKey, ttl)
  redis.call('SET', roomOfKey, room, 'PX', ttl)
  redis.call('ZADD', 'pc:rooms', now, room)
  redis.call('PEXPIRE', 'pc:rooms', ttl)
end`;

// Sets the room's door to ARGV[i] ('' for none), living as long as the room's keys.
const putDoor = `
local function putDoor(doorKey, door, ttl)
  if door == '' then redis.call('DEL', doorKey) else redis.call('SET', doorKey, door, 'PX', ttl) end
end`;

// KEYS: room(R), roomOf(X), door(R). ARGV: X, R, ttl ms, now ms, door or ''.
// {0} R exists (and X stays where it was); {1, old room or '', members left there...} created,
// with the door given: whatever a room of that ID left behind is replaced.
export const createScript = `${leaveCurrent}${prune}${enterRoom}${putDoor}
if prune(KEYS[1], ARGV[2]) then return {0} end
local old, remaining = leaveCurrent(ARGV[1], KEYS[2])
enterRoom(ARGV[1], ARGV[2], KEYS[1], KEYS[2], ARGV[3], ARGV[4])
putDoor(KEYS[3], ARGV[5], ARGV[3])
return {1, old or '', unpack(remaining)}`;

// KEYS: room(R), roomOf(X), door(R). ARGV: X, R, capacity, ttl ms, now ms, the door
// the caller read ('' none), the door after X is in ('' none); '*' for both: as it is.
// {0} unknown, {-1} full (X stays where it was), {-3} the door changed since it was
// read (nothing done), {2, '', 0, members...} already in,
// {1, old room or '', n, n members left there..., members before X...} joined.
export const joinScript = `${leaveCurrent}${prune}${enterRoom}${putDoor}
if not prune(KEYS[1], ARGV[2]) then return {0} end
if ARGV[6] ~= '*' and (redis.call('GET', KEYS[3]) or '') ~= ARGV[6] then return {-3} end
local members = redis.call('SMEMBERS', KEYS[1])
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 1 then return {2, '', 0, unpack(members)} end
if #members >= tonumber(ARGV[3]) then return {-1} end
local old, remaining = leaveCurrent(ARGV[1], KEYS[2])
enterRoom(ARGV[1], ARGV[2], KEYS[1], KEYS[2], ARGV[4], ARGV[5])
if ARGV[7] ~= '*' then putDoor(KEYS[3], ARGV[7], ARGV[4]) end
local out = {1, old or '', #remaining}
for _, m in ipairs(remaining) do out[#out + 1] = m end
for _, m in ipairs(members) do out[#out + 1] = m end
return out`;

// KEYS: roomOf(X). ARGV: X. {room, door or '', remaining members...} or {}: a room
// its last member left takes its door with it, handed back for those still waiting.
export const leaveScript = `${leaveCurrent}
local old, remaining = leaveCurrent(ARGV[1], KEYS[1])
if not old then return {} end
local door = ''
if #remaining == 0 then
  door = redis.call('GET', 'pc:door:' .. old) or ''
  redis.call('DEL', 'pc:door:' .. old)
end
return {old, door, unpack(remaining)}`;

// KEYS: door(R), room(R). ARGV: R, the door the caller read ('' none), the door to
// keep ('' none), ttl ms. A compare-and-set, so two members answering at once cannot
// both win: {-1} R is gone (and so is its door), {0} the door changed since it was
// read (nothing done), {1, members...} done.
export const doorScript = `${prune}${putDoor}
if not prune(KEYS[2], ARGV[1]) then
  redis.call('DEL', KEYS[1])
  return {-1}
end
if (redis.call('GET', KEYS[1]) or '') ~= ARGV[2] then return {0} end
putDoor(KEYS[1], ARGV[3], ARGV[4])
return {1, unpack(redis.call('SMEMBERS', KEYS[2]))}`;

// KEYS: roomOf(from), roomOf(to), peer(to). ARGV: this node, {to, message} as JSON.
// One round trip checks the room and hands the message to the node holding `to`:
// 0 not in one room, 1 nowhere, 2 on this node, 3 + how many nodes took the publish.
export const relayScript = `
local room = redis.call('GET', KEYS[1])
if not room or room ~= redis.call('GET', KEYS[2]) then return 0 end
local node = redis.call('GET', KEYS[3])
if not node then return 1 end
if node == ARGV[1] then return 2 end
return 3 + redis.call('PUBLISH', 'pc:deliver:' .. node, ARGV[2])`;

// KEYS: roomOf(from), roomOf(to), peer(to). The node holding `to` if it shares the room
// of `from`: the check alone, for a destination this node does not know, so a frame to
// a stranger never ships its payload to Redis. 0 not in one room, 1 nowhere.
export const whereScript = `
local room = redis.call('GET', KEYS[1])
if not room or room ~= redis.call('GET', KEYS[2]) then return 0 end
return redis.call('GET', KEYS[3]) or 1`;

// ARGV: node, ttl ms, now ms, peers... Keeps this node's peers, their rooms (with their
// doors), the requests they wait with and the room index alive for another ttl; a peer
// another node took is not this node's to keep.
export const refreshScript = `
for i = 4, #ARGV do
  local peer = ARGV[i]
  local peerKey = 'pc:peer:' .. peer
  if redis.call('GET', peerKey) == ARGV[1] then
    redis.call('PEXPIRE', peerKey, ARGV[2])
    redis.call('PEXPIRE', 'pc:waitof:' .. peer, ARGV[2])
    local room = redis.call('GET', 'pc:roomof:' .. peer)
    if room then
      redis.call('PEXPIRE', 'pc:roomof:' .. peer, ARGV[2])
      redis.call('PEXPIRE', 'pc:room:' .. room, ARGV[2])
      redis.call('PEXPIRE', 'pc:door:' .. room, ARGV[2])
      redis.call('ZADD', 'pc:rooms', ARGV[3], room)
    end
  end
end
return 1`;

// KEYS: nodes, nodePeers(node), rooms. ARGV: node, now ms, ttl ms. The node's own beat.
export const beatScript = `
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', ARGV[2] - ARGV[3])
redis.call('PEXPIRE', KEYS[3], ARGV[3])
return redis.call('HGETALL', KEYS[1])`;
