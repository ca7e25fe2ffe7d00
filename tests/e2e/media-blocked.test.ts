/**
 * A camera or microphone blocked for Birdcall, on either side of a call, as each person sees it:
 * the caller's call fails at once and nobody is rung; the permission page (one tab, brought
 * forward) says what is blocked and how to unblock it, and notices when that is done; a callee
 * who cannot be heard leaves the caller with why, not just "Call ended".
 *
 * The blocked browser runs without Chromium's fake-UI flag (which would grant anyway), and its
 * site settings for Birdcall are set through the DevTools protocol (harness setMediaPermission).
 */
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  acceptFromNotification,
  clickDeep,
  closeCallWindows,
  openProfile,
  setMediaPermission,
  signIn,
  sleep,
  startService,
  testid,
  waitForState,
  type Person,
  type RunningService,
} from './harness';

const permissionPages = async (person: Person) => (await person.browser.browser.pages()).filter((page) => page.url().includes('/permission.html'));
const permissionState = (page: Page) =>
  page.$eval(testid('birdcall-permission-state'), (status) => ({ state: status.getAttribute('data-state'), words: status.textContent }));
const phaseOf = (page: Page) => page.$eval(testid('birdcall-phase'), (phase) => phase.textContent);

describe('a blocked camera or microphone', () => {
  let service: RunningService;
  /** Without the fake-UI flag: what the site settings say is what Birdcall gets. */
  let dave: Person;
  let erin: Person;

  beforeAll(async () => {
    service = await startService();
    [dave, erin] = await Promise.all([signIn('mb_dave', { service: service.url, fakeMediaUi: false }), signIn('mb_erin', { service: service.url })]);
    // The tab a fresh install opens: these tests open their own.
    for (const page of await permissionPages(dave)) await page.close();
  });
  afterAll(async () => {
    await Promise.all([dave?.browser.close(), erin?.browser.close()]);
    await service?.close();
  });

  it("the caller's camera blocked: the call fails at once saying so, nobody is rung, and one permission tab says how to unblock it", async () => {
    await setMediaPermission(dave.browser, { camera: 'denied', microphone: 'granted' });
    const profile = await openProfile(dave, 'mb_erin');
    await clickDeep(profile, testid('birdcall-call-video'));
    const daveWindow = await dave.browser.waitForPage('/call.html');
    await waitForState(daveWindow, 'ended', { reason: 'failed', timeoutMs: 5_000 });
    expect(await phaseOf(daveWindow)).toMatch(/may not use your camera or microphone/);

    const permission = await dave.browser.waitForPage('/permission.html');
    await permission.waitForSelector(`${testid('birdcall-permission-state')}[data-state="blocked"]`);
    expect(await permissionState(permission)).toEqual({ state: 'blocked', words: 'Your camera is blocked for Birdcall.' });
    expect(await permission.$eval(testid('birdcall-unblock'), (how) => how.textContent)).toMatch(/address bar/);
    expect(await permission.$(testid('birdcall-allow-media'))).toBeNull();
    // Where to unblock it: Chromium's settings for Birdcall's pages.
    await permission.click(testid('birdcall-site-settings'));
    const settings = await dave.browser.browser.waitForTarget((target) =>
      target.url().startsWith('chrome://settings/content/siteDetails?site=chrome-extension'),
    );
    await (await settings.page())?.close();

    // erin was never rung: no notification, no missed call.
    await sleep(2_000);
    expect(await erin.browser.notifications()).toEqual([]);
    const erinPopup = await erin.browser.openExtensionPage('/popup.html');
    await erinPopup.waitForSelector('.recent .empty');
    await erinPopup.close();

    // Another try from the profile (in front now): still one permission tab, brought forward.
    await daveWindow.close();
    await profile.bringToFront();
    expect(await permission.evaluate(() => document.visibilityState)).toBe('hidden');
    await clickDeep(profile, testid('birdcall-call-video'));
    await waitForState(await dave.browser.waitForPage('/call.html'), 'ended', { reason: 'failed', timeoutMs: 5_000 });
    await permission.waitForFunction(() => document.visibilityState === 'visible', { timeout: 5_000 });
    expect(await permissionPages(dave)).toHaveLength(1);

    // A voice call needs no camera: it rings.
    await closeCallWindows(dave);
    await profile.bringToFront();
    await clickDeep(profile, testid('birdcall-call-audio'));
    const voiceCall = await dave.browser.waitForPage('/call.html');
    await erin.browser.waitForNotification('birdcall-incoming-');
    await voiceCall.click(testid('birdcall-hangup'));
    await waitForState(voiceCall, 'ended');
    await closeCallWindows(dave);

    // Unblocked in the browser's settings: the page notices by itself.
    await setMediaPermission(dave.browser, { camera: 'granted' });
    await permission.waitForSelector(`${testid('birdcall-permission-state')}[data-state="granted"]`, { timeout: 5_000 });
    await Promise.all([permission.close(), profile.close()]);
  });

  it("the callee's microphone blocked: the callee is told to allow it, and the caller hears that the callee's microphone is unavailable", async () => {
    await setMediaPermission(dave.browser, { camera: 'granted', microphone: 'denied' });
    const profile = await openProfile(erin, 'mb_dave');
    await clickDeep(profile, testid('birdcall-call-audio'));
    const erinWindow = await erin.browser.waitForPage('/call.html');
    const daveWindow = await acceptFromNotification(dave);
    await waitForState(daveWindow, 'ended', { reason: 'failed' });
    expect(await phaseOf(daveWindow)).toMatch(/may not use your camera or microphone/);
    await waitForState(erinWindow, 'ended', { reason: 'remote-media-unavailable' });
    expect(await phaseOf(erinWindow)).toBe("@mb_dave's microphone is unavailable");
    const permission = await dave.browser.waitForPage('/permission.html');
    await permission.waitForSelector(`${testid('birdcall-permission-state')}[data-state="blocked"]`);
    expect(await permissionState(permission)).toEqual({ state: 'blocked', words: 'Your microphone is blocked for Birdcall.' });
    await Promise.all([closeCallWindows(dave), closeCallWindows(erin), permission.close(), profile.close()]);
  });

  it('after Allow is answered, focus is on what the page says, not on the page body', async () => {
    // Not blocked, not granted yet: the page offers Allow, and headless Chromium refuses the prompt (and keeps the refusal).
    await setMediaPermission(dave.browser, { camera: 'prompt', microphone: 'prompt' });
    const permission = await dave.browser.openExtensionPage('/permission.html');
    const allow = await permission.waitForSelector(testid('birdcall-allow-media'));
    await allow!.focus();
    await permission.keyboard.press('Enter');
    await permission.waitForSelector(`${testid('birdcall-permission-state')}:not([data-state="asking"]):not([data-state="prompt"])`);
    expect(await permission.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('birdcall-permission-state');
    expect((await permissionState(permission)).state).toMatch(/^(blocked|denied)$/);
    await permission.close();
  });
});
