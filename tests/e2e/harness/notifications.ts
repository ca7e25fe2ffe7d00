/**
 * What Birdcall's notifications say. Chrome lets no one read a shown notification's words back
 * (getAll() gives ids only), so the service worker's chrome.notifications.create is wrapped, from
 * outside the product, to keep the options of every notification it shows.
 */
import type { BirdcallBrowser } from './browser';

export interface ShownNotification {
  id: string;
  title: string;
  message: string;
  buttons: string[];
}

interface Recorder {
  shown: ShownNotification[];
}

type NotificationsLike = { create: (id: string, options: { title?: string; message?: string; buttons?: { title: string }[] }) => Promise<string> };
declare const chrome: { notifications: NotificationsLike };

/**
 * Starts recording in `browser`'s service worker (once; a worker that is stopped forgets) and
 * returns a reader of everything shown since.
 */
export async function recordNotifications(browser: BirdcallBrowser): Promise<() => Promise<ShownNotification[]>> {
  await browser.evaluateInWorker(() => {
    const scope = globalThis as { birdcallNotificationRecorder?: Recorder };
    if (scope.birdcallNotificationRecorder) return;
    const recorder: Recorder = { shown: [] };
    scope.birdcallNotificationRecorder = recorder;
    const create = chrome.notifications.create.bind(chrome.notifications);
    chrome.notifications.create = (id, options) => {
      recorder.shown.push({ id, title: options.title ?? '', message: options.message ?? '', buttons: (options.buttons ?? []).map((b) => b.title) });
      return create(id, options);
    };
  });
  return () => browser.evaluateInWorker(() => (globalThis as { birdcallNotificationRecorder?: Recorder }).birdcallNotificationRecorder?.shown ?? []);
}

/** Ids of the ringing calls' notifications shown now (a missed-call notification stays after its ring is over). */
export async function ringingNotifications(browser: BirdcallBrowser): Promise<string[]> {
  return (await browser.notifications()).filter((id) => id.startsWith('birdcall-incoming-'));
}
