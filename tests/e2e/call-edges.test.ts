/**
 * The edges of the call path: closing the window, a second click, a hostile page, missed-call
 * badge, no camera permission, and a signaling server that goes away and comes back.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  acceptFromNotification,
  callFromProfile,
  clickDeep,
  closeCallWindows,
  openProfile,
  poll,
  ringingNotifications,
  signalStatusOf,
  signIn,
  sleep,
  startService,
  waitForIdentity,
  testid,
  waitForState,
  type ExtensionChrome,
  type Person,
  type RunningService,
} from './harness';

declare const chrome: ExtensionChrome; // evaluated in the service worker

const callWindows = async (person: Person) => (await person.browser.browser.pages()).filter((p) => p.url().includes('/call.html'));
const badgeText = (person: Person) => person.browser.evaluateInWorker(() => chrome.action.getBadgeText({}));

describe('call path edges', () => {
  let alice: Person;
  let bob: Person;
  let service: RunningService;

  beforeAll(async () => {
    // A service of this file's own: alice is taken on the shared one by another browser.
    service = await startService();
    [alice, bob] = await Promise.all([signIn('alice', { service: service.url }), signIn('bob', { service: service.url })]);
  });
  afterEach(async () => {
    await Promise.all([alice, bob].filter(Boolean).map(closeCallWindows));
  });
  afterAll(async () => {
    await Promise.all([alice?.browser.close(), bob?.browser.close()]);
    await service?.close();
  });

  it('closing the call window hangs up', async () => {
    const aliceWindow = await callFromProfile(alice, 'bob', 'audio');
    const bobWindow = await acceptFromNotification(bob);
    await waitForState(bobWindow, 'connected');
    await aliceWindow.close();
    await waitForState(bobWindow, 'ended', { reason: 'remote-hung-up', timeoutMs: 2_000 });
  });

  it('a second Call click during a call focuses the call window and starts nothing', async () => {
    const profile = await openProfile(alice, 'bob');
    await clickDeep(profile, testid('birdcall-call-video'));
    const aliceWindow = await alice.browser.waitForPage('/call.html');
    await bob.browser.waitForNotification('birdcall-incoming-');
    await clickDeep(profile, testid('birdcall-call-audio'));
    await sleep(1_000);
    expect(await callWindows(alice)).toHaveLength(1);
    await waitForState(aliceWindow, 'outgoing', { peer: 'bob' });
    expect(await ringingNotifications(bob.browser)).toHaveLength(1);
    await aliceWindow.click(testid('birdcall-hangup'));
    await profile.close();
  });

  it('a script on the x.com page cannot start a call or reach the extension', async () => {
    const profile = await openProfile(alice, 'bob');
    await profile.waitForSelector(`>>> ${testid('birdcall-call-video')}`);
    const reach = await profile.evaluate(() => {
      const find = (root: ParentNode): HTMLElement | null => {
        const hit = root.querySelector<HTMLElement>('[data-testid="birdcall-call-video"]');
        if (hit) return hit;
        for (const el of root.querySelectorAll('*')) {
          const inner = el.shadowRoot && find(el.shadowRoot);
          if (inner) return inner;
        }
        return null;
      };
      const button = find(document);
      button?.click();
      button?.dispatchEvent(new MouseEvent('click', { bubbles: true, composed: true }));
      const runtime = (window as { chrome?: { runtime?: { sendMessage?: unknown } } }).chrome?.runtime;
      return { clicked: !!button, canMessage: typeof runtime?.sendMessage === 'function' };
    });
    expect(reach).toEqual({ clicked: true, canMessage: false });
    await sleep(1_500);
    expect(await callWindows(alice)).toHaveLength(0);
    expect(await ringingNotifications(bob.browser)).toEqual([]);
    await profile.close();
  });

  it('a missed call badges the toolbar icon until the popup is opened', async () => {
    const aliceWindow = await callFromProfile(alice, 'bob', 'audio');
    await bob.browser.waitForNotification('birdcall-incoming-');
    await aliceWindow.click(testid('birdcall-hangup'));
    await poll(async () => ((await badgeText(bob)) === '1' ? true : undefined), 'a badge "1" on Bob\'s icon', { timeoutMs: 3_000 });
    const popup = await bob.browser.openExtensionPage('/popup.html');
    await popup.waitForSelector(`${testid('birdcall-recent-call')}[data-outcome="missed"]`);
    await poll(async () => ((await badgeText(bob)) === '' ? true : undefined), 'the badge to clear', { timeoutMs: 3_000 });
    await popup.close();
  });
});

describe('without camera and microphone permission', () => {
  it('the call fails with a reason and the permission page opens', async () => {
    // Someone online to call: the camera fails long before the ring could end.
    const [dave, erin] = await Promise.all([signIn('dave', { fakeMediaUi: false }), signIn('erin')]);
    try {
      for (const page of await dave.browser.browser.pages()) if (page.url().includes('/permission.html')) await page.close();
      const daveWindow = await callFromProfile(dave, 'erin', 'video');
      await waitForState(daveWindow, 'ended', { reason: 'failed' });
      expect(await daveWindow.$eval('body', (body) => body.textContent)).toMatch(/camera or microphone/i);
      await dave.browser.waitForPage('/permission.html');
    } finally {
      await Promise.all([dave.browser.close(), erin.browser.close()]);
    }
  });
});

describe("Birdcall's service going away", () => {
  it('reconnects by itself, keeps every identity across the restart, and calls connect again', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'birdcall-restart-'));
    const server = await startService({ dataDir });
    let restarted: Awaited<ReturnType<typeof startService>> | null = null;
    // Handles no other file claims on the shared e2e service, where handles are first come.
    const [carol, dan] = await Promise.all([signIn('carol_r'), signIn('dan_r')]);
    try {
      // Point both at this server from the options page, as a person would.
      for (const person of [carol, dan]) {
        const options = await person.browser.openExtensionPage('/options.html');
        const field = await options.waitForSelector(testid('birdcall-signal-url'));
        await field!.click({ count: 3 });
        await field!.type(server.url);
        await options.click(testid('birdcall-save'));
        await options.close();
      }
      for (const person of [carol, dan]) await waitForIdentity(person.browser, person.handle, false);

      await server.close();
      await poll(async () => ((await signalStatusOf(carol.browser)) !== 'connected' ? true : undefined), 'carol to notice the server is gone', {
        timeoutMs: 10_000,
      });
      // Same port, same data: the service comes back knowing who is who.
      restarted = await startService({ port: server.port, dataDir });
      // Reconnects back off up to 10 s (jittered): allow a few rounds on a loaded machine.
      for (const person of [carol, dan]) await waitForIdentity(person.browser, person.handle, false, 40_000);

      const carolWindow = await callFromProfile(carol, 'dan_r', 'audio');
      const danWindow = await acceptFromNotification(dan);
      await waitForState(carolWindow, 'connected');
      await waitForState(danWindow, 'connected');
      await carolWindow.click(testid('birdcall-hangup'));
      await waitForState(danWindow, 'ended', { reason: 'remote-hung-up', timeoutMs: 2_000 });
    } finally {
      await Promise.all([carol.browser.close(), dan.browser.close(), server.close(), restarted?.close()]);
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
