/**
 * Calls started from the other surfaces than the profile header, between two real browsers: a
 * hover card that fills in late on the home timeline, and a one-to-one chat header. Same harness
 * and people as the profile call tests (./harness/people.ts). And the buttons as X renders in a
 * real Chromium: in-page navigation, re-renders, theme, language.
 */
import type { Page } from 'puppeteer-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Handle } from '../../lib/handle';
import { chatConversationId, chatPage, hoverCardHtml, hoverCardPage, profileHeaderHtml, profilePage } from '../fixtures/x-pages';
import {
  acceptFromNotification,
  clickDeep,
  closeCallWindows,
  expectFramesArriving,
  inspectDeep,
  poll,
  popupRows,
  signIn,
  testid,
  waitForDeep,
  waitForState,
  startService,
  type Person,
  type RunningService,
} from './harness';

const button = (surface: string, kind: 'audio' | 'video') => `${testid(`birdcall-call-${kind}`)}[data-surface="${surface}"]`;

describe('calls from the other surfaces', () => {
  let alice: Person;
  let bob: Person;
  let service: RunningService;
  const pages: Page[] = [];

  beforeAll(async () => {
    // A service of this file's own: alice and bob_1 are taken on the shared one by other browsers.
    service = await startService();
    [alice, bob] = await Promise.all([signIn('alice', { service: service.url }), signIn('Bob_1', { service: service.url })]);
  });
  afterEach(async () => {
    await Promise.all(pages.splice(0).map((page) => page.close().catch(() => {})));
    await Promise.all([alice, bob].filter(Boolean).map(closeCallWindows));
  });
  afterAll(async () => {
    await Promise.all([alice?.browser.close(), bob?.browser.close()]);
    await service?.close();
  });

  it('a video call from a hover card that filled in late connects, with frames both ways', async () => {
    // The card shows as a loading placeholder first, as X's does.
    const home = await alice.browser.openXPage('https://x.com/home', hoverCardPage({ viewer: 'alice', person: 'bob_1', filled: false }));
    pages.push(home);
    expect(await inspectDeep(home, testid('birdcall-call-video'), (el) => el !== null)).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 500));
    await home.evaluate(
      (html: string) => {
        document.getElementById('layers')!.innerHTML = html;
      },
      hoverCardHtml({ person: 'bob_1' }),
    );
    await waitForDeep(home, button('hovercard', 'video'), { timeoutMs: 5_000 });
    expect(await home.$$eval('[data-birdcall-set]', (sets) => sets.map((s) => s.getAttribute('data-birdcall-set')))).toEqual(['hovercard']);

    await clickDeep(home, button('hovercard', 'video'));
    const aliceWindow = await alice.browser.waitForPage('/call.html');
    await waitForState(aliceWindow, 'outgoing', { peer: 'bob_1' });
    const bobWindow = await acceptFromNotification(bob);

    await waitForState(aliceWindow, 'connected', { peer: 'bob_1' });
    await waitForState(bobWindow, 'connected', { peer: 'alice' });
    await expectFramesArriving(aliceWindow, 'birdcall-remote-video');
    await expectFramesArriving(bobWindow, 'birdcall-remote-video');

    await aliceWindow.click(testid('birdcall-hangup'));
    await waitForState(bobWindow, 'ended', { reason: 'remote-hung-up' });
    expect((await popupRows(alice))[0]).toEqual({ handle: 'bob_1', direction: 'outgoing', kind: 'video', outcome: 'answered' });
  });

  it('a voice call from a one-to-one chat header connects on both sides', async () => {
    const chat = { viewer: 'alice', with: ['bob_1'] };
    const page = await alice.browser.openXPage(`https://x.com/i/chat/${chatConversationId(chat)}`, chatPage(chat));
    pages.push(page);
    await clickDeep(page, button('chat', 'audio'), { timeoutMs: 5_000 });
    const aliceWindow = await alice.browser.waitForPage('/call.html');
    await waitForState(aliceWindow, 'outgoing', { peer: 'bob_1' });
    const bobWindow = await acceptFromNotification(bob);

    await waitForState(aliceWindow, 'connected', { peer: 'bob_1' });
    await waitForState(bobWindow, 'connected', { peer: 'alice' });

    await bobWindow.click(testid('birdcall-hangup'));
    await waitForState(aliceWindow, 'ended', { reason: 'remote-hung-up' });
    expect((await popupRows(bob))[0]).toEqual({ handle: 'alice', direction: 'incoming', kind: 'audio', outcome: 'answered' });
  });

  it('buttons come once on every surface as X renders: in-page navigation, a re-rendered row, theme, language, a hover card', async () => {
    const page = await alice.browser.openXPage('https://x.com/bob_1', profilePage({ viewer: 'alice', profile: 'bob_1' }));
    pages.push(page);
    // Each set as "surface:first label:theme", in document order.
    const sets = () =>
      page.$$eval('[data-birdcall-set]', (all) =>
        all.map(
          (set) => `${set.getAttribute('data-birdcall-set')}:${set.querySelector('button')?.getAttribute('aria-label')}:${set.getAttribute('data-theme')}`,
        ),
      );
    let seen: string[] = [];
    const until = (expected: string[]) =>
      poll(
        async () => {
          seen = await sets();
          return JSON.stringify(seen) === JSON.stringify(expected) ? true : undefined;
        },
        `sets ${JSON.stringify(expected)}`,
        { timeoutMs: 5_000, describe: () => `sets: ${JSON.stringify(seen)}` },
      );
    await until(['profile:Call @bob_1:light']);

    // X navigates in-page to carol (the content script is not run again): pushState, the title, her header.
    await page.evaluate(
      (header: string) => {
        history.pushState(null, '', '/carol');
        document.title = 'Carol (@carol) / X';
        const template = document.createElement('template');
        template.innerHTML = header;
        document.querySelector('[data-testid="primaryColumn"]')!.firstElementChild!.replaceWith(template.content.firstElementChild!);
      },
      profileHeaderHtml({ profile: 'carol' as Handle }),
    );
    await until(['profile:Call @carol:light']);

    // X re-renders the action row without Birdcall's set.
    await page.evaluate(() => {
      const row = document.querySelector('[data-testid="userActions"]')!.parentElement!;
      const fresh = row.cloneNode(true) as Element;
      fresh.querySelector('[data-birdcall-set]')!.remove();
      row.replaceWith(fresh);
    });
    await until(['profile:Call @carol:light']);

    await page.evaluate(() => (document.body.style.backgroundColor = 'rgb(0, 0, 0)'));
    await until(['profile:Call @carol:dark']);
    await page.evaluate(() => (document.documentElement.lang = 'es'));
    await until(['profile:Llamar a @carol:dark']);

    await page.evaluate((card: string) => (document.getElementById('layers')!.innerHTML = card), hoverCardHtml({ person: 'dave' }));
    await until(['profile:Llamar a @carol:dark', 'hovercard:Llamar a @dave:dark']);
  });

  it('a group chat header gets no buttons', async () => {
    const group = { viewer: 'alice', with: ['bob_1', 'carol'] };
    const page = await alice.browser.openXPage(`https://x.com/i/chat/${chatConversationId(group)}`, chatPage(group));
    pages.push(page);
    await page.waitForSelector(testid('dm-conversation-header'));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await inspectDeep(page, '[data-birdcall-set]', (el) => el !== null)).toBe(false);
  });
});
