/**
 * The guest web page: the call tab's lobby and call screen as a plain page, served by the
 * signaling server at /join, for people who open an invite link without the extension.
 * A second Vite build beside WXT's, from the same components and call core.
 */
import { resolve } from 'node:path';
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: '/join/',
  // The extension's build and this one share .env-free defaults; nothing is read from the environment into the page.
  envPrefix: 'PEERCALL_GUEST_NEVER_',
  publicDir: false,
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: process.env.PEERCALL_GUEST_OUT_DIR ?? resolve(import.meta.dirname, '..', process.env.PEERCALL_OUT_DIR ?? '.output', 'guest'),
    emptyOutDir: true,
    // Every browser that can make the call loads ES modules; no inline polyfill under our CSP.
    modulePreload: { polyfill: false },
    target: 'es2022',
  },
});
