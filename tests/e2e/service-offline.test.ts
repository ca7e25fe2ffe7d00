/**
 * Birdcall's service out of reach, as a person sees it: the popup says offline at once and why,
 * with a Retry that works once the service is back; X's call buttons are aria-disabled with the
 * reason as their tooltip; and a call fails at once with the reason instead of "Calling…".
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  inspectDeep,
  openProfile,
  poll,
  signIn,
  sleep,
  startService,
  testid,
  useService,
  waitForIdentity,
  waitForState,
  type Person,
  type RunningService,
} from './harness';

/** Lost first; then, while it stays away, each retry finds it cannot be reached. */
const OFFLINE_LOST =
  /^Offline: (the connection to Birdcall's service \(127\.0\.0\.1:\d+\) was lost|Birdcall's service \(127\.0\.0\.1:\d+\) cannot be reached)\.$/;
const OFFLINE_UNREACHABLE = /^Offline: Birdcall's service \(127\.0\.0\.1:\d+\) cannot be reached\.$/;
/** Offline is shown within this; before, it took over 70 s. */
const AT_ONCE_MS = 5_000;

/** What the popup's status line says once it says offline (a retry into nothing goes back there too). */
const popupOffline = (popup: Page) =>
  poll(
    async () => {
      const shown = await popupStatus(popup);
      return shown.status === 'offline' ? shown : undefined;
    },
    'the popup to say offline',
    { timeoutMs: AT_ONCE_MS },
  );

const popupStatus = (popup: Page) =>
  popup.$eval(testid('birdcall-own-status'), (header) => ({
    status: header.getAttribute('data-status'),
    line: header.querySelector('.signal')?.textContent?.trim(),
  }));

/** What X's call buttons on `profile` say: aria-disabled and the tooltip of each. */
const buttonsShow = (profile: Page) =>
  inspectDeep(profile, '[data-birdcall-set]', (set) =>
    [...(set?.querySelectorAll('button') ?? [])].map((button) => ({ disabled: button.getAttribute('aria-disabled'), title: button.getAttribute('title') })),
  );

async function callWindowsOf(person: Person): Promise<number> {
  return (await person.browser.browser.pages()).filter((page) => page.url().includes('/call.html')).length;
}

/** A loopback port nobody listens on. */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const { port } = server.address() as { port: number };
  await new Promise((closed) => server.close(closed));
  return port;
}

describe("Birdcall's service out of reach", () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'birdcall-offline-'));
  let service: RunningService;
  let restarted: RunningService | null = null;
  let alice: Person;

  beforeAll(async () => {
    service = await startService({ dataDir });
    alice = await signIn('off_alice', { service: service.url });
    // A recent call (off_bob is not online: not available), to call back from the popup later.
    const profile = await openProfile(alice, 'off_bob');
    await profile.locator(`>>> ${testid('birdcall-call-audio')}`).click();
    const callWindow = await alice.browser.waitForPage('/call.html');
    await waitForState(callWindow, 'ended', { reason: 'unavailable' });
    await Promise.all([callWindow.close(), profile.close()]);
  });
  afterAll(async () => {
    await alice?.browser.close();
    await Promise.all([service?.close(), restarted?.close()]);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('a stopped service: the popup says offline at once and why, the X buttons are disabled saying why, a call fails at once; Retry works once it is back', async () => {
    const profile = await openProfile(alice, 'off_bob');
    await poll(async () => ((await buttonsShow(profile)).length === 2 ? true : undefined), "the call buttons on off_bob's profile");
    expect((await buttonsShow(profile)).map((b) => b.disabled)).toEqual([null, null]);

    const popup = await alice.browser.openExtensionPage('/popup.html');
    await popup.waitForSelector(testid('birdcall-call-back'));
    expect(await popup.$(testid('birdcall-retry-service'))).toBeNull();

    await service.close();
    const stoppedAt = Date.now();
    const offline = await popupOffline(popup);
    console.log(`[figures] service stopped -> popup says offline: ${Date.now() - stoppedAt} ms`);
    expect(offline.line).toMatch(OFFLINE_LOST);
    await popup.waitForSelector(testid('birdcall-retry-service'));

    // X's buttons: aria-disabled, the reason as tooltip, and a click starts nothing.
    const disabled = await poll(
      async () => {
        const shown = await buttonsShow(profile);
        return shown.every((b) => b.disabled === 'true') ? shown : undefined;
      },
      'the call buttons to be disabled',
      { timeoutMs: AT_ONCE_MS },
    );
    for (const button of disabled) expect(button.title).toMatch(OFFLINE_LOST);
    await profile.bringToFront();
    await profile.locator(`>>> ${testid('birdcall-call-video')}`).click();

    // Calling back from the popup fails at once with the reason: no call window, no "Calling…".
    await popup.bringToFront();
    await popup.click(testid('birdcall-call-back'));
    const refused = await popup.waitForSelector('.popup-error[role="alert"]', { timeout: 2_000 });
    expect(await refused!.evaluate((alert) => alert.textContent)).toMatch(OFFLINE_LOST);
    await sleep(1_000);
    expect(await callWindowsOf(alice)).toBe(0);

    // Retry while the service is still away: it tries, and says offline again.
    await popup.click(testid('birdcall-retry-service'));
    await popupOffline(popup);

    // Back where it was, with the same data: Retry brings Birdcall online, and the buttons back.
    restarted = await startService({ port: service.port, dataDir });
    await popup.click(testid('birdcall-retry-service'));
    await waitForIdentity(alice.browser, 'off_alice', false, 10_000);
    expect(await popupStatus(popup)).toEqual({ status: 'connected', line: 'Online, ready for calls' });
    expect(await popup.$(testid('birdcall-retry-service'))).toBeNull();
    await poll(async () => ((await buttonsShow(profile)).every((b) => b.disabled === null) ? true : undefined), 'the call buttons to be enabled again');
    expect((await buttonsShow(profile)).map((b) => b.title)).toEqual(['Call @off_bob', 'Video call @off_bob']);
    await popup.close();
    await profile.close();
  });

  it('a service URL nobody listens on: offline at once, saying it cannot be reached, and calls fail at once', async () => {
    await useService(alice.browser, `http://127.0.0.1:${await deadPort()}/`);
    const popup = await alice.browser.openExtensionPage('/popup.html');
    expect((await popupOffline(popup)).line).toMatch(OFFLINE_UNREACHABLE);
    const profile = await openProfile(alice, 'off_bob');
    const shown = await poll(
      async () => {
        const buttons = await buttonsShow(profile);
        return buttons.length === 2 && buttons.every((b) => b.disabled === 'true') ? buttons : undefined;
      },
      'the call buttons to be disabled',
      { timeoutMs: AT_ONCE_MS },
    );
    for (const button of shown) expect(button.title).toMatch(OFFLINE_UNREACHABLE);
    await popup.bringToFront();
    await popup.click(testid('birdcall-call-back'));
    const refused = await popup.waitForSelector('.popup-error[role="alert"]', { timeout: 2_000 });
    expect(await refused!.evaluate((alert) => alert.textContent)).toMatch(OFFLINE_UNREACHABLE);
    expect(await callWindowsOf(alice)).toBe(0);
    await Promise.all([popup.close(), profile.close()]);
  });
});
