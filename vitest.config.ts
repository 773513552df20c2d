import { defineConfig } from 'vitest/config';
import { WxtVitest } from 'wxt/testing/vitest-plugin';

export default defineConfig({
  plugins: [WxtVitest()],
  test: {
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['tests/unit/**/*.test.ts', 'tests/signaling/**/*.test.ts'], environment: 'node' },
      },
      {
        // The tests that start the server as a process of its own, again against the built output.
        extends: true,
        test: {
          name: 'built-server',
          include: ['tests/signaling/{connections,logs,resources,redis,redis-hostile}.test.ts'],
          environment: 'node',
          globalSetup: ['tests/signaling/built-server-setup.ts'],
          env: { PEERCALL_SERVER_BUILD: '.output/server-under-test/main.mjs' },
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['tests/e2e/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
