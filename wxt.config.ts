import { defineConfig } from 'wxt';
import { defaultSignalUrl } from './lib/signal-config';

// BIRDCALL_SIGNAL_URL is read at build time; unset means the public PeerJS server.
const signalUrl = defaultSignalUrl(process.env.BIRDCALL_SIGNAL_URL);

export default defineConfig({
  modules: ['@wxt-dev/webextension-polyfill'],
  outDir: process.env.BIRDCALL_OUT_DIR ?? '.output',
  manifest: {
    name: 'Birdcall',
    description: 'Voice and video calls with anyone you find on X, peer to peer.',
    permissions: ['offscreen', 'notifications', 'storage'],
    host_permissions: ['https://x.com/*', 'https://twitter.com/*'],
    action: { default_title: 'Birdcall' },
  },
  vite: () => ({
    define: { __BIRDCALL_SIGNAL_URL__: JSON.stringify(signalUrl) },
    esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  }),
});
