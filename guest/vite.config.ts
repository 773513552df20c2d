/**
 * The guest web page: the call tab's lobby and call screen as a plain page, served by the
 * signaling server at /join, for people who open an invite link without the extension.
 * A second Vite build beside WXT's, from the same components and call core.
 */
import { resolve } from 'node:path';
import { defineConfig, type UserConfig } from 'vite';

/** Where the build goes: PEERCALL_GUEST_OUT_DIR, else guest/ in the output folder (PEERCALL_OUT_DIR as for the extension). */
export function guestOutDir(): string {
  return process.env.PEERCALL_GUEST_OUT_DIR ?? resolve(import.meta.dirname, '..', process.env.PEERCALL_OUT_DIR ?? '.output', 'guest');
}

export function guestViteConfig(outDir = guestOutDir()): UserConfig {
  return {
    root: import.meta.dirname,
    base: '/join/',
    // Nothing from the environment goes into the page.
    envPrefix: 'PEERCALL_GUEST_NEVER_',
    publicDir: false,
    esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
    build: {
      outDir,
      emptyOutDir: true,
      // Every browser that can make the call loads ES modules; no inline polyfill under our CSP.
      modulePreload: { polyfill: false },
      target: 'es2022',
    },
  };
}

export default defineConfig(guestViteConfig());
