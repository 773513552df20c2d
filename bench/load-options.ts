/**
 * What a signaling load run is asked for: a flag (--peers 5000 or --peers=5000) wins
 * over its environment variable, which wins over the default.
 */

export interface LoadOptions {
  /** Peers per configuration, in pairs. */
  readonly peers: number;
  readonly roundTrips: number;
  /** Round trips outstanding at once. */
  readonly concurrency: number;
  /** Peers for the capacity figure on one in-memory node; 0 skips it. */
  readonly capacityPeers: number;
}

export class OptionError extends Error {
  override readonly name = 'OptionError';
}

interface Option {
  readonly flag: string;
  readonly env: string;
  readonly fallback: number;
  readonly least: number;
  /** Each peer is a loopback connection with an ephemeral port of its own (32768-60999 here). */
  readonly most: number;
}

const options = {
  peers: { flag: '--peers', env: 'BENCH_PEERS', fallback: 10_000, least: 2, most: 25_000 },
  roundTrips: { flag: '--round-trips', env: 'BENCH_ROUND_TRIPS', fallback: 20_000, least: 0, most: 1_000_000 },
  concurrency: { flag: '--concurrency', env: 'BENCH_CONCURRENCY', fallback: 200, least: 1, most: 10_000 },
  capacityPeers: { flag: '--capacity-peers', env: 'BENCH_CAPACITY_PEERS', fallback: 15_000, least: 0, most: 25_000 },
} satisfies Record<keyof LoadOptions, Option>;

export function parseLoadOptions(argv: readonly string[], env: NodeJS.ProcessEnv): LoadOptions {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const [flag = '', inline] = argv[i]!.split('=', 2);
    if (!Object.values(options).some((option) => option.flag === flag)) {
      throw new OptionError(`unknown option "${argv[i]}"; expected ${Object.values(options).map((option) => `${option.flag} N`).join(', ')}`);
    }
    flags.set(flag, inline ?? argv[++i] ?? '');
  }
  const read = (option: Option): number => {
    const text = flags.get(option.flag) ?? env[option.env] ?? '';
    if (text === '') return option.fallback;
    const value = Number(text);
    if (!Number.isInteger(value) || value < option.least || value > option.most) {
      throw new OptionError(`${option.flag} / ${option.env} must be a whole number from ${option.least} to ${option.most}, not "${text}"`);
    }
    return value;
  };
  return {
    peers: read(options.peers),
    roundTrips: read(options.roundTrips),
    concurrency: read(options.concurrency),
    capacityPeers: read(options.capacityPeers),
  };
}
