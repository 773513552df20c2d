/**
 * Server diagnostics: one JSON object per line on stderr, so a log collector can
 * parse them. Peer tokens travel in WebSocket query strings, so anything that could
 * hold a URL query is cut before it is written.
 */

const maxMessageChars = 300;

/** 'warn' for what a misbehaving client caused, 'error' for what the operator should look at. */
export type LogLevel = 'warn' | 'error';

export function logProblem(level: LogLevel, event: string, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  const line = {
    time: new Date().toISOString(),
    level,
    event,
    message: withoutSecrets(message).slice(0, maxMessageChars),
  };
  process.stderr.write(`${JSON.stringify(line)}\n`);
}

function withoutSecrets(text: string): string {
  return text.replace(/\?\S*/g, '?[query removed]').replace(/token=\S*/gi, 'token=[removed]');
}

/** A structured event with a few plain fields; callers never pass tokens, SDP or room IDs. */
export function logEvent(level: LogLevel | 'info', event: string, fields: Record<string, string | number> = {}): void {
  const safe = Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, typeof v === 'string' ? withoutSecrets(v).slice(0, maxMessageChars) : v]));
  process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level, event, ...safe })}\n`);
}
