import { defineConfig } from 'wxt';
import { shortcuts } from './lib/extension/call-remote';
import { builtInDefaultServer } from './scripts/default-server';

// Read before anything is built, so a bad address stops the build at once.
const defaultServer = builtInDefaultServer(process.env);

const extensionPagesCsp = "script-src 'self' 'wasm-unsafe-eval'; object-src 'self'";

export default defineConfig({
  // PEERCALL_OUT_DIR lets a second test run build and load its own copy beside this one.
  outDir: process.env.PEERCALL_OUT_DIR ?? '.output',
  manifest: ({ browser }) => ({
    // Firefox needs a fixed add-on ID for storage and for a stable moz-extension:// address.
    ...(browser === 'firefox' ? { browser_specific_settings: { gecko: { id: 'peercall@peercall.dev', strict_min_version: '128.0' } } } : {}),
    // Localized from public/_locales/<lang>/messages.json; the browser's language picks.
    name: '__MSG_appName__',
    description: '__MSG_appDescription__',
    default_locale: 'en',
    // storage holds settings; nothing else is needed: the call tab is our own page,
    // and the signaling server answers CORS for our origin.
    permissions: ['storage'],
    // Our own scripts only; WebAssembly is allowed for the file hash (hash-wasm), which
    // runs bundled code, never fetched code. Chromium's default forbids WebAssembly.
    content_security_policy: { extension_pages: extensionPagesCsp },
    action: { default_title: 'PeerCall' },
    // Shortcuts need no permission. The badge needs none either, and focusing the call
    // tab (our own page) works without "tabs".
    commands: Object.fromEntries(
      shortcuts.map(({ command, suggestedKey, messageName }) => [command, { suggested_key: { default: suggestedKey }, description: `__MSG_${messageName}__` }]),
    ),
  }),
  vite: () => ({
    esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
    // lib/call/settings.ts keeps its local default unless this names another server.
    define: defaultServer === null ? {} : { __PEERCALL_DEFAULT_SERVER__: JSON.stringify(defaultServer) },
  }),
});
