/**
 * "Call @author" and "Video call @author" at the end of a post's "..." menu. X's menu does not say
 * which post opened it, so the last click on a caret is remembered; any other click forgets it.
 * The entries are appended after X's own (React leaves foreign trailing nodes alone) and the menu
 * is closed with Escape after a call is placed, as X closes it after its own entries.
 */
import type { Handle } from '@/lib/handle';
import { caretAuthor, openMenu } from '@/lib/x/post-menu';
import { layersScopes } from '@/lib/x/watch';
import { runSurface } from './call-buttons';
import type { Feature } from './feature';

export const postMenu: Feature = {
  name: 'post-menu',
  // Posts are everywhere, but Birdcall stays off non-profile routes (home, search...): profiles only.
  include: (route) => route.kind === 'profile',
  init(signal, deps) {
    const { document } = deps;
    // The author of the post whose caret was clicked last; forgotten on any other click and once
    // the menu it opened has closed again.
    let author: Handle | null = null;
    let menuSeen = false;
    const closeMenu = () => {
      author = null;
      openMenu(document)?.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', code: 'Escape', keyCode: 27, bubbles: true }));
      sync();
    };
    const sync = runSurface(
      signal,
      deps,
      'postmenu',
      'menu',
      () => layersScopes(document),
      () => {
        const menu = author === null ? null : openMenu(document);
        if (menu) menuSeen = true;
        else if (menuSeen) author = null; // the menu closed: a later menu is not this post's
        return menu && author ? [{ parent: menu, before: null, handle: author }] : [];
      },
      closeMenu,
    );
    // Capture phase: X may stop the click from bubbling. The menu renders after this click.
    document.addEventListener(
      'click',
      (event) => {
        if (event.target instanceof Element && event.target.closest('[data-birdcall-set]')) return; // our own entries
        const clicked = caretAuthor(event.target);
        author = clicked;
        menuSeen = false;
        sync();
      },
      { capture: true, signal },
    );
  },
};
