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
  signInWithX,
  sleep,
  startXModeService,
  testid,
  useService,
  waitForState,
  type Person,
  type RunningService,
} from './harness';
import { inject } from 'vitest';

const USERS = [
  { id: '1001', username: 'alice' },
  { id: '1002', username: 'bob' },
  { id: '1003', username: 'mallory' },
  { id: '1004', username: 'carol' },
];

let fakeX: FakeX;
let service: RunningService;
const people: Person[] = [];

/**
 * A browser whose X session (the fake X's cookie) is `xUser`, whose x.com page shows `pageHandle`,
 * pointed at the X-mode service. Not signed in to Birdcall yet.
 */
async function xBrowser(xUser: string, pageHandle = xUser, name = xUser): Promise<Person> {
  const browser = await launchBrowser(inject('extensionDir'), { name });
  await browser.browser.setCookie(fakeX.sessionCookie(xUser));
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
