/** People in e2e tests: a browser signed in to X as a handle, and what they do with Birdcall. */
import type { Page } from 'puppeteer-core';
import { inject } from 'vitest';
import { homePage, profilePage } from '../../fixtures/x-pages';
import { launchBrowser, type BirdcallBrowser, type LaunchOptions } from './browser';
import { clickDeep, testid } from './dom';
import type { ExtensionChrome } from './extension-api';
import { poll } from './poll';

declare const chrome: ExtensionChrome; // evaluated in the service worker

export interface Person {
  /** Lowercase, as Birdcall shows it. */
  handle: string;
  browser: BirdcallBrowser;
}

export interface RecentCallRow {
  handle: string | null;
  direction: string | null;
  kind: string | null;
  outcome: string | null;
}

/** The signaling status Birdcall keeps in session storage ("connected", "offline"...). */
export function signalStatusOf(browser: BirdcallBrowser): Promise<string | undefined> {
  return browser.evaluateInWorker(async () => ((await chrome.storage.session.get('signal')).signal as { status?: string } | undefined)?.status);
}

/** A browser signed in to X as `handle` that has visited x.com and is online at the PeerServer. */
export async function signIn(handle: string, options: LaunchOptions = {}): Promise<Person> {
  const browser = await launchBrowser(inject('extensionDir'), { name: handle, ...options });
  // Visiting x.com teaches Birdcall the signed-in handle; it then registers at the PeerServer.
  await browser.openXPage('https://x.com/home', homePage(handle));
  await poll(async () => ((await signalStatusOf(browser)) === 'connected' ? true : undefined), `${handle} online at the signaling server`, {
    timeoutMs: 20_000,
  });
  return { handle: handle.toLowerCase(), browser };
}

/** Opens the callee's profile as the caller (the page stays open). */
export function openProfile(caller: Person, callee: string): Promise<Page> {
  return caller.browser.openXPage(`https://x.com/${callee}`, profilePage({ viewer: caller.handle, profile: callee }));
}

/** Opens the callee's profile as the caller and clicks the call button; returns the caller's call window. */
export async function callFromProfile(caller: Person, callee: string, kind: 'audio' | 'video'): Promise<Page> {
  const profile = await openProfile(caller, callee);
  await clickDeep(profile, testid(`birdcall-call-${kind}`));
  const callWindow = await caller.browser.waitForPage('/call.html');
  await profile.close();
  return callWindow;
}

/** Accepts the ringing call from the notification's Accept button; returns the callee's call window. */
export async function acceptFromNotification(callee: Person): Promise<Page> {
  await callee.browser.clickNotificationButton(await callee.browser.waitForNotification('birdcall-incoming-'), 0);
  return callee.browser.waitForPage('/call.html');
}

/** The rows of the toolbar popup's recent calls, newest first. */
export async function popupRows(person: Person): Promise<RecentCallRow[]> {
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

export async function closeCallWindows(person: Person): Promise<void> {
  for (const page of await person.browser.browser.pages()) {
    if (page.url().includes('/call.html')) await page.close();
  }
}
