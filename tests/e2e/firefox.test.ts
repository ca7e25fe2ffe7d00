/**
 * Birdcall in Firefox (Debian's firefox-esr over WebDriver BiDi, ./harness/firefox.ts) calling and
 * called by Birdcall in Chromium through the same service: the Firefox build made here from the
 * same code, its media host in a pinned tab, its notifications without buttons.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { startFakeX } from '../fake-x/fake-x';
import { chatConversationId, chatPage, homePage, hoverCardPage } from '../fixtures/x-pages';
import { buildExtension } from './global-setup';
import { launchFirefox, type FirefoxBrowser } from './harness/firefox';
import { clickDeep, testid, waitForDeep } from './harness/dom';
import type { ExtensionChrome } from './harness/extension-api';
import { expectFramesArriving, waitForState } from './harness/media';
import {
  acceptFromNotification,
  callFromProfile,
  closeCallWindows,
  openProfile,
  popupRows,
  signIn,
  signInWithX,
  useService,
  visitXAs,
  type Person,
} from './harness/people';
import { startXModeService } from './harness/service';
import { poll } from './harness/poll';

declare const chrome: ExtensionChrome; // evaluated in extension pages

const INCOMING = 'birdcall-incoming-';

describe('Birdcall in Firefox', () => {
  let buildDir: string;
  let fox: Person<FirefoxBrowser>;
  let alice: Person;

  beforeAll(async () => {
    buildDir = mkdtempSync(join(tmpdir(), 'birdcall-e2e-firefox-build-'));
    const started = Date.now();
    await buildExtension({ BIRDCALL_SIGNAL_URL: inject('signalUrl'), BIRDCALL_OUT_DIR: buildDir }, ['-b', 'firefox', '--mv3']);
    console.log(`[e2e] Firefox build in ${Date.now() - started} ms`);
    const firefox = await launchFirefox(join(buildDir, 'firefox-mv3'), { name: 'fox' });
    [fox, alice] = await Promise.all([visitXAs(firefox, 'fox_1'), signIn('alice_ff')]);
  }, 300_000); // builds the add-on first
  afterEach(async () => {
    await Promise.all([fox, alice].filter(Boolean).map(closeCallWindows));
  });
  afterAll(async () => {
    await Promise.all([fox?.browser.close(), alice?.browser.close()]);
    if (buildDir) rmSync(buildDir, { recursive: true, force: true });
  });

  /** Firefox's notification for a ringing call: no buttons, so it says a click answers; clicking it opens the incoming screen. */
  async function openIncomingScreen(from: string): Promise<Page> {
    const id = await fox.browser.waitForNotification(INCOMING);
    const shown = (await fox.browser.shownNotifications())[id];
    expect(shown).toEqual({
      title: `@${from} (unverified) is calling (video)`,
      message: expect.stringMatching(/\nClick to answer or decline\.$/),
      buttons: [],
    });
    await fox.browser.clickNotification(id);
    const screen = await fox.browser.waitForPage('/call.html');
    await waitForState(screen, 'incoming', { peer: from });
    return screen;
  }

  /** The call is up on both sides, with frames arriving both ways. */
  async function expectTalking(foxWindow: Page, aliceWindow: Page): Promise<void> {
    await waitForState(foxWindow, 'connected', { peer: 'alice_ff' });
    await waitForState(aliceWindow, 'connected', { peer: 'fox_1' });
    await expectFramesArriving(foxWindow, 'birdcall-remote-video');
    await expectFramesArriving(aliceWindow, 'birdcall-remote-video');
  }

  it('holds calls in a pinned tab of its own, since Firefox has no offscreen documents', async () => {
    const tabs = await fox.browser.evaluateInWorker(async () => {
      const all = await (chrome as unknown as { tabs: { query(q: object): Promise<{ url?: string; pinned: boolean }[]> } }).tabs.query({});
      return all.filter((tab) => tab.url?.endsWith('/offscreen.html')).map((tab) => tab.pinned);
    });
    expect(tabs).toEqual([true]);
  });

  it('Chromium calls Firefox: a click on the notification opens the incoming screen, Accept connects with frames both ways, hang-up ends both', async () => {
    const aliceWindow = await callFromProfile(alice, 'fox_1', 'video');
    await waitForState(aliceWindow, 'outgoing', { peer: 'fox_1' });
    const foxWindow = await openIncomingScreen('alice_ff');
    await foxWindow.click(testid('birdcall-accept'));

    await expectTalking(foxWindow, aliceWindow);
    await expectFramesArriving(foxWindow, 'birdcall-local-video');
    expect(await fox.browser.notifications()).toEqual([]);

    await foxWindow.click(testid('birdcall-hangup'));
    await waitForState(foxWindow, 'ended', { reason: 'hung-up' });
    await waitForState(aliceWindow, 'ended', { reason: 'remote-hung-up' });
    expect((await popupRows(fox))[0]).toEqual({ handle: 'alice_ff', direction: 'incoming', kind: 'video', outcome: 'answered' });
    expect((await popupRows(alice))[0]).toEqual({ handle: 'fox_1', direction: 'outgoing', kind: 'video', outcome: 'answered' });
  });

  it('Firefox calls Chromium from an X profile: Accept on the notification button connects with frames both ways', async () => {
    const foxWindow = await callFromProfile(fox, 'alice_ff', 'video');
    await waitForState(foxWindow, 'outgoing', { peer: 'alice_ff' });
    await alice.browser.clickNotificationButton(await alice.browser.waitForNotification(INCOMING), 0);
    const aliceWindow = await alice.browser.waitForPage('/call.html');

    await expectTalking(foxWindow, aliceWindow);

    await aliceWindow.click(testid('birdcall-hangup'));
    await waitForState(foxWindow, 'ended', { reason: 'remote-hung-up' });
    expect((await popupRows(fox))[0]).toEqual({ handle: 'alice_ff', direction: 'outgoing', kind: 'video', outcome: 'answered' });
    expect((await popupRows(alice))[0]).toEqual({ handle: 'fox_1', direction: 'incoming', kind: 'video', outcome: 'answered' });
  });

  it('Decline on the incoming screen: the caller sees "declined" and both popups list it', async () => {
    const aliceWindow = await callFromProfile(alice, 'fox_1', 'video');
    const foxWindow = await openIncomingScreen('alice_ff');
    await foxWindow.click(testid('birdcall-decline'));
    await waitForState(aliceWindow, 'ended', { reason: 'declined' });
    expect(await fox.browser.notifications()).toEqual([]);
    expect((await popupRows(alice))[0]).toEqual({ handle: 'fox_1', direction: 'outgoing', kind: 'video', outcome: 'declined' });
    expect((await popupRows(fox))[0]).toEqual({ handle: 'alice_ff', direction: 'incoming', kind: 'video', outcome: 'declined' });
  });

  it('cancelled while ringing: the notification goes away, the missed call badges the icon until the popup is opened', async () => {
    const aliceWindow = await callFromProfile(alice, 'fox_1', 'video');
    await fox.browser.waitForNotification(INCOMING);
    await aliceWindow.click(testid('birdcall-hangup'));
    await waitForState(aliceWindow, 'ended', { reason: 'hung-up' });
    await poll(
      async () => ((await fox.browser.notifications()).some((id) => id.startsWith(INCOMING)) ? undefined : true),
      'the ringing notification to go away',
    );
    const badge = () => fox.browser.evaluateInWorker(() => chrome.action.getBadgeText({}));
    await poll(async () => ((await badge()) === '1' ? true : undefined), 'a badge "1" on the icon');
    expect((await popupRows(fox))[0]).toEqual({ handle: 'alice_ff', direction: 'incoming', kind: 'video', outcome: 'missed' });
    await poll(async () => ((await badge()) === '' ? true : undefined), 'the badge to clear once the popup was opened');
    expect((await popupRows(alice))[0]).toEqual({ handle: 'fox_1', direction: 'outgoing', kind: 'video', outcome: 'cancelled' });
  });

  it('shows the call buttons on X: profile header, hover card, chat header', async () => {
    const chat = { viewer: 'fox_1', with: ['alice_ff'] };
    const profile = await openProfile(fox, 'alice_ff');
    const home = await fox.browser.openXPage('https://x.com/home', hoverCardPage({ viewer: 'fox_1', person: 'alice_ff' }));
    const chatHeader = await fox.browser.openXPage(`https://x.com/i/chat/${chatConversationId(chat)}`, chatPage(chat));
    try {
      const surfaces = [
        [profile, 'profile'],
        [home, 'hovercard'],
        [chatHeader, 'chat'],
      ] as const;
      for (const [page, surface] of surfaces) {
        for (const kind of ['audio', 'video']) await waitForDeep(page, `${testid(`birdcall-call-${kind}`)}[data-surface="${surface}"]`, { timeoutMs: 10_000 });
      }
    } finally {
      await Promise.all([profile, home, chatHeader].map((page) => page.close().catch(() => {})));
    }
  });

  /**
   * With Firefox asking for the camera and microphone as it does for people (until now it allowed
   * every page without asking). The helper add-on clicks Firefox's own prompt: a person's click on
   * Allow or Block, "Remember this decision" ticked or not, is what sets the permission.
   */
  describe('camera and microphone, Firefox asking', () => {
    const HOST = '/offscreen.html';
    const hostTabActive = () =>
      fox.browser.evaluateInWorker(async (host) => {
        const tabs = await (chrome as unknown as { tabs: { query(q: object): Promise<{ active: boolean }[]> } }).tabs.query({ url: location.origin + host });
        return tabs.map((tab) => tab.active);
      }, HOST);
    /** The prompt of the tab at `path` once a person can see it: its tab on screen, the panel open. */
    const promptShown = (path: string) =>
      poll(
        async () => (await fox.browser.mediaPrompts()).find((prompt) => prompt.url.endsWith(path) && prompt.shown),
        `Firefox's camera/microphone prompt shown in ${path}`,
        {
          timeoutMs: 10_000,
        },
      );
    const closeHostTab = () =>
      fox.browser.evaluateInWorker(async (host) => {
        const api = chrome as unknown as { tabs: { query(q: object): Promise<{ id: number }[]>; remove(id: number): Promise<void> } };
        const [tab] = await api.tabs.query({ url: location.origin + host });
        await api.tabs.remove(tab!.id);
      }, HOST);
    const popupSays = (popup: Page, status: 'offline' | 'connected', timeout: number) =>
      popup.waitForSelector(`${testid('birdcall-own-status')}[data-status="${status}"]`, { timeout });
    /** Birdcall in a new pinned tab, where Firefox asks again: an Allow that was not remembered held for the closed one only. */
    async function newHostTab(): Promise<void> {
      await closeHostTab();
      const popup = await fox.browser.openExtensionPage('/popup.html');
      try {
        await popupSays(popup, 'offline', 5_000);
        await popup.click(testid('birdcall-retry-service'));
        await popupSays(popup, 'connected', 15_000);
      } finally {
        await popup.close();
      }
    }
    const aliceRinging = async () => (await alice.browser.notifications()).some((id) => id.startsWith(INCOMING));
    const phaseOf = (page: Page) => page.$eval(testid('birdcall-phase'), (phase) => phase.textContent);
    const popupStatus = (popup: Page) =>
      popup.$eval(testid('birdcall-own-status'), (header) => ({
        status: header.getAttribute('data-status'),
        line: header.querySelector('.signal')?.textContent?.trim(),
      }));

    beforeAll(() => fox.browser.askForMedia());

    it("a first call: the pinned tab comes forward with Firefox's prompt before anyone is rung; Allow connects with frames, and the screen goes back", async () => {
      const profile = await openProfile(fox, 'alice_ff');
      await clickDeep(profile, testid('birdcall-call-video'));
      const foxWindow = await fox.browser.waitForPage('/call.html');
      expect(await promptShown(HOST)).toMatchObject({ pinned: true, selected: true, windowFocused: true, remember: true });
      await waitForState(foxWindow, 'outgoing', { peer: 'alice_ff' });
      expect(await alice.browser.notifications()).toEqual([]);

      // Allow, "Remember this decision" unticked: Firefox lets this tab use them for now.
      await fox.browser.answerMediaPrompt(HOST, { allow: true, remember: false });
      await poll(async () => ((await hostTabActive())[0] === false ? true : undefined), 'the pinned tab to give the screen back');
      expect(await profile.evaluate(() => document.visibilityState)).toBe('visible');
      await profile.close();
      const aliceWindow = await acceptFromNotification(alice);
      await expectTalking(foxWindow, aliceWindow);
      await foxWindow.click(testid('birdcall-hangup'));
      await waitForState(aliceWindow, 'ended', { reason: 'remote-hung-up' });
    });

    it('closing the pinned tab: the popup says offline and why, no wake opens it again, and Retry brings Birdcall back', async () => {
      await closeHostTab();
      const popup = await fox.browser.openExtensionPage('/popup.html');
      try {
        await popupSays(popup, 'offline', 5_000);
        expect((await popupStatus(popup)).line).toBe(
          "Offline: Birdcall's tab was closed, so calls cannot reach you. Retry in Birdcall's popup opens it again.",
        );
        // Visiting x.com wakes Birdcall; the tab stays closed.
        await (await openProfile(fox, 'alice_ff')).close();
        expect(await hostTabActive()).toEqual([]);

        await popup.click(testid('birdcall-retry-service'));
        await popupSays(popup, 'connected', 15_000);
        expect(await hostTabActive()).toEqual([false]);
      } finally {
        await popup.close();
      }
    });

    it('the new tab: Firefox asks again though it says "granted" (the Allow was not remembered), and nobody is rung until Allow; then the call rings and connects', async () => {
      const foxWindow = await callFromProfile(fox, 'alice_ff', 'video');
      expect(await promptShown(HOST)).toMatchObject({ pinned: true, selected: true });
      await waitForState(foxWindow, 'outgoing', { peer: 'alice_ff' });
      expect(await aliceRinging()).toBe(false);

      await fox.browser.answerMediaPrompt(HOST, { allow: true, remember: false });
      const aliceWindow = await acceptFromNotification(alice);
      await expectTalking(foxWindow, aliceWindow);
      await aliceWindow.click(testid('birdcall-hangup'));
      await waitForState(foxWindow, 'ended', { reason: 'remote-hung-up' });
    });

    it("a call to Firefox in a new tab: the ringing preview brings the pinned tab forward with Firefox's prompt; Allow, then Accept connects with frames both ways", async () => {
      await newHostTab();
      const aliceWindow = await callFromProfile(alice, 'fox_1', 'video');
      expect(await promptShown(HOST)).toMatchObject({ pinned: true, selected: true });
      await fox.browser.answerMediaPrompt(HOST, { allow: true, remember: false });
      const foxWindow = await openIncomingScreen('alice_ff');
      await foxWindow.click(testid('birdcall-accept'));
      await expectTalking(foxWindow, aliceWindow);
      await aliceWindow.click(testid('birdcall-hangup'));
      await waitForState(foxWindow, 'ended', { reason: 'remote-hung-up' });
    });

    it('Block in a new tab: the call ends saying why, Alice is never rung, and the permission page opens', async () => {
      await newHostTab();
      const aliceCalls = (await popupRows(alice)).length;
      const foxWindow = await callFromProfile(fox, 'alice_ff', 'video');
      await promptShown(HOST);
      expect(await aliceRinging()).toBe(false);
      await fox.browser.answerMediaPrompt(HOST, { allow: false, remember: false });
      await waitForState(foxWindow, 'ended', { reason: 'failed' });
      expect(await phaseOf(foxWindow)).toMatch(/may not use your camera or microphone/);
      expect(await aliceRinging()).toBe(false);
      // A ring cancelled unanswered would be listed as missed.
      expect(await popupRows(alice)).toHaveLength(aliceCalls);

      const permission = await fox.browser.waitForPage('/permission.html');
      await permission.waitForSelector(testid('birdcall-allow-media'));
      expect(await permission.$eval(testid('birdcall-remember-hint'), (hint) => hint.textContent)).toMatch(/keep “Remember this decision” ticked/);
      expect(await permission.evaluate(() => document.visibilityState)).toBe('visible');
    });

    it('Allow on the permission page, remembered: the next call asks nothing and rings', async () => {
      const permission = await fox.browser.waitForPage('/permission.html');
      await permission.click(testid('birdcall-allow-media'));
      expect(await promptShown('/permission.html')).toMatchObject({ remember: true });
      await fox.browser.answerMediaPrompt('/permission.html', { allow: true, remember: true });
      await permission.waitForSelector(`${testid('birdcall-permission-state')}[data-state="granted"]`);

      const foxWindow = await callFromProfile(fox, 'alice_ff', 'audio');
      const aliceWindow = await acceptFromNotification(alice);
      await waitForState(foxWindow, 'connected', { peer: 'alice_ff' });
      expect(await fox.browser.mediaPrompts()).toEqual([]);
      await aliceWindow.click(testid('birdcall-hangup'));
      await waitForState(foxWindow, 'ended', { reason: 'remote-hung-up' });
    });
  });

  // Last: it moves this Firefox to a service with X sign-in.
  it('signs in with X (a fake X on loopback): the redirect comes back to Firefox and the handle is verified', async () => {
    const fakeX = await startFakeX({ clientId: 'birdcall-e2e', users: [{ id: '2001', username: 'fox_x' }] });
    const service = await startXModeService(fakeX, { clientId: 'birdcall-e2e' });
    try {
      const { name, value, url } = fakeX.sessionCookie('fox_x');
      await fox.browser.browser.setCookie({ name, value, domain: new URL(url).hostname, path: '/' });
      await useService(fox.browser, service.url);
      await fox.browser.openXPage('https://x.com/home', homePage('fox_x'));
      await signInWithX(fox.browser, 'fox_x');
      expect(fakeX.requests().filter((r) => r.path === '/2/oauth2/token' && r.status === 200)).toHaveLength(1);
    } finally {
      await service.close();
      await fakeX.close();
    }
  });
});
