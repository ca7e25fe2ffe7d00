/**
 * Firefox asks for the camera and microphone in the tab that wants them, and shows that prompt only
 * while the tab is the one on screen. There the media host is a pinned tab (host-role.ts), rarely on
 * screen: a prompt in it would wait unseen and the call would hang. So opening devices that Firefox
 * may ask for brings this tab forward while it asks, then gives the screen back to what was there.
 *
 * Firefox's permissions.query says "granted" after any earlier Allow, remembered or not, though an
 * Allow that was not remembered asks again (measured in Firefox 153): so "granted" only means it
 * probably will not ask. A device still not open after a moment is taken for a prompt, and these
 * devices say they may ask, so a caller opens them before anyone is rung (caller-media.ts).
 */
import { browser } from 'wxt/browser';
import type { CallKind } from '@/lib/call-state';
import type { MediaDevices } from '@/lib/media-devices';

/** How long devices said to be granted may take to open before a prompt is assumed. */
export const PROMPT_SUSPECTED_MS = 1_000;

/** Brings this tab and its window forward; resolves with how to give the screen back. */
async function showThisTab(): Promise<() => Promise<void>> {
  const tab = await browser.tabs.getCurrent();
  if (tab?.id === undefined || tab.active === undefined) return async () => {};
  const [previousTab] = await browser.tabs.query({ active: true, windowId: tab.windowId });
  const previousWindow = await browser.windows.getLastFocused();
  await browser.tabs.update(tab.id, { active: true });
  if (tab.windowId !== undefined) await browser.windows.update(tab.windowId, { focused: true });
  return async () => {
    // Only while this tab is still the one shown (the person may have moved on), and each only if still there.
    if (!(await browser.tabs.get(tab.id!)).active) return;
    if (previousTab?.id !== undefined && previousTab.id !== tab.id) await browser.tabs.update(previousTab.id, { active: true }).catch(() => undefined);
    if (previousWindow.id !== undefined && previousWindow.id !== tab.windowId)
      await browser.windows.update(previousWindow.id, { focused: true }).catch(() => undefined);
  };
}

export function withVisiblePrompt(devices: MediaDevices, suspectAfterMs = PROMPT_SUSPECTED_MS): MediaDevices {
  return {
    ...devices,
    async permission(kind: CallKind) {
      const permission = await devices.permission(kind);
      return permission === 'granted' ? 'ask' : permission;
    },
    async open(kind: CallKind) {
      const permission = await devices.permission(kind);
      // Blocked: Firefox refuses without asking, so there is nothing to show.
      if (permission === 'denied') return devices.open(kind);
      let settled = false;
      const opening = devices.open(kind).finally(() => (settled = true));
      const asked = new Promise<void>((resolve) => (permission === 'granted' ? setTimeout(resolve, suspectAfterMs) : resolve()));
      const shown = asked.then(() => (settled ? null : showThisTab().catch(() => null)));
      try {
        return await opening;
      } finally {
        void shown.then((giveBack) => giveBack?.().catch(() => undefined));
      }
    },
  };
}
