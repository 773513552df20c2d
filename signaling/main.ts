/**
 * `npm run signaling`: read configuration, serve until SIGINT or SIGTERM.
 * Exit codes: 0 after a clean shutdown, 1 when the server cannot start or stop,
 * 2 for bad configuration (nothing was started).
 */
import { ConfigError, parseConfig, type SignalingConfig } from './config.js';
import { startSignalingServer } from './server.js';

function fail(message: string, exitCode: number): never {
  process.stderr.write(`peercall-signaling: ${message}\n`);
  process.exit(exitCode);
}

function readConfig(): SignalingConfig {
  try {
    return parseConfig(process.env, process.argv.slice(2));
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message, 2);
    throw error;
  }
}

async function main(): Promise<void> {
  const config = readConfig();
  const server = await startSignalingServer(config);
  process.stdout.write(
    `PeerCall signaling listening on ${server.url} (allowed origins: ${config.allowedOrigins.join(', ')})\n`,
  );
  const stop = (): void => {
    // PeerServer keeps internal timers that never stop, so leave explicitly once closed.
    server.close().then(
      () => process.exit(0),
      (error: unknown) => fail(`could not shut down cleanly: ${String(error)}`, 1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => fail(`could not start: ${error instanceof Error ? error.message : String(error)}`, 1));
