/**
 * A small internet in network namespaces, built by the test itself (it must run as root):
 * a "wan" namespace holding a bridge on TEST-NET-3 (203.0.113.0/24) where the signaling
 * server and coturn run, and homes behind NAT routers. A port-preserving NAT is Linux's
 * plain MASQUERADE (srflx works between two of them); a port-randomizing one adds
 * `--random-fully`, so that only a TURN relay connects it with anyone. Nothing here has
 * a link to the root namespace, so nothing reaches the real network, and every namespace
 * and process is removed by `destroy()`, which also runs on a failed build.
 */
import { type ChildProcess, execFileSync, spawn, type SpawnOptions } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type NatKind = 'port-preserving' | 'port-randomizing';

export interface HomePlan {
  readonly name: string;
  readonly nat: NatKind;
}

export interface Home {
  readonly name: string;
  readonly nat: NatKind;
  /** The namespace browsers of this home run in. */
  readonly namespace: string;
  readonly router: string;
  /** The home's LAN address and its router's public one, as they are now. */
  lanAddress: string;
  publicAddress: string;
}

export const wanPrefix = '203.0.113';
export const signalingAddress = `${wanPrefix}.10`;
export const turnAddress = `${wanPrefix}.20`;
/** A neighbour on the wan bridge that nobody answers for: private ranges are routed into it. */
const sinkAddress = `${wanPrefix}.254`;
const privateRanges = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10'];

export function ipPath(): string {
  const found = ['/usr/sbin/ip', '/sbin/ip', '/usr/bin/ip', '/bin/ip'].find((p) => existsSync(p));
  if (!found) throw new Error('No ip command: apt-get install iproute2');
  return found;
}

function tool(name: string, packageName: string): string {
  const found = [`/usr/sbin/${name}`, `/sbin/${name}`, `/usr/bin/${name}`].find((p) => existsSync(p));
  if (!found) throw new Error(`No ${name}: apt-get install ${packageName}`);
  return found;
}

export class SimulatedInternet {
  readonly id = randomBytes(3).toString('hex');
  readonly wan = `pcwan-${this.id}`;
  readonly homes = new Map<string, Home>();
  readonly #namespaces: string[] = [];
  readonly #children = new Set<ChildProcess>();
  readonly #dir = mkdtempSync(join(tmpdir(), 'peercall-internet-'));
  readonly #ip = ipPath();
  readonly #iptables = tool('iptables', 'iptables');
  readonly #conntrack = tool('conntrack', 'conntrack');
  #changes = 0;

  /** Builds the wan and every home; on any failure, removes what it made and throws. */
  static build(homes: readonly HomePlan[]): SimulatedInternet {
    if (process.getuid?.() !== 0) throw new Error('The simulated internet needs root (ip netns); CI runs as root.');
    const internet = new SimulatedInternet();
    try {
      internet.#buildWan();
      homes.forEach((plan, index) => internet.#buildHome(plan, index + 1));
      return internet;
    } catch (error) {
      internet.destroy();
      throw error;
    }
  }

  /** Runs a command inside a namespace and waits for it; throws with its output on failure. */
  exec(namespace: string, command: string, args: readonly string[]): string {
    try {
      return execFileSync(this.#ip, ['netns', 'exec', namespace, command, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr ?? '';
      throw new Error(`in ${namespace}: ${command} ${args.join(' ')} failed: ${stderr.trim()}`);
    }
  }

  /** Starts a long-running process inside a namespace; `destroy()` kills it if it is still running. */
  spawn(namespace: string, command: string, args: readonly string[], options: SpawnOptions = {}): ChildProcess {
    const child = spawn(this.#ip, ['netns', 'exec', namespace, command, ...args], { stdio: 'ignore', ...options });
    this.#children.add(child);
    child.once('exit', () => this.#children.delete(child));
    return child;
  }

  /**
   * An executable that starts Chromium inside `home`'s namespace, for playwright-core's
   * `executablePath`. Playwright talks to the browser over a pipe, which `ip netns exec`
   * keeps, so this process needs no route into the home.
   */
  browserIn(home: string, chromium: string): string {
    const path = join(this.#dir, `chromium-${home}`);
    writeFileSync(path, `#!/bin/sh\nexec ${this.#ip} netns exec ${this.home(home).namespace} ${chromium} "$@"\n`);
    chmodSync(path, 0o755);
    return path;
  }

  /** Gives the wan one more public address (for a second node, a proxy's upstream). */
  addPublicAddress(address: string): void {
    this.exec(this.wan, this.#ip, ['addr', 'add', `${address}/24`, 'dev', 'br0']);
  }

  home(name: string): Home {
    const home = this.homes.get(name);
    if (!home) throw new Error(`no home named ${name}`);
    return home;
  }

  /** Drops every packet between the home and the internet, as a tunnel or a dead access point would. */
  cutOff(name: string): void {
    this.exec(this.home(name).router, this.#iptables, ['-I', 'FORWARD', '1', '-j', 'DROP']);
  }

  /** Undoes `cutOff`: the same addresses, the same NAT mappings. */
  reconnect(name: string): void {
    this.exec(this.home(name).router, this.#iptables, ['-D', 'FORWARD', '-j', 'DROP']);
  }

  /**
   * The home's LAN and its public address both change, and the NAT forgets every mapping,
   * as when a phone moves from Wi-Fi to 4G: every socket bound to the old address is dead.
   */
  changeAddress(name: string): void {
    const home = this.home(name);
    this.#changes += 1;
    const index = [...this.homes.keys()].indexOf(name) + 1;
    const lanNet = `192.168.${100 + ((index * 10 + this.#changes) % 150)}`;
    const publicAddress = `${wanPrefix}.${120 + ((index * 20 + this.#changes) % 100)}`;
    this.exec(home.router, this.#ip, ['addr', 'flush', 'dev', 'eth0']);
    this.exec(home.router, this.#ip, ['addr', 'add', `${publicAddress}/24`, 'dev', 'eth0']);
    this.exec(home.router, this.#ip, ['addr', 'flush', 'dev', 'lan0']);
    this.exec(home.router, this.#ip, ['addr', 'add', `${lanNet}.1/24`, 'dev', 'lan0']);
    this.exec(home.namespace, this.#ip, ['addr', 'flush', 'dev', 'eth0']);
    this.exec(home.namespace, this.#ip, ['addr', 'add', `${lanNet}.10/24`, 'dev', 'eth0']);
    this.exec(home.namespace, this.#ip, ['route', 'replace', 'default', 'via', `${lanNet}.1`]);
    this.exec(home.router, this.#conntrack, ['-F']);
    home.lanAddress = `${lanNet}.10`;
    home.publicAddress = publicAddress;
  }

  /** Kills every process this internet started and removes every namespace. Safe to call twice. */
  destroy(): void {
    for (const child of this.#children) child.kill('SIGKILL');
    this.#children.clear();
    for (const namespace of [...this.#namespaces].reverse()) {
      // Anything still running inside (a browser whose launcher died) goes first.
      try {
        const pids = execFileSync(this.#ip, ['netns', 'pids', namespace], { encoding: 'utf8' }).split(/\s+/).filter(Boolean);
        for (const pid of pids) {
          try {
            process.kill(Number(pid), 'SIGKILL');
          } catch {
            // Gone already.
          }
        }
      } catch {
        // The namespace is gone already.
      }
      try {
        execFileSync(this.#ip, ['netns', 'del', namespace], { stdio: 'ignore' });
      } catch {
        // Gone already.
      }
    }
    this.#namespaces.length = 0;
    rmSync(this.#dir, { recursive: true, force: true });
  }

  #namespace(name: string): void {
    execFileSync(this.#ip, ['netns', 'add', name]);
    this.#namespaces.push(name);
    this.exec(name, this.#ip, ['link', 'set', 'lo', 'up']);
  }

  #buildWan(): void {
    this.#namespace(this.wan);
    this.exec(this.wan, this.#ip, ['link', 'add', 'br0', 'type', 'bridge']);
    this.exec(this.wan, this.#ip, ['link', 'set', 'br0', 'up']);
    for (const address of [signalingAddress, turnAddress]) this.exec(this.wan, this.#ip, ['addr', 'add', `${address}/24`, 'dev', 'br0']);
    // coturn closes a whole allocation when it relays to an address with no route
    // (ENETUNREACH); on the real internet such packets are merely lost.
    this.exec(this.wan, this.#ip, ['neigh', 'add', sinkAddress, 'lladdr', '02:00:00:00:00:fe', 'dev', 'br0', 'nud', 'permanent']);
    for (const range of privateRanges) this.exec(this.wan, this.#ip, ['route', 'add', range, 'via', sinkAddress]);
  }

  #buildHome(plan: HomePlan, index: number): void {
    const router = `pcnat${index}-${this.id}`;
    const namespace = `pchome${index}-${this.id}`;
    const lanNet = `192.168.${index}`;
    const publicAddress = `${wanPrefix}.${100 + index}`;
    this.#namespace(router);
    this.#namespace(namespace);
    // The router's uplink: a veth whose other end is a port of the wan bridge.
    this.exec(this.wan, this.#ip, ['link', 'add', `up${index}`, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', router]);
    this.exec(this.wan, this.#ip, ['link', 'set', `up${index}`, 'master', 'br0', 'up']);
    this.exec(router, this.#ip, ['addr', 'add', `${publicAddress}/24`, 'dev', 'eth0']);
    this.exec(router, this.#ip, ['link', 'set', 'eth0', 'up']);
    // The home's LAN: one veth between router and home.
    this.exec(router, this.#ip, ['link', 'add', 'lan0', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', namespace]);
    this.exec(router, this.#ip, ['addr', 'add', `${lanNet}.1/24`, 'dev', 'lan0']);
    this.exec(router, this.#ip, ['link', 'set', 'lan0', 'up']);
    this.exec(namespace, this.#ip, ['addr', 'add', `${lanNet}.10/24`, 'dev', 'eth0']);
    this.exec(namespace, this.#ip, ['link', 'set', 'eth0', 'up']);
    this.exec(namespace, this.#ip, ['route', 'add', 'default', 'via', `${lanNet}.1`]);
    // The NAT: out from the LAN with the router's address, back in only for what went out.
    this.exec(router, 'sysctl', ['-q', '-w', 'net.ipv4.ip_forward=1']);
    this.exec(router, this.#iptables, ['-t', 'nat', '-A', 'POSTROUTING', '-o', 'eth0', '-j', 'MASQUERADE', ...(plan.nat === 'port-randomizing' ? ['--random-fully'] : [])]);
    this.exec(router, this.#iptables, ['-P', 'FORWARD', 'DROP']);
    this.exec(router, this.#iptables, ['-A', 'FORWARD', '-i', 'lan0', '-o', 'eth0', '-j', 'ACCEPT']);
    this.exec(router, this.#iptables, ['-A', 'FORWARD', '-i', 'eth0', '-o', 'lan0', '-m', 'conntrack', '--ctstate', 'ESTABLISHED,RELATED', '-j', 'ACCEPT']);
    // Nothing addressed to the router itself from the wan but replies.
    this.exec(router, this.#iptables, ['-A', 'INPUT', '-i', 'eth0', '-m', 'conntrack', '--ctstate', 'ESTABLISHED,RELATED', '-j', 'ACCEPT']);
    this.exec(router, this.#iptables, ['-A', 'INPUT', '-i', 'eth0', '-j', 'DROP']);
    this.homes.set(plan.name, { name: plan.name, nat: plan.nat, namespace, router, lanAddress: `${lanNet}.10`, publicAddress });
  }
}
