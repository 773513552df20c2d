/** Progress goes to stderr, so stdout carries nothing but the one JSON line. */
export function log(message: string): void {
  process.stderr.write(`bench: ${message}\n`);
}
