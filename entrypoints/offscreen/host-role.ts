/**
 * Whether this page is the media host: the one page that runs calls. On Chromium that is the
 * offscreen document; the same page opened in a tab has more APIs than chrome.runtime and stays
 * idle. Firefox has no offscreen documents, so its background pins a tab with this page
 * (../background/firefox-platform.ts): the first copy to take a Web Lock runs calls and holds the
 * lock for as long as it lives, and any other copy (a duplicate restored with the session, one
 * opened by hand) closes its own tab.
 */
import { browser } from 'wxt/browser';

const HOST_LOCK = 'birdcall-media-host';

export async function claimMediaHost(): Promise<boolean> {
  if (!import.meta.env.FIREFOX) return (globalThis as { chrome?: { tabs?: unknown } }).chrome?.tabs === undefined;
  const claimed = await new Promise<boolean>((resolve) => {
    void navigator.locks.request(HOST_LOCK, { ifAvailable: true }, (lock) => {
      resolve(lock !== null);
      // Resolving never keeps the lock until the page goes away.
      return lock ? new Promise<never>(() => undefined) : undefined;
    });
  });
  if (!claimed) {
    const tab = await browser.tabs.getCurrent();
    if (tab?.id !== undefined) await browser.tabs.remove(tab.id);
  }
  return claimed;
}
