/**
 * The Platform on Firefox: Chromium's, except for the two things Firefox does differently.
 *
 * The media host. Firefox has no offscreen documents, and its background (an event page) is
 * stopped 30 s after it last woke, open WebSocket or not, and may not open the camera. So the page
 * that holds the control socket, the Peer and the media (offscreen.html, the same code as on
 * Chromium) runs in a pinned tab, which the background opens whenever it needs it and finds again
 * by its URL.
 *
 * Notifications. Firefox's have no buttons and do not stay up: the notification says to click it,
 * and a click opens the incoming-call screen, which has Accept and Decline (the body click the
 * background already handles).
 *
 * A tab can be closed: the background hears of it (onHostClosed) and stays offline, saying why, until
 * the person asks for it again.
 */
import { browser } from 'wxt/browser';
import { missedNotificationText } from '@/components/words';
import { t } from '@/lib/i18n';
import { OFFSCREEN_PATH } from '@/lib/media-bridge';
import { mediaHostOpened } from '@/lib/store';
import { chromePlatform, incomingNotificationId, incomingNotificationText, missedNotificationId, sendToHost, type Platform } from './platform';

/** How long a just-opened host tab may take before its page is up. */
const HOST_LOAD_MS = 5_000;

const hostUrl = () => browser.runtime.getURL(OFFSCREEN_PATH);
const iconUrl = () => browser.runtime.getURL('/icon/128.png');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function hostTabExists(): Promise<boolean> {
  const contexts = await browser.runtime.getContexts({ contextTypes: ['TAB'], documentUrls: [hostUrl()] });
  return contexts.length > 0;
}

let openingHost: Promise<void> | null = null;

/** Opens the host tab once; concurrent callers share it until its page is up, so no second tab opens meanwhile. */
async function ensureHostTab(): Promise<void> {
  if (await hostTabExists()) return void (await mediaHostOpened.setValue(true));
  openingHost ??= (async () => {
    const tab = await browser.tabs.create({ url: hostUrl(), pinned: true, active: false });
    // Firefox unloads idle tabs when memory runs low; this one must stay to be reachable.
    if (tab.id !== undefined) await browser.tabs.update(tab.id, { autoDiscardable: false });
    for (let waited = 0; waited < HOST_LOAD_MS && !(await hostTabExists()); waited += 100) await sleep(100);
    await mediaHostOpened.setValue(true);
  })().finally(() => {
    openingHost = null;
  });
  await openingHost;
}

export const firefoxPlatform: Platform = {
  ...chromePlatform,
  callWindowBeforeDial: true,

  async showIncomingNotification(call) {
    const { title, message } = incomingNotificationText(call);
    await browser.notifications.create(incomingNotificationId(call.callId), {
      type: 'basic',
      iconUrl: iconUrl(),
      title,
      message: `${message}\n${t('clickToAnswer')}`,
    });
  },

  async showMissedNotification(record) {
    // No "Call back" button: a click opens the popup, which calls back in one click.
    const { title, message } = missedNotificationText(record);
    await browser.notifications.create(missedNotificationId(record.handle), { type: 'basic', iconUrl: iconUrl(), title, message });
  },

  offscreenExists: hostTabExists,
  sendToOffscreen: (command) => sendToHost(ensureHostTab, command),

  // Once open in this browser session and gone now: closed by hand (or with its window), not by Birdcall.
  hostWasClosed: async () => (await mediaHostOpened.getValue()) && !(await hostTabExists()),

  onHostClosed(closed) {
    // Any tab: a closed tab's URL is gone by then. A second copy closing itself leaves the host up.
    browser.tabs.onRemoved.addListener(() => closed());
  },
};
