import { afterEach, describe, expect, it } from 'vitest';
import { postMenuHtml, profilePage } from '../../fixtures/x-pages';
import { callButtons, start, trustedClick, type Harness } from './harness';
import { element, fixture, loadPage, settle } from './page';

let harness: Harness | undefined;
afterEach(() => {
  harness?.stop();
  harness = undefined;
});

const layers = () => document.getElementById('layers')!;
const caret = () => document.querySelector<HTMLElement>('article [data-testid="caret"]')!;
const menuButtons = () => callButtons().filter((b) => b.dataset.surface === 'postmenu');

/** What X does on a caret click: the click, then the menu under #layers. */
async function openPostMenu(author: string, testid = true) {
  caret().click();
  layers().append(element(postMenuHtml({ author, testid })));
  await settle();
}

describe('post menu entries', () => {
  it('"Call @author" and "Video call @author" at the end of the menu a caret opened', async () => {
    loadPage(profilePage({ viewer: 'alice', profile: 'bob' }), 'https://x.com/bob');
    harness = start();
    await openPostMenu('bob');
    expect(menuButtons().map((b) => [b.dataset.testid, b.getAttribute('role'), b.textContent])).toEqual([
      ['birdcall-call-audio', 'menuitem', 'Call @bob'],
      ['birdcall-call-video', 'menuitem', 'Video call @bob'],
    ]);
    const set = menuButtons()[0]!.parentElement!;
    expect(set.getAttribute('role')).toBe('group');
    expect(set.parentElement?.getAttribute('role')).toBe('menu');
    expect(set.nextElementSibling).toBeNull();
  });

  it('place the call and close the menu with Escape', async () => {
    loadPage(profilePage({ viewer: 'alice', profile: 'bob' }), 'https://x.com/bob');
    harness = start();
    await openPostMenu('bob');
    const keys: string[] = [];
    document.addEventListener('keydown', (event) => keys.push(event.key), { once: true });
    trustedClick(menuButtons()[1]!);
    expect(harness.send).toHaveBeenLastCalledWith({ to: 'background', type: 'place-call', handle: 'bob', kind: 'video' });
    expect(keys).toEqual(['Escape']);
    expect(menuButtons()).toEqual([]);
  });

  it('work with a role="menu" without its test id, and with a caret found by aria-haspopup', async () => {
    loadPage(profilePage({ viewer: 'alice', profile: 'bob' }), 'https://x.com/bob');
    caret().removeAttribute('data-testid');
    harness = start();
    document.querySelector<HTMLElement>('article button[aria-haspopup="menu"]')!.click();
    layers().append(element(postMenuHtml({ author: 'bob', testid: false })));
    await settle();
    expect(menuButtons()).toHaveLength(2);
  });

  it('find the author from the avatar when the name block has no link', async () => {
    loadPage(profilePage({ viewer: 'alice', profile: 'bob' }), 'https://x.com/bob');
    for (const link of document.querySelectorAll('article [data-testid="User-Name"] a')) link.removeAttribute('href');
    harness = start();
    await openPostMenu('bob');
    expect(menuButtons().map((b) => b.textContent)).toEqual(['Call @bob', 'Video call @bob']);
  });

  it("stay out of menus opened elsewhere (the profile More menu) and of the viewer's own posts", async () => {
    loadPage(profilePage({ viewer: 'alice', profile: 'bob' }), 'https://x.com/bob');
    harness = start();
    document.querySelector<HTMLElement>('[data-testid="userActions"]')!.click();
    layers().append(element(postMenuHtml({ author: 'bob' })));
    await settle();
    expect(menuButtons()).toEqual([]);
    layers().replaceChildren();
    harness.stop();

    loadPage(fixture('profile-own.html'), 'https://x.com/alice');
    harness = start();
    await openPostMenu('alice');
    expect(menuButtons()).toEqual([]);
  });

  it('go with the menu, and a later menu from elsewhere gets none', async () => {
    loadPage(profilePage({ viewer: 'alice', profile: 'bob' }), 'https://x.com/bob');
    harness = start();
    await openPostMenu('bob');
    layers().replaceChildren();
    await settle();
    expect(menuButtons()).toEqual([]);
    // A menu opened by keyboard shortcut or script, with no caret click before it.
    layers().append(element(postMenuHtml({ author: 'bob' })));
    await settle();
    expect(menuButtons()).toEqual([]);
  });

  it('stay off the home timeline (Birdcall does nothing on non-profile routes)', async () => {
    loadPage(profilePage({ viewer: 'alice', profile: 'bob' }), 'https://x.com/home');
    harness = start();
    await openPostMenu('bob');
    expect(callButtons()).toEqual([]);
  });
});
