/**
 * X's timeline never wakes the content script: on every kind of page, cells coming and going while
 * their attributes and texts change (as React re-renders them) run none of Birdcall's
 * MutationObserver callbacks, while a change where a surface lives does. Counted by wrapping
 * MutationObserver before the script starts.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Handle } from '@/lib/handle';
import { appPage, chatConversationId, chatPage, profileHeaderHtml, profilePage, timelineHtml } from '../../fixtures/x-pages';
import { callButtons, start, type Harness } from './harness';
import { element, fixture, loadPage, settle } from './page';

let callbacks = 0;
const Original = globalThis.MutationObserver;
beforeAll(() => {
  class Counted extends Original {
    constructor(callback: MutationCallback) {
      super((records, observer) => {
        callbacks++;
        callback(records, observer);
      });
    }
  }
  globalThis.MutationObserver = Counted;
  window.MutationObserver = Counted;
});
afterAll(() => {
  globalThis.MutationObserver = Original;
  window.MutationObserver = Original;
});

let harness: Harness | undefined;
afterEach(() => {
  harness?.stop();
  harness = undefined;
});

/** Scrolling X: cells appended and removed, the mounted ones re-rendered (position, counts, texts, links). */
async function churn(list: Element) {
  const templates = [...list.children].map((cell) => cell.cloneNode(true) as Element);
  for (let burst = 0; burst < 6; burst++) {
    for (let i = 0; i < 5; i++) list.append(templates[(burst + i) % templates.length]!.cloneNode(true));
    for (const [n, cell] of [...list.children].entries()) {
      cell.setAttribute('style', `transform: translateY(${n * 100 + burst}px);`);
      cell.querySelector('[aria-label]')?.setAttribute('aria-label', `LABEL ${burst}`);
      const link = cell.querySelector('a[href]');
      link?.setAttribute('href', `${link.getAttribute('href')}?${burst}`);
      const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
      for (let text = walker.nextNode(), n = 0; text && n < 5; text = walker.nextNode(), n++) text.nodeValue = `${text.nodeValue} `;
    }
    while (list.children.length > 8) list.firstElementChild!.remove();
    await settle();
  }
}

const one = { viewer: 'alice', with: ['bob'] };
const PAGES: Array<[string, () => string, string, string]> = [
  ["X's home (capture)", () => fixture('x-home.html'), 'https://x.com/home', '[data-testid="cellInnerDiv"]'],
  ['a search (capture)', () => fixture('x-search.html'), 'https://x.com/search?q=x', '[data-testid="cellInnerDiv"]'],
  ['a post (capture)', () => fixture('x-status.html'), 'https://x.com/bob/status/1000000000000000001', '[data-testid="cellInnerDiv"]'],
  ['a profile', () => profilePage({ viewer: 'alice', profile: 'bob' }), 'https://x.com/bob', '[data-testid="cellInnerDiv"]'],
  ['a redesigned profile', () => profilePage({ viewer: 'alice', profile: 'bob', header: 'redesign' }), 'https://x.com/bob', '[data-testid="cellInnerDiv"]'],
  ['a narrow profile', () => profilePage({ viewer: 'alice', profile: 'bob', layout: 'narrow' }), 'https://x.com/bob', '[data-testid="cellInnerDiv"]'],
  ['the own profile', () => profilePage({ viewer: 'alice', profile: 'alice', ownProfile: true }), 'https://x.com/alice', '[data-testid="cellInnerDiv"]'],
  ['a chat (its messages)', () => chatPage(one), `https://x.com/i/chat/${chatConversationId(one)}`, '[data-testid="dm-message-list"] [role="listitem"]'],
];

describe('the timeline wakes nothing', () => {
  it.each(PAGES)(
    'on %s',
    async (_name, html, url, cell) => {
      loadPage(html(), url);
      harness = start();
      const sets = document.querySelectorAll('[data-birdcall-set]').length;
      await settle();
      callbacks = 0;
      await churn(document.querySelector(cell)!.parentElement!);
      expect(callbacks).toBe(0);
      expect(document.querySelectorAll('[data-birdcall-set]')).toHaveLength(sets);

      // Where surfaces live still wakes it: a hover card's place under #layers.
      document.getElementById('layers')!.append(element('<div></div>'));
      await settle();
      expect(callbacks).toBeGreaterThan(0);
    },
    30_000,
  );

  it('on a profile whose timeline comes after its header: once, when the timeline is added, then never', async () => {
    const bob = 'bob' as Handle;
    loadPage(
      appPage({ title: 'Bob (@bob) / X', theme: 'light', viewer: 'alice' as Handle, primaryColumn: profileHeaderHtml({ profile: bob }) }),
      'https://x.com/bob',
    );
    harness = start();
    expect(callButtons()).toHaveLength(2);
    await settle();
    callbacks = 0;
    document.querySelector('[data-testid="primaryColumn"]')!.append(element(timelineHtml(bob)));
    await settle();
    expect(callbacks).toBe(1);
    await churn(document.querySelector('[data-testid="cellInnerDiv"]')!.parentElement!);
    expect(callbacks).toBe(1);
    expect(callButtons()).toHaveLength(2);
  });
});
