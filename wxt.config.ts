import { existsSync } from 'node:fs';
import { defineConfig } from 'wxt';
import { defaultSignalUrl } from './lib/signal-config';

// BIRDCALL_SIGNAL_URL (Birdcall's service) is read at build time; unset means http://127.0.0.1:9000/ (npm run signal).
const signalUrl = defaultSignalUrl(process.env.BIRDCALL_SIGNAL_URL);
const DEBIAN_CHROMIUM = '/usr/lib/chromium/chromium';
const chromium = process.env.CHROME_PATH ?? (existsSync(DEBIAN_CHROMIUM) ? DEBIAN_CHROMIUM : undefined);

/**
 * Firefox (`wxt build -b firefox --mv3`) has no offscreen documents (a pinned tab holds calls
 * there), and its extension pages upgrade ws:// and http:// by default, which would cut Birdcall
 * off from a service on http://127.0.0.1 or a LAN address as Chromium reaches it.
 */
const FIREFOX_MANIFEST = {
  browser_specific_settings: {
    gecko: { id: 'birdcall@birdcall', strict_min_version: '140.0', data_collection_permissions: { required: ['none'] } },
  },
  content_security_policy: { extension_pages: "script-src 'self'" },
};

export default defineConfig({
  modules: ['@wxt-dev/webextension-polyfill'],
  outDir: process.env.BIRDCALL_OUT_DIR ?? '.output',
  manifest: ({ browser }) => ({
    // Localized from public/_locales (en, es, ja, pt_BR, ar); the content script bundles the same files.
    name: '__MSG_extName__',
    description: '__MSG_extDescription__',
    default_locale: 'en',
    permissions: [...(browser === 'firefox' ? [] : ['offscreen']), 'notifications', 'storage', 'identity'],
    host_permissions: ['https://x.com/*', 'https://twitter.com/*'],
    action: { default_title: 'Birdcall' },
    ...(browser === 'firefox' ? FIREFOX_MANIFEST : {}),
  }),
  // Firefox's store wants the sources that build the add-on: the extension's own folders, not the service, tests or bench.
  zip: { excludeSources: ['bench/**', 'docs/**', 'server/**', 'tests/**'] },
  // `npm run dev` opens this Chromium (CHROME_PATH, else Debian's) with Birdcall loaded, on x.com.
  webExt: {
    binaries: chromium ? { chrome: chromium } : {},
    startUrls: ['https://x.com/'],
    // Chromium refuses to start its sandbox as root (containers, CI machines).
    chromiumArgs: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
  },
  vite: () => ({
    define: { __BIRDCALL_SIGNAL_URL__: JSON.stringify(signalUrl) },
    esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  }),
});
