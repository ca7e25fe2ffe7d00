import { browser } from 'wxt/browser';
import { t } from '@/lib/i18n';
import { parseBackgroundMessage } from '@/lib/messages';
import { createCallController } from './call-controller';
import { firefoxPlatform } from './firefox-platform';
import { chromePlatform, subjectOfNotification } from './platform';

// WXT builds once per browser, so each build keeps only its own.
const platform = import.meta.env.FIREFOX ? firefoxPlatform : chromePlatform;

export default defineBackground(() => {
  const controller = createCallController(platform);
  const ownOrigin = browser.runtime.getURL('/');

  // Listeners are registered synchronously on every wake, as Chrome requires.
  browser.runtime.onMessage.addListener((data: unknown, sender) => {
    const parsed = parseBackgroundMessage(data, sender, browser.runtime.id, ownOrigin);
    if (!parsed.ok) {
      // Messages for the offscreen document pass by here too; only complain about ones meant for us.
      if ((data as { to?: unknown } | null)?.to === 'background') console.warn('Birdcall: dropped message:', parsed.error);
      return undefined;
    }
    return controller.handle(parsed.message).catch((error: unknown) => {
      console.error('Birdcall:', parsed.message.type, 'failed:', error);
      return { ok: false, error: t('requestFailed', String(error instanceof Error ? error.message : error)) };
    });
  });

  browser.notifications.onButtonClicked.addListener((id, buttonIndex) => {
    const subject = subjectOfNotification(id);
    if (subject) void controller.onNotificationButton(subject, buttonIndex);
  });
  browser.notifications.onClicked.addListener((id) => {
    const subject = subjectOfNotification(id);
    if (subject) void controller.onNotificationClicked(subject);
  });
  browser.windows.onRemoved.addListener((windowId) => void controller.onWindowRemoved(windowId));
  platform.onHostClosed(() => void controller.hostClosed());

  browser.runtime.onInstalled.addListener(({ reason }) => {
    if (reason === 'install') void platform.openPermissionPage();
  });
  browser.runtime.onStartup.addListener(() => void controller.start());
  void controller.start();
});
