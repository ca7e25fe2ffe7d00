/** People in e2e tests: a browser signed in to X as a handle, and what they do with Birdcall. */
import type { Page } from 'puppeteer-core';
import { inject } from 'vitest';
import { homePage, profilePage } from '../../fixtures/x-pages';
import { launchBrowser, type BirdcallBrowser, type ExtensionBrowser, type LaunchOptions } from './browser';
import { clickDeep, testid } from './dom';
import type { ExtensionChrome } from './extension-api';
import { poll } from './poll';

declare const chrome: ExtensionChrome; // evaluated in the service worker

export interface Person<B extends ExtensionBrowser = BirdcallBrowser> {
  /** Lowercase, as Birdcall shows it. */
  handle: string;
  browser: B;
}

export interface RecentCallRow {
  handle: string | null;
  direction: string | null;
  kind: string | null;
  outcome: string | null;
}

/** Whether Birdcall's service can be reached, as Birdcall keeps it ("connected", "offline"...). */
export function signalStatusOf(browser: ExtensionBrowser): Promise<string | undefined> {
  return browser.evaluateInWorker(async () => ((await chrome.storage.local.get('signal')).signal as { status?: string } | undefined)?.status);
}

/** Who Birdcall's service says this browser is (the popup's account), or null. */
export function accountOf(browser: ExtensionBrowser): Promise<{ identity: { handle: string; verified: boolean } | null; signIn: boolean } | null> {
  return browser.evaluateInWorker(async () => ((await chrome.storage.local.get('account')).account ?? null) as never);
}

/** Waits until the service has registered this browser as `handle` and the session is online. */
export async function waitForIdentity(browser: ExtensionBrowser, handle: string, verified: boolean, timeoutMs = 20_000): Promise<void> {
  let last: unknown;
  await poll(
    async () => {
      const account = await accountOf(browser);
      const status = await signalStatusOf(browser);
      last = { account, status };
      return account?.identity?.handle === handle && account.identity.verified === verified && status === 'connected' ? true : undefined;
    },
    `@${handle} registered (${verified ? 'verified' : 'unverified'}) and online`,
    { timeoutMs, describe: () => JSON.stringify(last) },
  );
}

/**
 * A browser signed in to X as `handle` that has visited x.com and is registered at the e2e
 * service, or `service` (open mode: the handle x.com shows is claimed, first come, unverified).
 * With `netns`, Chromium runs in that network namespace (./netns.ts) and `service` must be an
 * address the namespace reaches, e.g. the lab's bridge address.
 */
export async function signIn(handle: string, options: LaunchOptions & { service?: string } = {}): Promise<Person> {
  const { service, ...launchOptions } = options;
  const browser = await launchBrowser(inject('extensionDir'), { name: handle, ...launchOptions });
  // A test file with a service of its own: handles there are first come too, per service.
  if (service) await useService(browser, service);
  return visitXAs(browser, handle);
}

/** `browser` visits x.com signed in to X as `handle`, which teaches Birdcall the handle; on an open service it claims it. */
export async function visitXAs<B extends ExtensionBrowser>(browser: B, handle: string): Promise<Person<B>> {
  await browser.openXPage('https://x.com/home', homePage(handle));
  await waitForIdentity(browser, handle.toLowerCase(), false);
  return { handle: handle.toLowerCase(), browser };
}

/** Points the browser's Birdcall at another service, as the options page does. */
export async function useService(browser: ExtensionBrowser, url: string): Promise<void> {
  const page = await browser.openExtensionPage('/options.html');
  try {
    await page.evaluate(async (serviceUrl: string) => {
      await chrome.storage.local.set({ signalUrl: serviceUrl });
      await chrome.runtime.sendMessage({ to: 'background', type: 'signal-url-changed' });
    }, url);
  } finally {
    await page.close();
  }
}

/** Clicks "Sign in with X" in the popup (the fake X approves at once) and waits for the verified handle. */
export async function signInWithX(browser: ExtensionBrowser, expectedHandle: string): Promise<void> {
  const popup = await browser.openExtensionPage('/popup.html');
  try {
    const button = await popup.waitForSelector(testid('birdcall-sign-in'), { timeout: 15_000 });
    await button!.click();
    // Seen once on a loaded machine: a sign-in that never came back (cause not found). A person clicks again; so does the test, and says so.
    await waitForIdentity(browser, expectedHandle, true).catch(async (error: unknown) => {
      console.warn(`[e2e] sign-in as @${expectedHandle} did not finish; clicking "Sign in with X" once more:`, String(error).split('\n')[0]);
      await (await popup.waitForSelector(testid('birdcall-sign-in'), { timeout: 15_000 }))!.click();
      await waitForIdentity(browser, expectedHandle, true);
    });
  } finally {
    await popup.close();
  }
}

/** Opens the callee's profile as the caller (the page stays open). */
export function openProfile(caller: Person<ExtensionBrowser>, callee: string): Promise<Page> {
  return caller.browser.openXPage(`https://x.com/${callee}`, profilePage({ viewer: caller.handle, profile: callee }));
}

/** Opens the callee's profile as the caller and clicks the call button; returns the caller's call window. */
export async function callFromProfile(caller: Person<ExtensionBrowser>, callee: string, kind: 'audio' | 'video'): Promise<Page> {
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
export async function popupRows(person: Person<ExtensionBrowser>): Promise<RecentCallRow[]> {
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

export async function closeCallWindows(person: Person<ExtensionBrowser>): Promise<void> {
  for (const page of await person.browser.browser.pages()) {
    // Firefox reports extension pages as about:blank: ask the page.
    const url = page.url() === 'about:blank' ? await page.evaluate(() => location.href).catch(() => '') : page.url();
    if (url.includes('/call.html')) await page.close();
  }
}
