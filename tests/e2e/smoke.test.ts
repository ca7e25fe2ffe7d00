/**
 * The harness and the built extension work at all: the extension loads with its service worker,
 * asks for no more than it should, x.com pages are served by interception, and the service
 * worker can be stopped and started again. Nothing here depends on call features.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser, type BirdcallBrowser, type ExtensionChrome } from './harness';

declare const chrome: ExtensionChrome; // evaluated in the service worker

const HOME_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Home / X</title></head>
<body><main data-testid="primaryColumn"><h1>Home</h1></main></body></html>`;

describe('smoke', () => {
  let b: BirdcallBrowser;

  beforeAll(async () => {
    b = await launchBrowser(inject('extensionDir'), { name: 'smoke' });
  });
  afterAll(async () => {
    await b?.close();
  });

  it('loads the extension with a service worker', async () => {
    expect(b.extensionId).toMatch(/^[a-p]{32}$/);
    const worker = await b.serviceWorker();
    expect(worker.url()).toMatch(new RegExp(`^chrome-extension://${b.extensionId}/`));
    expect(await worker.evaluate(() => chrome.runtime.id)).toBe(b.extensionId);
  });

  it('asks only for offscreen, notifications, storage and identity (X sign-in), and no <all_urls>', async () => {
    const manifest = await b.evaluateInWorker(() => chrome.runtime.getManifest());
    expect(manifest.manifest_version).toBe(3);
    expect([...(manifest.permissions ?? [])].sort()).toEqual(['identity', 'notifications', 'offscreen', 'storage']);
    const hosts = [...(manifest.host_permissions ?? [])];
    expect(hosts).not.toContain('<all_urls>');
    for (const host of hosts) expect(host).toMatch(/^https:\/\/(x|twitter)\.com\//);
    const contentMatches = (manifest.content_scripts ?? []).flatMap((script) => script.matches ?? []);
    expect(contentMatches).not.toContain('<all_urls>');
    for (const match of contentMatches) expect(match).toMatch(/^https:\/\/(\*\.)?(x|twitter)\.com\//);
  });

  it('was built against the local signaling server', () => {
    const signalUrl = inject('signalUrl');
    expect(signalUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    // BIRDCALL_SIGNAL_URL is baked in at build time (wxt.config.ts define).
    const dir = inject('extensionDir');
    const bundles = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.js'));
    expect(bundles.some((file) => readFileSync(join(dir, file), 'utf8').includes(signalUrl))).toBe(true);
  });

  it('serves https://x.com/home from the fixture HTML', async () => {
    const page = await b.openXPage('https://x.com/home', HOME_HTML);
    try {
      expect(page.url()).toBe('https://x.com/home');
      expect(await page.title()).toBe('Home / X');
      expect(await page.$eval('[data-testid="primaryColumn"] h1', (h) => h.textContent)).toBe('Home');
      // Anything else on x.com is an empty 404, never the network.
      const status = await page.evaluate(async () => (await fetch('/some/api.json')).status);
      expect(status).toBe(404);
    } finally {
      await page.close();
    }
  });

  it('stops the service worker for real and starts it again', async () => {
    const worker = await b.serviceWorker();
    await worker.evaluate(() => {
      (globalThis as { __birdcallMarker?: number }).__birdcallMarker = 42;
    });
    await b.stopServiceWorker();
    expect(b.serviceWorkerRunning()).toBe(false);
    const restarted = await b.serviceWorker(); // wakes it through CDP ServiceWorker.startWorker
    expect(b.serviceWorkerRunning()).toBe(true);
    // A fresh global scope: the script ran again, the old worker's state is gone.
    expect(await restarted.evaluate(() => (globalThis as { __birdcallMarker?: number }).__birdcallMarker)).toBeUndefined();
    expect(await restarted.evaluate(() => chrome.runtime.id)).toBe(b.extensionId);
  });
});
