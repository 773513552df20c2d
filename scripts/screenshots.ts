/**
 * `npm run screenshots`: refreshes the README's pictures in docs/screenshots by running
 * the end-to-end specs that take them, against the real built extension.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const specs = ['tests/e2e/welcome.test.ts', 'tests/e2e/lobby.test.ts', 'tests/e2e/call.test.ts', 'tests/e2e/layout.test.ts', 'tests/e2e/ask-to-join.test.ts'];
const result = spawnSync('npx', ['vitest', 'run', '--project', 'e2e', ...specs], {
  stdio: 'inherit',
  env: { ...process.env, PEERCALL_SCREENSHOTS_DIR: resolve('docs/screenshots') },
});
process.exit(result.status ?? 1);
