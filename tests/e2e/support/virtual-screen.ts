/**
 * A screen for a headed browser on a machine without one: Xvfb on the first free display
 * number, which Xvfb itself picks and reports (-displayfd), so nothing guesses at numbers.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface VirtualScreen {
  /** For DISPLAY, e.g. ":99". */
  readonly display: string;
  stop(): Promise<void>;
}

export function xvfbPath(): string {
  const found = process.env.XVFB_PATH ?? ['/usr/bin/Xvfb'].find((path) => existsSync(path));
  if (!found) throw new Error('No Xvfb found: apt-get install xvfb, or set XVFB_PATH');
  return found;
}

export async function startVirtualScreen(timeoutMs = 10_000): Promise<VirtualScreen> {
  const xvfb: ChildProcess = spawn(xvfbPath(), ['-displayfd', '3', '-screen', '0', '1280x800x24', '-nolisten', 'tcp'], {
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
  });
  let errors = '';
  xvfb.stderr!.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  const number = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Xvfb did not start within ${timeoutMs} ms: ${errors}`)), timeoutMs);
    let written = '';
    xvfb.stdio[3]!.on('data', (chunk: Buffer) => {
      written += chunk.toString();
      if (!written.includes('\n')) return;
      clearTimeout(timer);
      resolve(written.trim());
    });
    xvfb.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Xvfb exited with ${code}: ${errors}`));
    });
  });
  return {
    display: `:${number}`,
    stop: async () => {
      if (xvfb.exitCode !== null) return;
      const exited = new Promise((resolve) => xvfb.once('exit', resolve));
      xvfb.kill('SIGTERM');
      await exited;
    },
  };
}
