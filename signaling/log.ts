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
