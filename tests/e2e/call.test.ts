/**
 * The whole call path between two real browsers: buttons on an x.com profile, the callee's
 * notification, the call windows with real frames, the endings, and both popups' history.
 */
import type { Page } from 'puppeteer-core';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  acceptFromNotification,
  callFromProfile,
  clickDeep,
  openProfile,
  closeCallWindows,
  expectFramesArriving,
  poll,
  popupRows,
  ringingNotifications,
  isPeerSignaling,
  recordSockets,
  readVideo,
  signIn,
  testid,
  waitForState,
  launchBrowser,
  sleep,
  type Person,
  type SocketFrame,
  type SocketRecorder,
} from './harness';
import { homePage } from '../fixtures/x-pages';

describe('a call from an X profile', () => {
  let alice: Person;
  let bob: Person;

  beforeAll(async () => {
    [alice, bob] = await Promise.all([signIn('alice'), signIn('Bob_1')]);
  });
  afterEach(async () => {
    await Promise.all([alice, bob].filter(Boolean).map(closeCallWindows));
  });
  afterAll(async () => {
    await Promise.all([alice?.browser.close(), bob?.browser.close()]);
  });

  it('connects a video call accepted from the notification, with frames both ways, and hang-up ends both', async () => {
    const profile = await openProfile(alice, 'bob_1');
    const clickedAt = Date.now();
    await clickDeep(profile, testid('birdcall-call-video'));
    const aliceWindow = await alice.browser.waitForPage('/call.html');
    await waitForState(aliceWindow, 'outgoing', { peer: 'bob_1' });

    const notification = await bob.browser.waitForNotification('birdcall-incoming-', { intervalMs: 10 });
    const notifiedAt = Date.now();
    await bob.browser.clickNotificationButton(notification, 0);
    const acceptedAt = Date.now();
    const bobWindow = await bob.browser.waitForPage('/call.html');
    const firstFrame = (page: Page) =>
      page
        .waitForFunction(() => (document.querySelector('[data-testid="birdcall-remote-video"]') as HTMLVideoElement | null)?.videoWidth, {
          polling: 10,
          timeout: 20_000,
        })
        .then(() => Date.now() - acceptedAt);
    const [callerFrameMs, calleeFrameMs] = await Promise.all([firstFrame(aliceWindow), firstFrame(bobWindow)]);
    console.log(
      `[figures] click -> callee notification ${notifiedAt - clickedAt} ms; accept -> first remote frame: caller ${callerFrameMs} ms, callee ${calleeFrameMs} ms`,
    );
    await profile.close();

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
    const bobWindow = await acceptFromNotification(bob);
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

  it('cancelled while ringing: the ringing notification makes way for a missed-call one, and the callee has a missed call', async () => {
    const aliceWindow = await callFromProfile(alice, 'bob_1', 'video');
    await bob.browser.waitForNotification('birdcall-incoming-');
    await aliceWindow.click(testid('birdcall-hangup'));
    await waitForState(aliceWindow, 'ended', { reason: 'hung-up' });
    await poll(async () => ((await ringingNotifications(bob.browser)).length === 0 ? true : undefined), 'the notification to go away', {
      timeoutMs: 2_000,
    });
    await poll(async () => ((await bob.browser.notifications()).join() === 'birdcall-missed-alice' ? true : undefined), 'the missed-call notification');
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
      await acceptFromNotification(bob);
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

  it('without X sign-in everything shown about a person says "unverified", and a taken handle stays taken', async () => {
    // Open mode: alice claimed her handle first; a second browser whose page claims alice cannot take it.
    const impostor = await launchBrowser(inject('extensionDir'), { name: 'alice-impostor' });
    try {
      await impostor.openXPage('https://x.com/home', homePage('alice'));
      const popup = await impostor.openExtensionPage('/popup.html');
      const status = await popup.waitForSelector(`${testid('birdcall-own-status')}[data-status="id-taken"]`, { timeout: 15_000 });
      expect(await status!.evaluate((el) => el.textContent)).toMatch(/in use elsewhere/i);
      await sleep(3_000);
      expect(await popup.$eval(testid('birdcall-own-status'), (el) => el.getAttribute('data-status'))).toBe('id-taken');
      expect(await popup.$eval(testid('birdcall-account'), (el) => [el.getAttribute('data-handle'), el.getAttribute('data-verified')])).toEqual(['', 'false']);
      await popup.close();

      const mine = await alice.browser.openExtensionPage('/popup.html');
      const account = await mine.waitForSelector(testid('birdcall-account'));
      expect(await account!.evaluate((el) => [el.getAttribute('data-handle'), el.getAttribute('data-verified')])).toEqual(['alice', 'false']);
      expect(await account!.evaluate((el) => el.textContent)).toMatch(/unverified/);
      await mine.close();

      // Bob calls alice: the real alice rings, unverified everywhere; the impostor hears nothing.
      const bobWindow = await callFromProfile(bob, 'alice', 'audio');
      await alice.browser.clickNotification(await alice.browser.waitForNotification('birdcall-incoming-'));
      const aliceWindow = await alice.browser.waitForPage('/call.html');
      await waitForState(aliceWindow, 'incoming', { peer: 'bob_1' });
      for (const page of [aliceWindow, bobWindow]) {
        expect(await page.$eval(testid('birdcall-call-state'), (el) => el.getAttribute('data-verified'))).toBe('false');
        expect(await page.$eval(testid('birdcall-call-state'), (el) => el.textContent)).toMatch(/unverified/);
      }
      expect(await impostor.notifications()).toEqual([]);
      await bobWindow.click(testid('birdcall-hangup'));
      await waitForState(aliceWindow, 'ended');
    } finally {
      await impostor.close();
    }
  });

  it('before Accept no SDP, candidate or address of either side leaves; a busy callee answers with nothing peer to peer', async () => {
    const carol = await signIn('carol_p');
    const [aliceSockets, bobSockets, carolSockets] = await Promise.all([alice, bob, carol].map((p) => recordSockets(p.browser)));
    const peerToPeer = /"sdp"|candidate|\b\d{1,3}(?:\.\d{1,3}){3}\b|\[?[0-9a-f]{1,4}(?::[0-9a-f]{0,4}){2,7}\]?/i;
    const leaks = (recorder: SocketRecorder, until: number) =>
      recorder.frames().filter((f) => f.at <= until && (isPeerSignaling(f) || peerToPeer.test(f.payload)));
    try {
      const aliceWindow = await callFromProfile(alice, 'bob_1', 'video');
      await bob.browser.waitForNotification('birdcall-incoming-');
      await sleep(1_500); // ringing: whatever would leak early has had time to
      const acceptedAt = Date.now();
      expect(leaks(aliceSockets, acceptedAt)).toEqual([]);
      expect(leaks(bobSockets, acceptedAt)).toEqual([]);
      // The recorders do see the ring itself, so an empty list above means something.
      expect(bobSockets.frames().some((f) => f.payload.includes('"incoming"'))).toBe(true);

      await acceptFromNotification(bob);
      await waitForState(aliceWindow, 'connected');
      // After Accept, PeerJS signaling flows through the relay, as the recorders see.
      expect(bobSockets.frames().some((f) => isPeerSignaling(f) && f.payload.includes('"sdp"'))).toBe(true);

      const busyFrom = Date.now();
      const carolWindow = await callFromProfile(carol, 'bob_1', 'audio');
      await waitForState(carolWindow, 'ended', { reason: 'busy' });
      const newSince = (recorder: SocketRecorder) => recorder.frames().filter((f) => f.at >= busyFrom);
      expect(newSince(carolSockets).filter((f) => isPeerSignaling(f) || peerToPeer.test(f.payload))).toEqual([]);
      // Bob still trickles candidates to alice's session; none to anyone else.
      const dst = (f: SocketFrame) => (JSON.parse(f.payload) as { dst?: string }).dst;
      const toAlice = new Set(
        bobSockets
          .frames()
          .filter((f) => f.at < busyFrom && f.direction === 'sent' && isPeerSignaling(f))
          .map(dst),
      );
      expect(toAlice.size).toBe(1);
      expect(newSince(bobSockets).filter((f) => f.direction === 'sent' && isPeerSignaling(f) && !toAlice.has(dst(f)))).toEqual([]);
      await aliceWindow.click(testid('birdcall-hangup'));
    } finally {
      await carol.browser.close();
    }
  });
});
