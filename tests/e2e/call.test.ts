/**
 * The whole call path between two real browsers: buttons on an x.com profile, the callee's
 * notification, the call windows with real frames, the endings, and both popups' history.
 */
import type { Page } from 'puppeteer-core';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { homePage, profilePage } from '../fixtures/x-pages';
import {
  clickDeep,
  expectFramesArriving,
  launchBrowser,
  poll,
  readVideo,
  testid,
  waitForState,
  type BirdcallBrowser,
  type ExtensionChrome,
} from './harness';

declare const chrome: ExtensionChrome; // evaluated in the service worker

interface Person {
  handle: string;
  browser: BirdcallBrowser;
}

async function signIn(handle: string): Promise<Person> {
  const browser = await launchBrowser(inject('extensionDir'), { name: handle });
  // Visiting x.com teaches Birdcall the signed-in handle; it then registers at the PeerServer.
  await browser.openXPage('https://x.com/home', homePage(handle));
  await poll(
    () => browser.evaluateInWorker(async () => ((await chrome.storage.session.get('signal')).signal as { status?: string } | undefined)?.status === 'connected' || undefined),
    `${handle} connected to the signaling server`,
    { timeoutMs: 20_000 },
  );
  return { handle, browser };
}

/** Opens the callee's profile as the caller and clicks the call button; returns the caller's call window. */
async function callFromProfile(caller: Person, callee: string, kind: 'audio' | 'video'): Promise<Page> {
  const profile = await caller.browser.openXPage(`https://x.com/${callee}`, profilePage({ viewer: caller.handle, profile: callee }));
  await clickDeep(profile, testid(`birdcall-call-${kind}`));
  const callWindow = await caller.browser.waitForPage('/call.html');
  await profile.close();
  return callWindow;
}

async function popupRows(person: Person) {
  const popup = await person.browser.openExtensionPage('/popup.html');
  try {
    await popup.waitForSelector(testid('birdcall-recent-call'), { timeout: 10_000 });
    return await popup.$$eval(testid('birdcall-recent-call'), (rows) =>
      rows.map((row) => ({
        handle: row.getAttribute('data-handle'),
        direction: row.getAttribute('data-direction'),
        kind: row.getAttribute('data-kind'),
        outcome: row.getAttribute('data-outcome'),
      })),
    );
  } finally {
    await popup.close();
  }
}

async function closeCallWindows(person: Person) {
  for (const page of await person.browser.browser.pages()) {
    if (page.url().includes('/call.html')) await page.close();
  }
}

describe('a call from an X profile', () => {
  let alice: Person;
  let bob: Person;

  beforeAll(async () => {
    [alice, bob] = await Promise.all([signIn('alice'), signIn('Bob_1')]);
    bob.handle = 'bob_1';
  });
  afterEach(async () => {
    await Promise.all([alice, bob].filter(Boolean).map(closeCallWindows));
  });
  afterAll(async () => {
    await Promise.all([alice?.browser.close(), bob?.browser.close()]);
  });

  it('connects a video call accepted from the notification, with frames both ways, and hang-up ends both', async () => {
    const aliceWindow = await callFromProfile(alice, 'bob_1', 'video');
    await waitForState(aliceWindow, 'outgoing', { peer: 'bob_1' });

    const notification = await bob.browser.waitForNotification('birdcall-incoming-');
    await bob.browser.clickNotificationButton(notification, 0);
    const bobWindow = await bob.browser.waitForPage('/call.html');

    await waitForState(aliceWindow, 'connected', { peer: 'bob_1' });
    await waitForState(bobWindow, 'connected', { peer: 'alice' });
    await expectFramesArriving(aliceWindow, 'birdcall-remote-video');
    await expectFramesArriving(bobWindow, 'birdcall-remote-video');
    await expectFramesArriving(aliceWindow, 'birdcall-local-video');
    expect(await bob.browser.notifications()).toEqual([]);

    await aliceWindow.click(testid('birdcall-hangup'));
    await waitForState(aliceWindow, 'ended', { reason: 'hung-up' });
    await waitForState(bobWindow, 'ended', { reason: 'remote-hung-up', timeoutMs: 2_000 });

    expect((await popupRows(alice))[0]).toEqual({ handle: 'bob_1', direction: 'outgoing', kind: 'video', outcome: 'answered' });
    expect((await popupRows(bob))[0]).toEqual({ handle: 'alice', direction: 'incoming', kind: 'video', outcome: 'answered' });
  });

  it('keeps a connected call going while the service worker is stopped, and hangs up after it wakes', async () => {
    const aliceWindow = await callFromProfile(alice, 'bob_1', 'video');
    await bob.browser.clickNotificationButton(await bob.browser.waitForNotification('birdcall-incoming-'), 0);
    const bobWindow = await bob.browser.waitForPage('/call.html');
    await waitForState(aliceWindow, 'connected');
    await waitForState(bobWindow, 'connected');

    await Promise.all([alice.browser.stopServiceWorker(), bob.browser.stopServiceWorker()]);
    expect(alice.browser.serviceWorkerRunning()).toBe(false);
    await expectFramesArriving(aliceWindow, 'birdcall-remote-video');
    await expectFramesArriving(bobWindow, 'birdcall-remote-video');

    // The hang-up button's message wakes Bob's worker, which finds the call in storage.
    await bobWindow.click(testid('birdcall-hangup'));
    await waitForState(bobWindow, 'ended', { reason: 'hung-up' });
    await waitForState(aliceWindow, 'ended', { reason: 'remote-hung-up', timeoutMs: 2_000 });
    expect(bob.browser.serviceWorkerRunning()).toBe(true);
    const remote = await readVideo(aliceWindow, 'birdcall-remote-video');
    expect(remote.tracks?.every((t) => !t.includes('live'))).toBe(true);
  });

  it('declined: the caller sees "declined" and both popups list it', async () => {
    const aliceWindow = await callFromProfile(alice, 'bob_1', 'audio');
    await bob.browser.clickNotificationButton(await bob.browser.waitForNotification('birdcall-incoming-'), 1);
    await waitForState(aliceWindow, 'ended', { reason: 'declined' });
    expect(await bob.browser.notifications()).toEqual([]);
    expect((await popupRows(alice))[0]).toEqual({ handle: 'bob_1', direction: 'outgoing', kind: 'audio', outcome: 'declined' });
    expect((await popupRows(bob))[0]).toEqual({ handle: 'alice', direction: 'incoming', kind: 'audio', outcome: 'declined' });
  });

  it('cancelled while ringing: the notification goes away and the callee has a missed call', async () => {
    const aliceWindow = await callFromProfile(alice, 'bob_1', 'video');
    await bob.browser.waitForNotification('birdcall-incoming-');
    await aliceWindow.click(testid('birdcall-hangup'));
    await waitForState(aliceWindow, 'ended', { reason: 'hung-up' });
    await poll(async () => ((await bob.browser.notifications()).length === 0 ? true : undefined), 'the notification to go away', {
      timeoutMs: 2_000,
    });
    expect((await popupRows(alice))[0]).toEqual({ handle: 'bob_1', direction: 'outgoing', kind: 'video', outcome: 'cancelled' });
    expect((await popupRows(bob))[0]).toEqual({ handle: 'alice', direction: 'incoming', kind: 'video', outcome: 'missed' });
  });

  it('opening the notification body shows the incoming screen, where the call can be accepted', async () => {
    const aliceWindow = await callFromProfile(alice, 'bob_1', 'audio');
    const notification = await bob.browser.waitForNotification('birdcall-incoming-');
    await bob.browser.clickNotification(notification);
    const bobWindow = await bob.browser.waitForPage('/call.html');
    await waitForState(bobWindow, 'incoming', { peer: 'alice' });
    await bobWindow.click(testid('birdcall-accept'));
    await waitForState(bobWindow, 'connected');
    await waitForState(aliceWindow, 'connected');
    await bobWindow.click(testid('birdcall-hangup'));
    await waitForState(aliceWindow, 'ended', { reason: 'remote-hung-up', timeoutMs: 2_000 });
  });

  it('someone who is not online is "not available" within 6 s', async () => {
    const started = Date.now();
    const aliceWindow = await callFromProfile(alice, 'nobody_here', 'video');
    await waitForState(aliceWindow, 'ended', { reason: 'unavailable', timeoutMs: 6_000 });
    expect(Date.now() - started).toBeLessThan(8_000);
    expect((await popupRows(alice))[0]).toEqual({ handle: 'nobody_here', direction: 'outgoing', kind: 'video', outcome: 'unavailable' });
  });

  it('someone already in a call is "busy"', async () => {
    const carol = await signIn('carol');
    try {
      const aliceWindow = await callFromProfile(alice, 'bob_1', 'audio');
      await bob.browser.clickNotificationButton(await bob.browser.waitForNotification('birdcall-incoming-'), 0);
      await waitForState(aliceWindow, 'connected');

      const carolWindow = await callFromProfile(carol, 'bob_1', 'audio');
      await waitForState(carolWindow, 'ended', { reason: 'busy' });
      // Bob's call goes on, and Bob was not rung.
      await waitForState(aliceWindow, 'connected');
      expect(await bob.browser.notifications()).toEqual([]);
      expect((await popupRows(carol))[0]).toEqual({ handle: 'bob_1', direction: 'outgoing', kind: 'audio', outcome: 'busy' });
      await aliceWindow.click(testid('birdcall-hangup'));
    } finally {
      await carol.browser.close();
    }
  });
});
