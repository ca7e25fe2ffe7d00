/**
 * Birdcall's content script on X. It only reads the page and forwards requests to the background
 * (who is signed in, "call this handle"); all call logic lives in the extension's own contexts.
 */
import { browser } from 'wxt/browser';
import { defineContentScript } from 'wxt/utils/define-content-script';
import type { PageRequest } from '@/lib/messages';
import { watchServiceAvailability } from './call-buttons';
import { startFeatures } from './feature';
import { createFeatures } from './features';
import './style.css';

export default defineContentScript({
  matches: ['https://x.com/*', 'https://twitter.com/*'],
  runAt: 'document_idle',
  main(ctx) {
    watchServiceAvailability(document, ctx.signal);
    const runner = startFeatures(createFeatures(), { document, send: (message: PageRequest) => browser.runtime.sendMessage(message) }, ctx.signal);
    // X navigates with history.pushState; WXT reports it through the Navigation API (or polling).
    ctx.addEventListener(window, 'wxt:locationchange', ({ newUrl }) => runner.navigate(newUrl.pathname));
  },
});
