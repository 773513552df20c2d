/**
 * Just enough of a TURN client (RFC 8656, over UDP) to ask a relay what it would do for
 * a browser: allocate a relay with long-term credentials (the TURN REST ones the signaling
 * server hands out), then ask permission to send to a peer's address, as ICE does before
 * it relays anything. No media is sent.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { isIPv4 } from 'node:net';

const magicCookie = 0x2112a442;
const allocateMethod = 0x003;
const createPermissionMethod = 0x008;
const successClass = 0x100;
const errorClass = 0x110;
const attribute = {
  username: 0x0006,
  messageIntegrity: 0x0008,
  errorCode: 0x0009,
  xorPeerAddress: 0x0012,
  realm: 0x0014,
  nonce: 0x0015,
  requestedTransport: 0x0019,
} as const;
const udpProtocolNumber = 17;
const replyLimitMs = 1_000;
const attempts = 3;

export class TurnError extends Error {
  constructor(readonly code: number, what: string) {
    super(`TURN ${what} answered error ${code}`);
  }
}

interface Reply {
  readonly success: boolean;
  readonly errorCode: number | null;
  readonly attributes: ReadonlyMap<number, Buffer>;
}

export interface TurnAllocation {
  /** The TURN error code a permission to send to `ipv4` got (403: forbidden), or null when granted. */
  permissionTo(ipv4: string): Promise<number | null>;
  close(): void;
}

function encodeAttribute(type: number, value: Buffer): Buffer {
  const header = Buffer.alloc(4);
  header.writeUInt16BE(type, 0);
  header.writeUInt16BE(value.length, 2);
  return Buffer.concat([header, value, Buffer.alloc((4 - (value.length % 4)) % 4)]);
}

/** A request; with a key, MESSAGE-INTEGRITY last, computed over the header counting it in. */
function encodeRequest(method: number, transactionId: Buffer, attributes: readonly (readonly [number, Buffer])[], key?: Buffer): Buffer {
  const body = Buffer.concat(attributes.map(([type, value]) => encodeAttribute(type, value)));
  const header = Buffer.alloc(20);
  header.writeUInt16BE(method, 0);
  header.writeUInt16BE(body.length + (key ? 24 : 0), 2);
  header.writeUInt32BE(magicCookie, 4);
  transactionId.copy(header, 8);
  const message = Buffer.concat([header, body]);
  if (!key) return message;
  return Buffer.concat([message, encodeAttribute(attribute.messageIntegrity, createHmac('sha1', key).update(message).digest())]);
}

function decodeReply(packet: Buffer, method: number): Reply | null {
  if (packet.length < 20 || packet.readUInt32BE(4) !== magicCookie) return null;
  const type = packet.readUInt16BE(0);
  if (type !== (method | successClass) && type !== (method | errorClass)) return null;
  const attributes = new Map<number, Buffer>();
  const end = Math.min(packet.length, 20 + packet.readUInt16BE(2));
  for (let at = 20; at + 4 <= end; ) {
    const kind = packet.readUInt16BE(at);
    const length = packet.readUInt16BE(at + 2);
    attributes.set(kind, packet.subarray(at + 4, at + 4 + length));
    at += 4 + length + ((4 - (length % 4)) % 4);
  }
  const error = attributes.get(attribute.errorCode);
  return {
    success: type === (method | successClass),
    errorCode: error && error.length >= 4 ? (error[2]! & 7) * 100 + error[3]! : null,
    attributes,
  };
}

function xorPeerAddress(ipv4: string): Buffer {
  if (!isIPv4(ipv4)) throw new Error(`not an IPv4 address: ${ipv4}`);
  const value = Buffer.alloc(8);
  value.writeUInt8(0x01, 1);
  // Any port: a permission is for the address alone.
  value.writeUInt16BE(9 ^ (magicCookie >>> 16), 2);
  const address = ipv4.split('.').reduce((sum, octet) => sum * 256 + Number(octet), 0);
  value.writeUInt32BE((address ^ magicCookie) >>> 0, 4);
  return value;
}

/** Allocates a UDP relay on `host:port` as `username`; a refusal throws a TurnError with its code. */
export async function allocateRelay(host: string, port: number, username: string, credential: string): Promise<TurnAllocation> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const ask = async (method: number, attributes: readonly (readonly [number, Buffer])[], key?: Buffer): Promise<Reply> => {
    const transactionId = randomBytes(12);
    const request = encodeRequest(method, transactionId, attributes, key);
    for (let attempt = 0; attempt < attempts; attempt++) {
      const reply = await new Promise<Reply | null>((resolve) => {
        const timer = setTimeout(() => finish(null), replyLimitMs);
        const onMessage = (packet: Buffer) => {
          if (packet.length >= 20 && packet.subarray(8, 20).equals(transactionId)) finish(decodeReply(packet, method));
        };
        const finish = (answer: Reply | null) => {
          clearTimeout(timer);
          socket.off('message', onMessage);
          resolve(answer);
        };
        socket.on('message', onMessage);
        socket.send(request, port, host);
      });
      if (reply) return reply;
    }
    throw new Error(`no TURN answer from ${host}:${port}`);
  };
  try {
    const transport: readonly [number, Buffer] = [attribute.requestedTransport, Buffer.from([udpProtocolNumber, 0, 0, 0])];
    // The first ask is refused with 401, carrying the realm and the nonce to sign with.
    const challenge = await ask(allocateMethod, [transport]);
    const realm = challenge.attributes.get(attribute.realm);
    const nonce = challenge.attributes.get(attribute.nonce);
    if (challenge.errorCode !== 401 || !realm || !nonce) throw new TurnError(challenge.errorCode ?? 0, 'allocate without credentials');
    const key = createHash('md5').update(`${username}:${realm.toString()}:${credential}`).digest();
    const signed = [[attribute.username, Buffer.from(username)], [attribute.realm, realm], [attribute.nonce, nonce]] as const;
    const allocated = await ask(allocateMethod, [transport, ...signed], key);
    if (!allocated.success) throw new TurnError(allocated.errorCode ?? 0, 'allocate');
    return {
      permissionTo: async (ipv4) => {
        const answer = await ask(createPermissionMethod, [[attribute.xorPeerAddress, xorPeerAddress(ipv4)], ...signed], key);
        return answer.success ? null : (answer.errorCode ?? 0);
      },
      close: () => socket.close(),
    };
  } catch (error) {
    socket.close();
    throw error;
  }
}
