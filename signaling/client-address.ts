/**
 * Who a request comes from. Behind a reverse proxy every socket comes from the proxy,
 * so a cap per address would treat everyone as one client; X-Forwarded-For names the
 * real client, but anyone can send that header. It is believed only from proxies the
 * operator named: walking it from the right, past trusted proxies, the first address
 * that is not one is the client's.
 */
import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';

/** Why `entry` is not a usable trusted proxy, or null when it is. */
export function describeBadProxy(entry: string): string | null {
  const [address = '', prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  const bits = family === 4 ? 32 : 128;
  if (family === 0 || rest.length > 0 || (prefix !== undefined && !(/^\d{1,3}$/.test(prefix) && Number(prefix) <= bits))) {
    return 'an IP address or a CIDR range, such as 10.0.0.5 or 10.0.0.0/8';
  }
  return null;
}

/** `::ffff:1.2.3.4`, as a dual-stack socket reports an IPv4 client, is 1.2.3.4. */
function plain(address: string): string {
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}

export class ClientAddresses {
  readonly #trusted = new BlockList();
  readonly #any: boolean;

  constructor(trustedProxies: readonly string[]) {
    this.#any = trustedProxies.length > 0;
    for (const entry of trustedProxies) {
      const [address = '', prefix] = entry.split('/');
      const type = isIP(address) === 4 ? 'ipv4' : 'ipv6';
      if (prefix === undefined) this.#trusted.addAddress(address, type);
      else this.#trusted.addSubnet(address, Number(prefix), type);
    }
  }

  isTrustedProxy(address: string): boolean {
    const ip = plain(address);
    const family = isIP(ip);
    return this.#any && family !== 0 && this.#trusted.check(ip, family === 4 ? 'ipv4' : 'ipv6');
  }

  /** The TCP peer's address (what a connection cap counts before any request is read). */
  ofSocket(remoteAddress: string | undefined): string {
    return plain(remoteAddress ?? 'unknown');
  }

  of(req: IncomingMessage): string {
    let client = this.ofSocket(req.socket.remoteAddress);
    if (!this.isTrustedProxy(client)) return client;
    const header = req.headers['x-forwarded-for'];
    const hops = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',').map((hop) => plain(hop.trim()));
    for (let i = hops.length - 1; i >= 0; i--) {
      const hop = hops[i]!;
      // A hop that is not an address ends what can be believed: the last proxy seen stands for the client.
      if (isIP(hop) === 0) return client;
      client = hop;
      if (!this.isTrustedProxy(hop)) return hop;
    }
    return client;
  }
}
