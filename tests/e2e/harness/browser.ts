/**
 * One headless Chromium with the built Birdcall extension, as every e2e test uses it.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import puppeteer, { type Browser, type Page, type Target, type WebWorker } from 'puppeteer-core';
import { findChromium } from './chromium';
import type { ExtensionChrome } from './extension-api';
import { poll, sleep } from './poll';
import { serveXPages, type XPageHtml } from './serve-x';

export type { XPageHtml } from './serve-x';

export interface LaunchOptions {
  /** Shows up in temp dir names and error messages, e.g. "alice". */
  name?: string;
  /** Extra Chromium flags, appended after the harness's own. */
  args?: string[];
  /**
   * Fake camera/mic granted without a prompt (default true). With false, the fake devices stay
   * but the fake-UI flag is left out, so getUserMedia needs a real grant (NotAllowedError in the
   * offscreen document, "Permission denied" on a visible page).
   */
  fakeMediaUi?: boolean;
  /** Print Chromium's stdout/stderr (default: env BIRDCALL_E2E_DUMPIO=1). */
  dumpio?: boolean;
  /** How long to wait for the extension's service worker at launch. Default 20 s. */
  timeoutMs?: number;
  /**
   * Run Chromium inside this network namespace (`ip netns exec`, root; see ./netns.ts). Puppeteer
   * then talks to it over a pipe, since a DevTools port would listen on the namespace's own
   * loopback. The browser reaches only what the namespace reaches (the service and coturn on the
   * lab's bridge address; x.com pages are served by request interception).
   */
  netns?: string;
}

export interface WaitOptions {
  timeoutMs?: number;
  /** How often to look, where the wait polls. */
  intervalMs?: number;
}

export interface BirdcallBrowser {
  browser: Browser;
  /** The extension's id (from its service worker's URL). */
  extensionId: string;
  /** "chrome-extension://<id>" */
  extensionOrigin: string;
  /** The temp dir holding this browser's profile and XDG dirs; removed by close(). */
  tempDir: string;
  /**
   * The extension's service worker, ready to evaluate in. When no worker runs (stopped), it is
   * started through CDP `ServiceWorker.startWorker` unless `wake: false`, which instead waits for
   * something else (a runtime message, a notification click...) to start it.
   */
  serviceWorker(options?: WaitOptions & { wake?: boolean }): Promise<WebWorker>;
  /** True when a service worker target for the extension currently exists. */
  serviceWorkerRunning(): boolean;
  /**
   * Really stops the service worker (as Chrome does when it idles out): WebWorker.close(), i.e.
   * CDP Target.closeTarget + detach. Resolves once the target is gone. No-op when not running.
   */
  stopServiceWorker(options?: WaitOptions): Promise<void>;
  /** Evaluates `fn` in the service worker (shorthand for serviceWorker() then evaluate). */
  evaluateInWorker<R, A extends unknown[]>(fn: (...args: A) => R | Promise<R>, ...args: A): Promise<Awaited<R>>;
  /** The offscreen document (a background_page target for /offscreen.html), waiting for it. */
  offscreenPage(options?: WaitOptions): Promise<Page>;
  /** True when the offscreen document currently exists. */
  offscreenOpen(): boolean;
  /**
   * A new tab at `url` (https://x.com/...) with request interception: documents on x.com (and
   * twitter.com) get `html` (or html(path, url)), other requests there get an empty 404, every
   * other request goes on. Resolves after domcontentloaded.
   */
  openXPage(url: string, html: XPageHtml): Promise<Page>;
  /** A new tab at one of the extension's pages, e.g. "/popup.html". */
  openExtensionPage(path: string): Promise<Page>;
  /**
   * Waits for a page target of the extension whose path starts with `pathPrefix` (e.g.
   * "/call.html", as opened by chrome.windows.create) and returns its Page. An already open one
   * counts unless `onlyNew`.
   */
  waitForPage(pathPrefix: string, options?: WaitOptions & { onlyNew?: boolean }): Promise<Page>;
  /** Ids of the notifications shown now (chrome.notifications.getAll()). */
  notifications(): Promise<string[]>;
  /** Waits until a notification whose id starts with `idPrefix` (any when undefined) shows; returns its id. */
  waitForNotification(idPrefix?: string, options?: WaitOptions): Promise<string>;
  /**
   * "Clicks" button `index` of the notification whose id starts with `idPrefix` (the only one
   * shown when undefined), waiting for it to appear: dispatches
   * chrome.notifications.onButtonClicked in the service worker, which runs the real listeners.
   * Returns the notification id.
   */
  clickNotificationButton(idPrefix: string | undefined, index: number, options?: WaitOptions): Promise<string>;
  /** "Clicks" the body of notification `id` (chrome.notifications.onClicked.dispatch). */
  clickNotification(id: string): Promise<void>;
  /** Closes Chromium, kills whatever is left of its process group, removes the temp dirs. */
  close(): Promise<void>;
}

/** What the people helpers (./people.ts) need of a browser with Birdcall: Chromium (above) or Firefox (./firefox.ts). */
export type ExtensionBrowser = Pick<
  BirdcallBrowser,
  | 'browser'
  | 'extensionOrigin'
  | 'tempDir'
  | 'evaluateInWorker'
  | 'openXPage'
  | 'openExtensionPage'
  | 'waitForPage'
  | 'notifications'
  | 'waitForNotification'
  | 'clickNotification'
  | 'close'
>;

const BASE_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-fake-device-for-media-stream',
  '--allow-loopback-in-peer-connection',
];

declare const chrome: ExtensionChrome; // evaluated in the service worker

/** Browsers not closed yet, killed when the test process exits anyway. */
const open = new Set<LaunchEntry>();
process.once('exit', () => {
  for (const entry of open) {
    killGroup(entry.pid);
    killLeftovers(entry.tempDir);
    rmSync(entry.tempDir, { recursive: true, force: true });
  }
});

/**
 * SIGKILLs processes whose command line names `tempDir` (unique to one launch): Chromium's
 * crashpad handlers run in their own process groups and can outlive a killed browser.
 */
function killLeftovers(tempDir: string) {
  if (process.platform !== 'linux') return;
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(tempDir)) process.kill(Number(name), 'SIGKILL');
    } catch {
      // gone, or not ours to read
    }
  }
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

function killGroup(pid: number | undefined) {
  if (!pid) return;
  try {
    process.kill(-pid, 'SIGKILL'); // Puppeteer starts Chromium detached: its own process group.
  } catch {
    // already gone
  }
}

export async function launchBrowser(extensionDir: string, options: LaunchOptions = {}): Promise<BirdcallBrowser> {
  const { name = 'browser', args = [], fakeMediaUi = true, timeoutMs = 20_000 } = options;
  const dumpio = options.dumpio ?? process.env.BIRDCALL_E2E_DUMPIO === '1';
  const chromium = findChromium();
  if (options.netns !== undefined && !/^[\w.-]+$/.test(options.netns)) throw new Error(`netns "${options.netns}": not a namespace name`);
  const extDir = resolve(extensionDir);
  if (!existsSync(join(extDir, 'manifest.json'))) {
    throw new Error(`No built extension at ${extDir} (manifest.json missing). Did the e2e global setup build it?`);
  }

  const tempDir = mkdtempSync(join(tmpdir(), `birdcall-e2e-${name.replace(/[^\w-]/g, '_')}-`));
  const entry = trackLaunch(tempDir);

  let executablePath = chromium;
  if (options.netns !== undefined) {
    // Puppeteer starts the executable with Chromium's arguments; `exec` keeps the pid Chromium's.
    executablePath = join(tempDir, 'chromium-in-netns.sh');
    writeFileSync(executablePath, `#!/bin/sh\nPATH="$PATH:/usr/sbin:/sbin"; export PATH\nexec ip netns exec ${options.netns} ${shellQuote(chromium)} "$@"\n`, {
      mode: 0o755,
    });
  }

  let browser: Browser;
  const launchStarted = Date.now();
  try {
    browser = await puppeteer.launch({
      executablePath,
      headless: true,
      userDataDir: join(tempDir, 'profile'),
      ignoreDefaultArgs: ['--disable-extensions'],
      ...(options.netns !== undefined ? { pipe: true } : {}),
      args: [
        ...BASE_FLAGS,
        ...(fakeMediaUi ? ['--use-fake-ui-for-media-stream'] : []),
        `--load-extension=${extDir}`,
        `--disable-extensions-except=${extDir}`,
        ...args,
      ],
      env: {
        ...process.env,
        XDG_CONFIG_HOME: join(tempDir, 'config'),
        XDG_CACHE_HOME: join(tempDir, 'cache'),
        XDG_RUNTIME_DIR: tempDir,
      },
      dumpio,
    });
  } catch (error) {
    forgetLaunch(entry);
    throw new Error(
      `Could not launch ${chromium}${options.netns !== undefined ? ` in network namespace ${options.netns}` : ''}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  entry.pid = browser.process()?.pid;
  const launchMs = Date.now() - launchStarted;

  const isOurWorker = (target: Target, origin?: string) =>
    target.type() === 'service_worker' && target.url().startsWith(origin ? `${origin}/` : 'chrome-extension://');

  let firstWorker: Target;
  try {
    firstWorker = await browser.waitForTarget((t) => isOurWorker(t), { timeout: timeoutMs });
  } catch {
    const targets = browser
      .targets()
      .map((t) => `${t.type()} ${t.url()}`)
      .join('\n  ');
    await closeBrowser(browser, entry);
    throw new Error(`The extension's service worker did not show up within ${timeoutMs} ms (extension at ${extDir}). Targets:\n  ${targets}`);
  }
  const extensionId = new URL(firstWorker.url()).host;
  const extensionOrigin = `chrome-extension://${extensionId}`;
  if (process.env.BIRDCALL_E2E_TIMINGS === '1') {
    console.log(`[e2e] ${name}: chromium launched in ${launchMs} ms, service worker after ${Date.now() - launchStarted} ms`);
  }

  let cached: { target: Target; worker: WebWorker } | null = null;
  browser.on('targetdestroyed', (target: Target) => {
    if (cached?.target === target) cached = null;
  });

  const findWorkerTarget = () => browser.targets().find((t) => isOurWorker(t, extensionOrigin));

  async function wakeWorker() {
    const pages = await browser.pages();
    const page = pages[0] ?? (await browser.newPage());
    const session = await page.createCDPSession();
    try {
      await session.send('ServiceWorker.enable');
      await session.send('ServiceWorker.startWorker', { scopeURL: `${extensionOrigin}/` });
    } finally {
      await session.detach().catch(() => {});
      if (!pages[0]) await page.close().catch(() => {});
    }
  }

  async function serviceWorker(opts: WaitOptions & { wake?: boolean } = {}): Promise<WebWorker> {
    const { timeoutMs: wait = 15_000, wake = true } = opts;
    if (cached && browser.targets().includes(cached.target)) return cached.worker;
    let target = findWorkerTarget();
    if (!target && wake) await wakeWorker();
    target ??= await browser
      .waitForTarget((t) => isOurWorker(t, extensionOrigin), { timeout: wait })
      .catch(() => {
        throw new Error(`No service worker for ${extensionOrigin} within ${wait} ms${wake ? ' (even after ServiceWorker.startWorker)' : ''}`);
      });
    const found = target;
    const worker = await poll(
      async () => {
        const w = await found.worker();
        if (!w) return undefined;
        const ready = await w.evaluate(() => typeof chrome !== 'undefined' && !!chrome.runtime?.id);
        return ready ? w : undefined;
      },
      `the service worker of ${extensionOrigin} to evaluate`,
      { timeoutMs: wait },
    );
    cached = { target: found, worker };
    return worker;
  }

  async function stopServiceWorker(opts: WaitOptions = {}): Promise<void> {
    const { timeoutMs: wait = 10_000 } = opts;
    const target = findWorkerTarget();
    if (!target) return;
    const gone = new Promise<void>((resolveGone) => {
      const onDestroyed = (t: Target) => {
        if (t === target) {
          browser.off('targetdestroyed', onDestroyed);
          resolveGone();
        }
      };
      browser.on('targetdestroyed', onDestroyed);
      if (!browser.targets().includes(target)) {
        browser.off('targetdestroyed', onDestroyed);
        resolveGone();
      }
    });
    const worker = await target.worker();
    await worker?.close();
    cached = null;
    // A stop asked for while the worker is busy (a message from the offscreen document) is sometimes not carried out: ask again.
    const again = setInterval(() => void worker?.close().catch(() => undefined), 2_000);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      gone,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`The service worker of ${extensionOrigin} did not stop within ${wait} ms`)), wait);
      }),
    ]).finally(() => {
      clearTimeout(timer);
      clearInterval(again);
    });
  }

  async function evaluateInWorker<R, A extends unknown[]>(fn: (...a: A) => R | Promise<R>, ...fnArgs: A): Promise<Awaited<R>> {
    const worker = await serviceWorker();
    return (await worker.evaluate(fn as (...a: unknown[]) => R, ...fnArgs)) as Awaited<R>;
  }

  const isOffscreen = (t: Target) => t.type() === 'background_page' && t.url().startsWith(`${extensionOrigin}/offscreen.html`);

  async function offscreenPage(opts: WaitOptions = {}): Promise<Page> {
    const { timeoutMs: wait = 15_000 } = opts;
    const target = await browser.waitForTarget(isOffscreen, { timeout: wait }).catch(() => {
      throw new Error(`No offscreen document (${extensionOrigin}/offscreen.html) within ${wait} ms`);
    });
    // Chrome may announce the offscreen document as another target type first, in which case
    // Puppeteer's target.page() is null; asPage() attaches a Page to any target.
    return (await target.page()) ?? (await target.asPage());
  }

  async function openXPage(url: string, html: XPageHtml): Promise<Page> {
    const page = await browser.newPage();
    await serveXPages(page, html);
    await page.goto(url, { waitUntil: 'domcontentloaded' });
    return page;
  }

  async function openExtensionPage(path: string): Promise<Page> {
    const page = await browser.newPage();
    await page.goto(`${extensionOrigin}${path.startsWith('/') ? path : `/${path}`}`, { waitUntil: 'domcontentloaded' });
    return page;
  }

  async function waitForPage(pathPrefix: string, opts: WaitOptions & { onlyNew?: boolean } = {}): Promise<Page> {
    const { timeoutMs: wait = 15_000, onlyNew = false } = opts;
    const prefix = `${extensionOrigin}${pathPrefix.startsWith('/') ? pathPrefix : `/${pathPrefix}`}`;
    const before = onlyNew ? new Set(browser.targets()) : new Set<Target>();
    const target = await browser
      .waitForTarget((t) => t.type() === 'page' && t.url().startsWith(prefix) && !before.has(t), { timeout: wait })
      .catch(() => {
        const pages = browser
          .targets()
          .filter((t) => t.type() === 'page')
          .map((t) => t.url());
        throw new Error(`No ${onlyNew ? 'new ' : ''}page at ${prefix}* within ${wait} ms. Pages: ${pages.join(', ') || '(none)'}`);
      });
    return (await target.page()) ?? (await target.asPage());
  }

  async function notifications(): Promise<string[]> {
    return evaluateInWorker(() => new Promise<string[]>((done) => chrome.notifications.getAll((all) => done(Object.keys(all ?? {})))));
  }

  async function waitForNotification(idPrefix?: string, opts: WaitOptions = {}): Promise<string> {
    const { timeoutMs: wait = 15_000, intervalMs } = opts;
    let last: string[] = [];
    return poll(
      async () => {
        last = await notifications();
        const matching = last.filter((id) => idPrefix === undefined || id.startsWith(idPrefix));
        if (matching.length > 1) {
          throw new Error(`several notifications match ${idPrefix ?? '(any)'}: ${matching.join(', ')}`);
        }
        return matching[0];
      },
      `a notification${idPrefix ? ` with id starting "${idPrefix}"` : ''}`,
      { timeoutMs: wait, intervalMs, describe: () => `notifications shown: ${last.join(', ') || '(none)'}` },
    );
  }

  async function clickNotificationButton(idPrefix: string | undefined, index: number, opts: WaitOptions = {}): Promise<string> {
    const id = await waitForNotification(idPrefix, opts);
    await evaluateInWorker(
      (notificationId: string, buttonIndex: number) => {
        // Not in @types/chrome, but present: runs the listeners as a real click would.
        chrome.notifications.onButtonClicked.dispatch(notificationId, buttonIndex);
      },
      id,
      index,
    );
    return id;
  }

  async function clickNotification(id: string): Promise<void> {
    const shown = await notifications();
    if (!shown.includes(id)) throw new Error(`No notification "${id}" is shown (shown: ${shown.join(', ') || 'none'})`);
    await evaluateInWorker((notificationId: string) => {
      chrome.notifications.onClicked.dispatch(notificationId);
    }, id);
  }

  return {
    browser,
    extensionId,
    extensionOrigin,
    tempDir,
    serviceWorker,
    serviceWorkerRunning: () => findWorkerTarget() !== undefined,
    stopServiceWorker,
    evaluateInWorker,
    offscreenPage,
    offscreenOpen: () => browser.targets().some(isOffscreen),
    openXPage,
    openExtensionPage,
    waitForPage,
    notifications,
    waitForNotification,
    clickNotificationButton,
    clickNotification,
    close: () => closeBrowser(browser, entry),
  };
}

/** A launched browser's process and temp dir, killed and removed when the test process exits anyway. */
export interface LaunchEntry {
  pid: number | undefined;
  tempDir: string;
}

export function trackLaunch(tempDir: string): LaunchEntry {
  const entry: LaunchEntry = { pid: undefined, tempDir };
  open.add(entry);
  return entry;
}

/** For a launch that failed before there was a browser to close. */
export function forgetLaunch(entry: LaunchEntry): void {
  open.delete(entry);
  rmSync(entry.tempDir, { recursive: true, force: true });
}

/** Closes the browser, kills whatever is left of its process group, removes its temp dirs. */
export async function closeBrowser(browser: Browser, entry: LaunchEntry) {
  if (!open.has(entry)) return;
  open.delete(entry);
  const proc = browser.process();
  await Promise.race([browser.close().catch(() => {}), sleep(5000)]);
  if (proc && proc.exitCode === null && proc.signalCode === null) {
    killGroup(proc.pid);
    await Promise.race([new Promise((done) => proc.once('exit', done)), sleep(2000)]);
  }
  killGroup(proc?.pid); // renderers or zygotes that outlived the main process
  killLeftovers(entry.tempDir);
  rmSync(entry.tempDir, { recursive: true, force: true, maxRetries: 3, retryDelay: 100 });
}
