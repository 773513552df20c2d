/** Summaries of a few timings. Pure, so a benchmark's numbers can be checked by hand. */

export interface Summary {
  readonly median: number;
  readonly p90: number;
}

/** Linear interpolation between the closest ranks (numpy's default); NaN for no values. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (Math.min(Math.max(p, 0), 100) / 100) * (sorted.length - 1);
  const below = sorted[Math.floor(rank)]!;
  const above = sorted[Math.ceil(rank)]!;
  return below + (above - below) * (rank - Math.floor(rank));
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** Median and p90, rounded to 0.1 ms: the timers behind them are no finer. */
export function summarize(values: readonly number[]): Summary {
  return { median: roundTenth(median(values)), p90: roundTenth(percentile(values, 90)) };
}

export function roundTenth(value: number): number {
  return Math.round(value * 10) / 10;
}
