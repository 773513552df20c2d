/** A bench's count from a flag or an environment variable: a whole number from `least` to 1000, or the default when unset. */
export function countOf(text: string | undefined, name: string, fallback: number, least: number): number {
  if (text === undefined || text === '') return fallback;
  const runs = Number(text);
  if (!Number.isInteger(runs) || runs < least || runs > 1_000) throw new Error(`${name} must be a whole number from ${least} to 1000, not "${text}"`);
  return runs;
}
