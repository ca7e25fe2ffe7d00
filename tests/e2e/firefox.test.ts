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
import { testid, waitForDeep } from './harness/dom';
import type { ExtensionChrome } from './harness/extension-api';
import { expectFramesArriving, waitForState } from './harness/media';
import { callFromProfile, closeCallWindows, openProfile, popupRows, signIn, signInWithX, useService, visitXAs, type Person } from './harness/people';
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

    await waitForState(foxWindow, 'connected', { peer: 'alice_ff' });
    await waitForState(aliceWindow, 'connected', { peer: 'fox_1' });
    await expectFramesArriving(foxWindow, 'birdcall-remote-video');
    await expectFramesArriving(aliceWindow, 'birdcall-remote-video');
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

    await waitForState(foxWindow, 'connected', { peer: 'alice_ff' });
    await waitForState(aliceWindow, 'connected', { peer: 'fox_1' });
    await expectFramesArriving(foxWindow, 'birdcall-remote-video');
    await expectFramesArriving(aliceWindow, 'birdcall-remote-video');

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
