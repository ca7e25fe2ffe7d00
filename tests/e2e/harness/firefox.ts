/**
 * One headless Firefox (Debian's firefox-esr) with the built Birdcall add-on, driven by puppeteer
 * over WebDriver BiDi, as the Firefox e2e tests use it. Facts it is built on (Firefox 140 ESR):
 *
 * - The add-on is a temporary one (`browser.installExtension`, BiDi webExtension.install); the
 *   pref extensions.webextensions.uuids pins its moz-extension:// origin.
 * - BiDi reports no navigation to moz-extension:// pages (puppeteer's page.url() stays
 *   about:blank and goto() never settles), so extension pages are found by evaluating `location`,
 *   and opened with a BiDi navigate that does not wait.
 * - A new tab cannot be opened while the last focused window is a popup (the call window) or a
 *   notification: new pages then get a window of their own.
 * - Fake camera and microphone: media.navigator.streams.fake, with no prompt:
 *   media.navigator.permission.disabled.
 * - Nothing in BiDi reaches a notification: a test-only helper add-on (./firefox-test-helper, a
 *   WebExtension experiment, allowed for temporary add-ons with extensions.experiments.enabled)
 *   clicks Firefox's own notification popup, which is what tells Birdcall's background.
 * - Every request that is not to loopback goes to a proxy on 127.0.0.1 that is not there, so
 *   Firefox's own services (updates, telemetry, push...) reach nothing outside this machine; x.com
 *   pages are answered by interception before that.
 */
import { accessSync, constants, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { closeBrowser, forgetLaunch, trackLaunch, type ExtensionBrowser, type WaitOptions } from './browser';
import type { ExtensionChrome } from './extension-api';
import { poll } from './poll';
import { serveXPages, type XPageHtml } from './serve-x';

export const DEBIAN_FIREFOX = '/usr/bin/firefox-esr';
const HELPER_DIR = fileURLToPath(new URL('./firefox-test-helper', import.meta.url));
const HELPER_ID = 'birdcall-e2e-helper@birdcall';
const BIRDCALL_UUID = 'b1dca110-0000-4000-8000-000000000001';
const HELPER_UUID = 'b1dca110-0000-4000-8000-000000000002';
/** Where the control page lives: the options page, which only reads storage until someone changes a setting. */
const CONTROL_PAGE = '/options.html';
const LAUNCH_ATTEMPTS = 3;

declare const chrome: ExtensionChrome; // evaluated in extension pages
/** A tab's camera/microphone prompt (Firefox's webRTC-shareDevices doorhanger), as the helper add-on sees it. */
export interface MediaPrompt {
  url: string;
  pinned: boolean;
  /** The tab is the one its window shows. */
  selected: boolean;
  /** The prompt is open in its window's panel, where a person can click it. */
  shown: boolean;
  windowFocused: boolean;
  /** "Remember this decision", while shown. */
  remember: boolean | null;
}

/** The helper add-on's page. */
type HelperGlobal = {
  browser: {
    birdcallTest: {
      clickNotification(title: string): Promise<number>;
      notificationTitles(): Promise<string[]>;
      askForMedia(ask: boolean): Promise<void>;
      mediaPrompts(): Promise<MediaPrompt[]>;
      answerMediaPrompt(url: string, allow: boolean, remember: boolean): Promise<boolean>;
    };
  };
};

export interface ShownNotification {
  title: string;
  message: string;
  buttons: string[];
}

export interface FirefoxBrowser extends ExtensionBrowser {
  /** The notifications Birdcall shows now, by id, as Firefox holds them. */
  shownNotifications(): Promise<Record<string, ShownNotification>>;
  /** From now on, Firefox asks before pages open the (fake) camera and microphone, as it does for people (at launch, it does not ask). */
  askForMedia(): Promise<void>;
  /** Every tab's camera/microphone prompt now. */
  mediaPrompts(): Promise<MediaPrompt[]>;
  /** Waits for the prompt of the tab at `path` to be shown, then clicks Allow or Block on it, "Remember this decision" ticked or not. */
  answerMediaPrompt(path: string, answer: { allow: boolean; remember: boolean }): Promise<void>;
}

/** $FIREFOX_PATH, else Debian's firefox-esr. */
export function findFirefox(): string {
  const path = process.env.FIREFOX_PATH ?? DEBIAN_FIREFOX;
  try {
    accessSync(path, constants.X_OK);
    return path;
  } catch {
    throw new Error(`No Firefox for the e2e tests at ${path}. Install it with \`apt-get install -y firefox-esr\` (Debian), or set FIREFOX_PATH.`);
  }
}

function prefs(extensionId: string): Record<string, unknown> {
  return {
    'media.navigator.streams.fake': true,
    'media.navigator.permission.disabled': true,
    // Like Chromium's --allow-loopback-in-peer-connection: a sandbox may have only loopback.
    'media.peerconnection.ice.loopback': true,
    'extensions.webextensions.uuids': JSON.stringify({ [extensionId]: BIRDCALL_UUID, [HELPER_ID]: HELPER_UUID }),
    'extensions.experiments.enabled': true,
    // Notifications as Firefox's own popups (the helper clicks them), whatever the desktop offers.
    'alerts.useSystemBackend': false,
    'network.proxy.type': 1,
    'network.proxy.http': '127.0.0.1',
    'network.proxy.http_port': 9,
    'network.proxy.ssl': '127.0.0.1',
    'network.proxy.ssl_port': 9,
    'network.captive-portal-service.enabled': false,
    'network.connectivity-service.enabled': false,
    'dom.push.connection.enabled': false,
  };
}

async function launchWithRetries(executablePath: string, tempDir: string, extensionId: string, dumpio: boolean): Promise<Browser> {
  let lastError: unknown;
  // Firefox 140 now and then closes the first BiDi session as it starts ("session.new: Target closed").
  for (let attempt = 1; attempt <= LAUNCH_ATTEMPTS; attempt++) {
    try {
      return await puppeteer.launch({
        browser: 'firefox',
        executablePath,
        headless: true,
        userDataDir: mkdtempSync(join(tempDir, 'profile-')),
        // Firefox 153 refuses BiDi navigations to moz-extension:// pages without it ("not allowed in this context").
        args: ['--remote-allow-system-access'],
        // With dumpio, pages' and the add-on's console output goes to stdout too.
        extraPrefsFirefox: { ...prefs(extensionId), ...(dumpio ? { 'devtools.console.stdout.content': true, 'devtools.console.stdout.chrome': true } : {}) },
        env: { ...process.env, XDG_CONFIG_HOME: join(tempDir, 'config'), XDG_CACHE_HOME: join(tempDir, 'cache'), XDG_RUNTIME_DIR: tempDir },
        dumpio,
      });
    } catch (error) {
      lastError = error;
    }
  }
  throw new Error(`Could not launch ${executablePath} in ${LAUNCH_ATTEMPTS} attempts: ${lastError instanceof Error ? lastError.message : String(lastError)}`);
}

export async function launchFirefox(extensionDir: string, options: { name?: string; dumpio?: boolean } = {}): Promise<FirefoxBrowser> {
  const { name = 'firefox' } = options;
  const executablePath = findFirefox();
  const extDir = resolve(extensionDir);
  const manifest = JSON.parse(readFileSync(join(extDir, 'manifest.json'), 'utf8')) as { browser_specific_settings?: { gecko?: { id?: string } } };
  const extensionId = manifest.browser_specific_settings?.gecko?.id;
  if (!extensionId) throw new Error(`${extDir}/manifest.json has no gecko id: is it a Firefox build (wxt build -b firefox --mv3)?`);

  const tempDir = mkdtempSync(join(tmpdir(), `birdcall-e2e-${name.replace(/[^\w-]/g, '_')}-`));
  const entry = trackLaunch(tempDir);
  let browser: Browser;
  try {
    browser = await launchWithRetries(executablePath, tempDir, extensionId, options.dumpio ?? process.env.BIRDCALL_E2E_DUMPIO === '1');
  } catch (error) {
    forgetLaunch(entry);
    throw error;
  }
  entry.pid = browser.process()?.pid;
  const close = () => closeBrowser(browser, entry);
  const extensionOrigin = `moz-extension://${BIRDCALL_UUID}`;

  try {
    await browser.installExtension(HELPER_DIR);
    await browser.installExtension(extDir);
  } catch (error) {
    await close();
    throw new Error(`Could not install the add-ons in Firefox: ${error instanceof Error ? error.message : String(error)}`);
  }

  /** A new tab, or a new window when the last focused window cannot take tabs. */
  async function newTab(): Promise<Page> {
    try {
      return await browser.newPage();
    } catch {
      return browser.newPage({ type: 'window' });
    }
  }

  const pathOf = (page: Page) => page.evaluate(() => location.href).catch(() => null);

  /** Opens `url` (a moz-extension:// page) in a new tab and waits until its document is there. */
  async function openMozExtensionPage(url: string): Promise<Page> {
    const page = await newTab();
    const context = (page.mainFrame() as unknown as { _id: string })._id;
    const connection = (browser as unknown as { connection: { send(method: string, params: object): Promise<unknown> } }).connection;
    await connection.send('browsingContext.navigate', { context, url, wait: 'none' });
    await poll(
      async () => ((await page.evaluate(() => `${location.href} ${document.readyState}`).catch(() => '')) === `${url} complete` ? true : undefined),
      `${url} to load`,
      { timeoutMs: 15_000 },
    );
    return page;
  }

  const openExtensionPage = (path: string) => openMozExtensionPage(`${extensionOrigin}${path.startsWith('/') ? path : `/${path}`}`);

  let control: Promise<Page> | null = null;
  let helper: Promise<Page> | null = null;

  /** Runs `fn` in the control page, an extension page with the same APIs as the background. */
  async function evaluateInWorker<R, A extends unknown[]>(fn: (...a: A) => R | Promise<R>, ...fnArgs: A): Promise<Awaited<R>> {
    control ??= openExtensionPage(CONTROL_PAGE);
    return (await (await control).evaluate(fn as (...a: unknown[]) => R, ...fnArgs)) as Awaited<R>;
  }

  async function shownNotifications(): Promise<Record<string, ShownNotification>> {
    return evaluateInWorker(async () => {
      type Shown = { title: string; message: string; buttons?: { title: string }[] };
      const all = (await (chrome.notifications as unknown as { getAll(): Promise<Record<string, Shown>> }).getAll()) ?? {};
      return Object.fromEntries(
        Object.entries(all).map(([id, n]) => [id, { title: n.title, message: n.message, buttons: (n.buttons ?? []).map((b) => b.title) }]),
      );
    });
  }

  const notifications = async () => Object.keys(await shownNotifications());

  async function waitForNotification(idPrefix?: string, opts: WaitOptions = {}): Promise<string> {
    let last: string[] = [];
    return poll(
      async () => {
        last = await notifications();
        return last.find((id) => idPrefix === undefined || id.startsWith(idPrefix));
      },
      `a notification${idPrefix ? ` with id starting "${idPrefix}"` : ''}`,
      { timeoutMs: opts.timeoutMs ?? 15_000, intervalMs: opts.intervalMs, describe: () => `notifications shown: ${last.join(', ') || '(none)'}` },
    );
  }

  /** The helper add-on's page, opened in a tab of its own the first time. */
  const helperPage = () => (helper ??= openMozExtensionPage(`moz-extension://${HELPER_UUID}/page.html`));

  async function askForMedia(): Promise<void> {
    await (await helperPage()).evaluate(() => (globalThis as unknown as HelperGlobal).browser.birdcallTest.askForMedia(true));
  }

  async function mediaPrompts(): Promise<MediaPrompt[]> {
    return (await helperPage()).evaluate(() => (globalThis as unknown as HelperGlobal).browser.birdcallTest.mediaPrompts());
  }

  async function answerMediaPrompt(path: string, { allow, remember }: { allow: boolean; remember: boolean }): Promise<void> {
    const url = `${extensionOrigin}${path.startsWith('/') ? path : `/${path}`}`;
    const page = await helperPage();
    let prompts: MediaPrompt[] = [];
    // Firefox ignores a click in the first moments a prompt is shown (security.notification_enable_delay): click until it goes.
    let clicked = false;
    await poll(
      async () => {
        prompts = await mediaPrompts();
        if (clicked && !prompts.some((prompt) => prompt.url === url)) return true;
        clicked =
          (await page.evaluate((...args) => (globalThis as unknown as HelperGlobal).browser.birdcallTest.answerMediaPrompt(...args), url, allow, remember)) ||
          clicked;
        return undefined;
      },
      `to ${allow ? 'allow' : 'block'} the camera/microphone prompt of ${path}`,
      { timeoutMs: 10_000, intervalMs: 250, describe: () => `prompts: ${JSON.stringify(prompts)}` },
    );
  }

  async function clickNotification(id: string): Promise<void> {
    const shown = (await shownNotifications())[id];
    if (!shown) throw new Error(`No notification "${id}" is shown`);
    const page = await helperPage();
    // The popup opens a moment after notifications.create resolves.
    let popups: string[] = [];
    let lastError = '';
    await poll(
      async () => {
        try {
          popups = await page.evaluate(() => (globalThis as unknown as HelperGlobal).browser.birdcallTest.notificationTitles());
          return (await page.evaluate((title) => (globalThis as unknown as HelperGlobal).browser.birdcallTest.clickNotification(title), shown.title)) > 0
            ? true
            : undefined;
        } catch (error) {
          lastError = String(error);
          throw error;
        }
      },
      `Firefox's popup for notification "${id}" (${shown.title})`,
      { timeoutMs: 10_000, describe: () => `popups shown: ${JSON.stringify(popups)} ${lastError}` },
    );
  }

  async function waitForPage(pathPrefix: string, opts: WaitOptions & { onlyNew?: boolean } = {}): Promise<Page> {
    const { timeoutMs = 15_000, onlyNew = false } = opts;
    const prefix = `${extensionOrigin}${pathPrefix.startsWith('/') ? pathPrefix : `/${pathPrefix}`}`;
    const before = onlyNew ? new Set(await browser.pages()) : new Set<Page>();
    let seen: string[] = [];
    return poll(
      async () => {
        const pages = (await browser.pages()).filter((page) => !before.has(page));
        const urls = await Promise.all(pages.map(pathOf));
        seen = urls.map(String);
        return pages.find((_, index) => urls[index]?.startsWith(prefix));
      },
      `${onlyNew ? 'a new' : 'a'} page at ${prefix}*`,
      { timeoutMs, intervalMs: 100, describe: () => `pages: ${seen.join(', ') || '(none)'}` },
    );
  }

  async function openXPage(url: string, html: XPageHtml): Promise<Page> {
    const page = await newTab();
    await serveXPages(page, html);
    await page.goto(url, { waitUntil: 'domcontentloaded' });
    return page;
  }

  return {
    browser,
    extensionOrigin,
    tempDir,
    evaluateInWorker,
    openXPage,
    openExtensionPage,
    waitForPage,
    notifications,
    shownNotifications,
    waitForNotification,
    clickNotification,
    askForMedia,
    mediaPrompts,
    answerMediaPrompt,
    close,
  };
}
