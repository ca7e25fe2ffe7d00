/**
 * A handle on Birdcall means that X says so: the service with X sign-in (a fake of X's OAuth 2.0
 * API of our own), real browsers signing in, verified calls, a page that lies about who you are,
 * a replayed connection, one person on two browsers, and a flood of rings.
 */
import type { Page } from 'puppeteer-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startFakeX, type FakeX } from '../fake-x/fake-x';
import { homePage } from '../fixtures/x-pages';
import {
  acceptFromNotification,
  accountOf,
  callFromProfile,
  closeCallWindows,
  expectFramesArriving,
  launchBrowser,
  poll,
  popupRows,
  ringingNotifications,
  recordSockets,
  signInWithX,
  sleep,
  startXModeService,
  testid,
  useService,
  waitForIdentity,
  waitForState,
  type BirdcallBrowser,
  type Person,
  type RunningService,
  type SocketRecorder,
} from './harness';
import { inject } from 'vitest';

const USERS = [
  { id: '1001', username: 'alice' },
  { id: '1002', username: 'bob' },
  { id: '1003', username: 'mallory' },
  { id: '1004', username: 'carol' },
  { id: '1005', username: 'dana' },
];

let fakeX: FakeX;
let service: RunningService;
const people: Person[] = [];

/**
 * A browser whose X session (the fake X's cookie) is `xUser`, whose x.com page shows `pageHandle`,
 * pointed at the X-mode service. Not signed in to Birdcall yet.
 */
async function xBrowser(xUser: string, pageHandle = xUser, name = xUser, beforeService?: (browser: BirdcallBrowser) => Promise<void>): Promise<Person> {
  const browser = await launchBrowser(inject('extensionDir'), { name });
  const { name: cookie, value, url } = fakeX.sessionCookie(xUser);
  await browser.browser.setCookie({ name: cookie, value, domain: new URL(url).hostname, path: '/' });
  await beforeService?.(browser);
  await useService(browser, service.url);
  await browser.openXPage('https://x.com/home', homePage(pageHandle));
  const person = { handle: xUser, browser };
  people.push(person);
  return person;
}

async function signedIn(xUser: string, pageHandle = xUser, name = xUser): Promise<Person> {
  const person = await xBrowser(xUser, pageHandle, name);
  await signInWithX(person.browser, xUser);
  return person;
}

async function close(person: Person): Promise<void> {
  people.splice(people.indexOf(person), 1);
  await person.browser.close();
}

/** The popup's account line and notice, as a person sees them. */
async function popupAccount(person: Person) {
  const popup = await person.browser.openExtensionPage('/popup.html');
  try {
    const account = await popup.waitForSelector(testid('birdcall-account'), { timeout: 10_000 });
    return {
      handle: await account!.evaluate((el) => el.getAttribute('data-handle')),
      verified: await account!.evaluate((el) => el.getAttribute('data-verified')),
      signInButton: (await popup.$(testid('birdcall-sign-in'))) !== null,
      notice: await popup.$eval(testid('birdcall-identity-notice'), (el) => el.textContent).catch(() => null),
    };
  } finally {
    await popup.close();
  }
}

/** Everything a socket receives until it closes or `ms` pass; `onOpen` runs first. */
function replay(url: string, frames: (received: string[], socket: WebSocket) => void, ms = 4_000): Promise<{ received: string[]; closed: boolean }> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url);
    const received: string[] = [];
    let closed = false;
    socket.on('message', (data) => {
      received.push(String(data));
      frames(received, socket);
    });
    socket.on('error', () => undefined);
    socket.on('close', () => (closed = true));
    setTimeout(() => {
      socket.terminate();
      resolve({ received, closed });
    }, ms);
  });
}

const verifiedAttr = (page: Page) => page.$eval(testid('birdcall-call-state'), (el) => el.getAttribute('data-verified'));

beforeAll(async () => {
  fakeX = await startFakeX({ clientId: 'birdcall-e2e', users: USERS });
  service = await startXModeService(fakeX, { clientId: 'birdcall-e2e' });
});
afterEach(async () => {
  await Promise.all(people.map(closeCallWindows));
});
afterAll(async () => {
  await Promise.all(people.splice(0).map((person) => person.browser.close()));
  await service?.close();
  await fakeX?.close();
});

describe('Sign in with X', () => {
  it('signs two people in with X and connects a verified call between them', async () => {
    const [alice, bob] = await Promise.all([xBrowser('alice'), xBrowser('bob')]);
    expect(await popupAccount(alice)).toEqual({ handle: '', verified: 'false', signInButton: true, notice: null });

    await Promise.all([signInWithX(alice.browser, 'alice'), signInWithX(bob.browser, 'bob')]);
    expect(await popupAccount(alice)).toEqual({ handle: 'alice', verified: 'true', signInButton: false, notice: null });
    expect(fakeX.requests().filter((r) => r.path === '/2/oauth2/token' && r.status === 200)).toHaveLength(2);

    const aliceWindow = await callFromProfile(alice, 'bob', 'video');
    const bobWindow = await acceptFromNotification(bob);
    await waitForState(aliceWindow, 'connected', { peer: 'bob' });
    await waitForState(bobWindow, 'connected', { peer: 'alice' });
    expect(await verifiedAttr(aliceWindow)).toBe('true');
    expect(await verifiedAttr(bobWindow)).toBe('true');
    expect(await bobWindow.$eval('body', (body) => body.textContent)).not.toMatch(/unverified/);
    await expectFramesArriving(aliceWindow, 'birdcall-remote-video');
    await expectFramesArriving(bobWindow, 'birdcall-remote-video');
    await aliceWindow.click(testid('birdcall-hangup'));
    await waitForState(bobWindow, 'ended', { reason: 'remote-hung-up' });
    await Promise.all([close(alice), close(bob)]);
  });
});

describe('the page is never the authority', () => {
  it("mallory, whose x.com page claims bob, stays mallory; carol's call to bob is unavailable until bob is back, then reaches bob", async () => {
    const [mallory, carol] = await Promise.all([signedIn('mallory', 'bob'), signedIn('carol')]);
    expect(await popupAccount(mallory)).toEqual({
      handle: 'mallory',
      verified: 'true',
      signInButton: false,
      notice: 'X shows you as @bob; Birdcall is signed in as @mallory',
    });

    const unanswered = await callFromProfile(carol, 'bob', 'audio');
    await waitForState(unanswered, 'ended', { reason: 'unavailable' });
    expect(await mallory.browser.notifications()).toEqual([]);
    await unanswered.close();

    const bob = await signedIn('bob');
    const carolWindow = await callFromProfile(carol, 'bob', 'audio');
    const bobWindow = await acceptFromNotification(bob);
    await waitForState(carolWindow, 'connected', { peer: 'bob' });
    await waitForState(bobWindow, 'connected', { peer: 'carol' });
    expect(await verifiedAttr(carolWindow)).toBe('true');
    expect(await mallory.browser.notifications()).toEqual([]);
    expect((await accountOf(mallory.browser))?.identity).toEqual({ handle: 'mallory', verified: true });
    await carolWindow.click(testid('birdcall-hangup'));
    await waitForState(bobWindow, 'ended', { reason: 'remote-hung-up' });
    await Promise.all([close(mallory), close(carol), close(bob)]);
  });
});

describe('a recorded connection', () => {
  it("replayed after bob has gone, bob's recorded URL, token and first frames receive nothing", async () => {
    let recorder: SocketRecorder | null = null;
    const bob = await xBrowser('bob', 'bob', 'bob-recorded', async (browser) => {
      recorder = await recordSockets(browser);
    });
    await signInWithX(bob.browser, 'bob');
    const carol = await signedIn('carol', 'carol', 'carol-2');
    const sockets = recorder!;
    const controlUrl = sockets.urls().find((url) => url.startsWith(service.url.replace('http', 'ws')) && url.endsWith('/control'));
    const relayUrl = sockets.urls().find((url) => url.includes('/peerjs?') && url.includes('token='));
    const recorded = sockets
      .frames()
      .filter((frame) => frame.url === controlUrl && frame.direction === 'sent')
      .map((frame) => frame.payload);
    expect(controlUrl).toBeDefined();
    expect(relayUrl).toBeDefined();
    expect(recorded.some((frame) => frame.includes('"hello"'))).toBe(true);
    await close(bob);

    // The recorded frames, in order, each time the service speaks; then the recorded PeerJS session.
    const controlReplay = replay(controlUrl!, (received, socket) => {
      if (received.length === 1) for (const frame of recorded) socket.send(frame);
    });
    const relayReplay = replay(relayUrl!, () => undefined);
    const carolWindow = await callFromProfile(carol, 'bob', 'video');
    await waitForState(carolWindow, 'ended', { reason: 'unavailable' });
    const [control, relay] = await Promise.all([controlReplay, relayReplay]);
    const types = control.received.map((frame) => JSON.parse(frame) as { type: string; reason?: string });
    expect(types.map((t) => t.type)).toEqual(['challenge', 'refused']);
    expect(types[1]?.reason).toBe('bad-signature');
    expect(control.closed).toBe(true);
    expect(relay.received.map((frame) => (JSON.parse(frame) as { type: string }).type)).not.toContain('OPEN');
    expect(relay.received.join('')).not.toMatch(/OFFER|CANDIDATE|incoming/);
    expect(relay.closed).toBe(true);
    await close(carol);
  });
});

describe('one person on two browsers', () => {
  it('rings on both; the first accept wins and the other stops ringing and logs "answered elsewhere"', async () => {
    const [alice, bobLaptop, bobDesktop] = await Promise.all([
      signedIn('alice', 'alice', 'alice-2'),
      signedIn('bob', 'bob', 'bob-laptop'),
      signedIn('bob', 'bob', 'bob-desktop'),
    ]);
    const aliceWindow = await callFromProfile(alice, 'bob', 'audio');
    await Promise.all([bobLaptop.browser.waitForNotification('birdcall-incoming-'), bobDesktop.browser.waitForNotification('birdcall-incoming-')]);
    const desktopWindow = await acceptFromNotification(bobDesktop);
    await waitForState(desktopWindow, 'connected', { peer: 'alice' });
    await waitForState(aliceWindow, 'connected', { peer: 'bob' });
    await poll(async () => ((await bobLaptop.browser.notifications()).length === 0 ? true : undefined), "the laptop's notification to go away", {
      timeoutMs: 5_000,
    });
    expect((await popupRows(bobLaptop))[0]).toEqual({ handle: 'alice', direction: 'incoming', kind: 'audio', outcome: 'answered-elsewhere' });
    await aliceWindow.click(testid('birdcall-hangup'));
    await waitForState(desktopWindow, 'ended', { reason: 'remote-hung-up' });
    await Promise.all([close(alice), close(bobLaptop), close(bobDesktop)]);
  });
});

describe('a flood of rings', () => {
  it('is limited: after three unanswered rings the caller sees "try again later" and the callee one row with a count', async () => {
    const [carol, alice] = await Promise.all([signedIn('carol', 'carol', 'carol-3'), signedIn('alice', 'alice', 'alice-3')]);
    for (let ring = 1; ring <= 5; ring++) {
      const carolWindow = await callFromProfile(carol, 'alice', 'audio');
      if (ring <= 3) {
        await alice.browser.waitForNotification('birdcall-incoming-');
        await carolWindow.click(testid('birdcall-hangup'));
        await waitForState(carolWindow, 'ended', { reason: 'hung-up' });
        await poll(async () => ((await ringingNotifications(alice.browser)).length === 0 ? true : undefined), 'the missed call to stop ringing');
        // One missed-call notification for Carol, however many of her calls were missed.
        await poll(
          async () => ((await alice.browser.notifications()).join() === 'birdcall-missed-carol' ? true : undefined),
          "Carol's missed-call notification",
        );
      } else {
        await waitForState(carolWindow, 'ended', { reason: 'rate-limited' });
        expect(await carolWindow.$eval('body', (body) => body.textContent)).toMatch(/try again later/i);
        await sleep(500);
        expect(await ringingNotifications(alice.browser)).toEqual([]);
      }
      await carolWindow.close();
    }
    const rows = await alice.browser.openExtensionPage('/popup.html');
    try {
      await rows.waitForSelector(testid('birdcall-recent-call'));
      const shown = await rows.$$eval(testid('birdcall-recent-call'), (items) =>
        items.map((item) => ({ handle: item.getAttribute('data-handle'), outcome: item.getAttribute('data-outcome'), count: item.getAttribute('data-count') })),
      );
      expect(shown).toEqual([{ handle: 'carol', outcome: 'missed', count: '3' }]);
    } finally {
      await rows.close();
    }
    const metrics = await (await fetch(`${service.url}metrics`)).text();
    expect(metrics).toMatch(/^birdcall_rate_limited_rings_total [1-9]/m);
    await Promise.all([close(carol), close(alice)]);
  });
});

describe('renamed on X', () => {
  it('the binding follows the X user id: after signing in again the new handle rings and the old one reaches nobody', async () => {
    const [dana, carol] = await Promise.all([signedIn('dana'), signedIn('carol', 'carol', 'carol-4')]);
    fakeX.rename('1005', 'dana_r');
    // X's page now shows the new name: Birdcall notices and offers to sign in again, and changes nothing by itself.
    await dana.browser.openXPage('https://x.com/home', homePage('dana_r'));
    const popup = await dana.browser.openExtensionPage('/popup.html');
    const again = await popup.waitForSelector(testid('birdcall-sign-in-again'), { timeout: 10_000 });
    expect(await popup.$eval(testid('birdcall-identity-notice'), (el) => el.textContent)).toBe('X shows you as @dana_r; Birdcall is signed in as @dana');
    expect((await accountOf(dana.browser))?.identity).toEqual({ handle: 'dana', verified: true });
    await again!.click();
    await waitForIdentity(dana.browser, 'dana_r', true);
    await popup.close();

    const old = await callFromProfile(carol, 'dana', 'audio');
    await waitForState(old, 'ended', { reason: 'unavailable' });
    expect(await dana.browser.notifications()).toEqual([]);
    await old.close();
    const renamed = await callFromProfile(carol, 'dana_r', 'audio');
    await dana.browser.waitForNotification('birdcall-incoming-');
    await renamed.click(testid('birdcall-hangup'));
    await Promise.all([close(dana), close(carol)]);
  });
});
