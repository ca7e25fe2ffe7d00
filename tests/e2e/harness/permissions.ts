/**
 * Camera and microphone permission for Birdcall's own pages (the extension origin), set as a person
 * would in the browser's site settings, through the DevTools protocol (Browser.setPermission).
 *
 * Launch such a browser with `fakeMediaUi: false`: Chromium's fake-UI flag grants getUserMedia
 * whatever the setting says. Without it, in headless Chromium: "denied" refuses at once and
 * navigator.permissions says "denied"; "prompt" refuses in the offscreen document (it cannot ask)
 * and, on a visible page, refuses and is saved as "denied"; "granted" lets the fake devices open.
 */
import type { CDPSession } from 'puppeteer-core';
import type { BirdcallBrowser } from './browser';

export type MediaSetting = 'granted' | 'denied' | 'prompt';

/** One session per browser, kept open: Chromium drops a session's permission overrides when it detaches. */
const sessions = new WeakMap<BirdcallBrowser, Promise<CDPSession>>();

export async function setMediaPermission(browser: BirdcallBrowser, settings: { camera?: MediaSetting; microphone?: MediaSetting }): Promise<void> {
  let session = sessions.get(browser);
  if (!session) sessions.set(browser, (session = browser.browser.target().createCDPSession()));
  for (const [name, setting] of Object.entries(settings)) {
    await (await session).send('Browser.setPermission', { permission: { name }, setting, origin: browser.extensionOrigin });
  }
}
