// @vitest-environment node
import { spawn, type ChildProcess } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const repoRoot = new URL('../../', import.meta.url);
const processLimitMs = 15_000;

interface Exit {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function run(child: ChildProcess): { exited: Promise<Exit>; stdoutLine: Promise<string> } {
  let stdout = '';
  let stderr = '';
  let onLine: (line: string) => void = () => {};
  const stdoutLine = new Promise<string>((resolve) => (onLine = resolve));
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += String(chunk);
    if (stdout.includes('\n')) onLine(stdout.split('\n')[0] ?? '');
  });
  child.stderr?.on('data', (chunk: Buffer) => (stderr += String(chunk)));
  const timer = setTimeout(() => child.kill('SIGKILL'), processLimitMs);
  const exited = new Promise<Exit>((resolve) =>
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    }),
  );
  return { exited, stdoutLine };
}

describe('peercall-signaling command', () => {
  it(
    'exits with 2 and names the flag when --port is not a number',
    async () => {
      const child = spawn('npx', ['tsx', 'signaling/main.ts', '--port', 'nope'], { cwd: repoRoot });
      const { code, stderr } = await run(child).exited;
      expect(code).toBe(2);
      expect(stderr).toContain('peercall-signaling: --port must be an integer 0-65535, got "nope"');
    },
    processLimitMs + 5_000,
  );

  it(
    'announces its address, serves, and exits 0 on SIGTERM',
    async () => {
      // Node with tsx's loader, not npx: the signal must reach the server process itself.
      const child = spawn(process.execPath, ['--import', 'tsx', 'signaling/main.ts', '--port', '0'], {
        cwd: repoRoot,
        env: { ...process.env, PEERCALL_ALLOWED_ORIGINS: 'https://app.example.com' },
      });
      const { exited, stdoutLine } = run(child);
      const line = await stdoutLine;
      expect(line).toMatch(
        /^PeerCall signaling listening on http:\/\/127\.0\.0\.1:\d+\/peerjs \(allowed origins: https:\/\/app\.example\.com\)$/,
      );
      const url = new URL(line.split(' ')[4] ?? '');
      const health = await fetch(`${url.origin}/health`, { signal: AbortSignal.timeout(3_000) });
      expect(await health.json()).toEqual({ status: 'ok', live: true, ready: true, peers: 0 });
      child.kill('SIGTERM');
      expect((await exited).code).toBe(0);
    },
    processLimitMs + 5_000,
  );
});
