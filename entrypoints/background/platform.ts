/**
 * The browser surfaces the background drives, behind one interface so the call controller can be
 * tested with fakes: notifications, the call window, the offscreen document, badge and tabs.
 */
import { browser } from 'wxt/browser';
import type { CallInfo } from '@/lib/call-state';
import { isHandle, type Handle } from '@/lib/handle';
import type { CallRecord } from '@/lib/history';
import { t } from '@/lib/i18n';
import { isOffscreenAck, type OffscreenCommand } from '@/lib/messages';
import { missedNotificationText } from '@/components/words';

export interface Platform {
  showIncomingNotification(call: CallInfo): Promise<void>;
  clearIncomingNotification(callId: string): Promise<void>;
  /** One notification per caller with missed calls (the latest, collapsed, record), with a "Call back" button. */
  showMissedNotification(record: CallRecord): Promise<void>;
  /** Clears the missed-call notification about `handle`, or every one. */
  clearMissedNotifications(handle?: Handle): Promise<void>;
  /** The toolbar popup, where missed calls are listed. */
  openPopup(): Promise<void>;
  /** Opens the call window, or focuses it when it is still open; returns its window id. */
  openCallWindow(existingId: number | null): Promise<number>;
  /**
   * Whether a call's window opens before its dial reaches the media host. Chromium rings first
   * (opening a window takes longer than the whole signaling round trip). On Firefox a dial may bring
   * the pinned tab forward with the camera prompt, which the window opening after would cover.
   */
  readonly callWindowBeforeDial: boolean;
  /** Whether the media host (the offscreen document; on Firefox the pinned tab of the same page) is up. */
  offscreenExists(): Promise<boolean>;
  /** Sends a command to the media host, bringing it up first when needed. */
  sendToOffscreen(command: OffscreenCommand): Promise<void>;
  /**
   * Whether someone closed the media host since the browser started: on Firefox, its pinned tab.
   * Chromium's offscreen document cannot be closed by hand (never).
   */
  hostWasClosed(): Promise<boolean>;
  /** Calls `closed` when hostWasClosed() may have become true. */
  onHostClosed(closed: () => void): void;
  setMissedBadge(count: number): Promise<void>;
  openPermissionPage(): Promise<void>;
  /** Where X sign-in ends: this extension's chromiumapp.org (Firefox: extensions.allizom.org) address. */
  signInRedirectUri(): string;
  /** Runs the sign-in flow from `url` to signInRedirectUri(); resolves with the URL it ended at. */
  launchSignIn(url: string): Promise<string>;
}

/** The notification's words; "unverified" whenever X did not vouch for the caller's handle. */
export function incomingNotificationText({ peer, kind, verified }: Pick<CallInfo, 'peer' | 'kind' | 'verified'>) {
  const video = kind === 'video';
  const title = verified ? (video ? 'incomingVideoTitle' : 'incomingVoiceTitle') : video ? 'incomingVideoTitleUnverified' : 'incomingVoiceTitleUnverified';
  const message = t(video ? 'incomingVideoMessage' : 'incomingVoiceMessage');
  return { title: t(title, peer), message: verified ? message : t('unverifiedNote', message) };
}

/** What a notification is about, told by its id: a ringing call, or someone whose calls were missed. */
export type NotificationSubject = { type: 'incoming'; callId: string } | { type: 'missed'; handle: Handle };

const INCOMING_PREFIX = 'birdcall-incoming-';
const MISSED_PREFIX = 'birdcall-missed-';
export const incomingNotificationId = (callId: string) => INCOMING_PREFIX + callId;
export const missedNotificationId = (handle: Handle) => MISSED_PREFIX + handle;

export function subjectOfNotification(id: string): NotificationSubject | null {
  if (id.startsWith(INCOMING_PREFIX)) return { type: 'incoming', callId: id.slice(INCOMING_PREFIX.length) };
  const handle = id.startsWith(MISSED_PREFIX) ? id.slice(MISSED_PREFIX.length) : null;
  return isHandle(handle) ? { type: 'missed', handle } : null;
}

const OFFSCREEN_URL = '/offscreen.html';
const CALL_WINDOW = { width: 420, height: 640 };

let creatingOffscreen: Promise<void> | null = null;

async function offscreenExists(): Promise<boolean> {
  const contexts = await browser.runtime.getContexts({ contextTypes: [browser.runtime.ContextType.OFFSCREEN_DOCUMENT] });
  return contexts.length > 0;
}

/** Creates the offscreen document once; concurrent callers share the one creation. */
async function ensureOffscreen(): Promise<void> {
  if (await offscreenExists()) return;
  creatingOffscreen ??= browser.offscreen
    .createDocument({
      url: OFFSCREEN_URL,
      reasons: [browser.offscreen.Reason.USER_MEDIA, browser.offscreen.Reason.WEB_RTC, browser.offscreen.Reason.AUDIO_PLAYBACK],
      justification: 'Holds the peer-to-peer connection, camera and microphone during calls, and plays the ringtone.',
    })
    .catch((error: unknown) => {
      // Two wake-ups racing each other: the other one created it.
      if (!String(error).includes('Only a single offscreen')) throw error;
    })
    .finally(() => {
      creatingOffscreen = null;
    });
  await creatingOffscreen;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends `command` to the media host once `ensureHost` has brought it up. */
export async function sendToHost(ensureHost: () => Promise<void>, command: OffscreenCommand): Promise<void> {
  await ensureHost();
  // A just-created page may not listen yet, and other pages may answer first with nothing: only
  // the media host's own acknowledgement counts.
  let lastError: unknown = null;
  for (let attempt = 0; attempt < 30; attempt++) {
    try {
      const reply: unknown = await browser.runtime.sendMessage(command);
      if (isOffscreenAck(reply)) return;
    } catch (error) {
      lastError = error;
    }
    await sleep(100);
  }
  throw new Error(`The offscreen document did not answer: ${String(lastError ?? 'no reply')}`);
}

export const chromePlatform: Platform = {
  callWindowBeforeDial: false,
  async showIncomingNotification(call) {
    await browser.notifications.create(incomingNotificationId(call.callId), {
      type: 'basic',
      iconUrl: browser.runtime.getURL('/icon/128.png'),
      ...incomingNotificationText(call),
      buttons: [{ title: t('accept') }, { title: t('decline') }],
      requireInteraction: true,
      priority: 2,
    });
  },

  async clearIncomingNotification(callId) {
    await browser.notifications.clear(incomingNotificationId(callId));
  },

  async showMissedNotification(record) {
    const { title, message, callBack } = missedNotificationText(record);
    // The same id for the same person: a newer missed call replaces the older notification.
    await browser.notifications.create(missedNotificationId(record.handle), {
      type: 'basic',
      iconUrl: browser.runtime.getURL('/icon/128.png'),
      title,
      message,
      buttons: [{ title: callBack }],
    });
  },

  async clearMissedNotifications(handle) {
    const ids = handle ? [missedNotificationId(handle)] : Object.keys(await browser.notifications.getAll()).filter((id) => id.startsWith(MISSED_PREFIX));
    await Promise.all(ids.map((id) => browser.notifications.clear(id)));
  },

  async openPopup() {
    await browser.action.openPopup();
  },

  async openCallWindow(existingId) {
    if (existingId !== null) {
      try {
        await browser.windows.update(existingId, { focused: true });
        return existingId;
      } catch {
        // The window is gone; open a new one.
      }
    }
    const created = await browser.windows.create({
      url: browser.runtime.getURL('/call.html'),
      type: 'popup',
      focused: true,
      ...CALL_WINDOW,
    });
    if (created?.id === undefined) throw new Error('The call window could not be opened.');
    return created.id;
  },

  offscreenExists,

  sendToOffscreen: (command) => sendToHost(ensureOffscreen, command),

  hostWasClosed: async () => false,
  onHostClosed() {},

  async setMissedBadge(count) {
    await browser.action.setBadgeBackgroundColor({ color: '#f4212e' });
    await browser.action.setBadgeText({ text: count > 0 ? String(count) : '' });
  },

  async openPermissionPage() {
    // One permission tab at most: another failed call brings the open one forward.
    const url = browser.runtime.getURL('/permission.html');
    const [open] = await browser.runtime.getContexts({ contextTypes: [browser.runtime.ContextType.TAB], documentUrls: [url] });
    if (open?.tabId === undefined || open.tabId < 0) {
      await browser.tabs.create({ url });
      return;
    }
    await browser.tabs.update(open.tabId, { active: true });
    await browser.windows.update(open.windowId, { focused: true });
  },

  signInRedirectUri: () => browser.identity.getRedirectURL('x'),

  async launchSignIn(url) {
    const redirectedTo = await browser.identity.launchWebAuthFlow({ url, interactive: true });
    if (!redirectedTo) throw new Error('the sign-in window closed');
    return redirectedTo;
  },
};
