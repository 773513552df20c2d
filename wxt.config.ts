import { defineConfig } from 'wxt';

export default defineConfig({
  manifest: {
    name: 'PeerCall',
    description: 'Quick peer-to-peer video calls, straight from your browser.',
    // storage holds settings; nothing else is needed: the call tab is our own page,
    // and the signaling server answers CORS for our origin.
    permissions: ['storage'],
    action: { default_title: 'PeerCall' },
  },
  vite: () => ({
    esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  }),
});
