/** Each surface fixture file, loaded at its route, gives exactly the button sets it should. */
import { afterEach, describe, expect, it } from 'vitest';
import { chatConversationId } from '../../fixtures/x-pages';
import { start, type Harness } from './harness';
import { fixture, loadPage, settle } from './page';

let harness: Harness | undefined;
afterEach(() => {
  harness?.stop();
  harness = undefined;
});

const sets = () =>
  [...document.querySelectorAll('[data-birdcall-set]')].map((set) => ({
    surface: set.getAttribute('data-birdcall-set'),
    theme: set.getAttribute('data-theme'),
    label: set.querySelector('button')?.getAttribute('aria-label'),
  }));

describe('surface fixture files', () => {
  it.each([
    ['profile-redesign.html', '/bob', [{ surface: 'profile', theme: 'light', label: 'Call @bob' }]],
    ['profile-narrow.html', '/bob', [{ surface: 'profile', theme: 'light', label: 'Call @bob' }]],
    ['profile-missing.html', '/nobody', []],
    ['hovercard-loading.html', '/home', []],
    ['hovercard.html', '/home', [{ surface: 'hovercard', theme: 'dark', label: 'Call @bob' }]],
    [
      'chat-one-to-one.html',
      `/i/chat/${chatConversationId({ viewer: 'alice', with: ['bob'] })}`,
      [{ surface: 'chat', theme: 'light', label: 'اتصال بـ \u2068@bob\u2069' }],
    ],
    ['chat-group.html', `/i/chat/${chatConversationId({ viewer: 'alice', with: ['bob', 'carol'] })}`, []],
    ['chat-pin.html', '/i/chat/pin', []],
    ['post-menu.html', '/home', []],
  ])('%s at %s', async (name, path, expected) => {
    loadPage(fixture(name), `https://x.com${path}`);
    harness = start();
    await settle();
    expect(sets()).toEqual(expected);
  });
});
