/** A post's "..." (caret) menu: which post's author a click on a caret is about, and the menu it opens. */
import type { Handle } from '../handle';
import { handleOfElement, queryAll, queryFirst } from './dom';
import { selectors } from './selectors';

const POST = selectors.post.join(',');
const CARET = selectors.postCaret.join(',');

/** The author of the post whose caret `target` is (or is inside), else null. */
export function caretAuthor(target: EventTarget | null): Handle | null {
  if (!(target instanceof Element)) return null;
  const caret = target.closest(CARET);
  const post = caret?.closest(POST);
  if (!caret || !post) return null;
  for (const element of queryAll(post, 'postAuthor')) {
    // A quoted post inside this one has its own author: only this post's own.
    if (element.closest(POST) !== post) continue;
    const handle = handleOfElement(element);
    if (handle) return handle;
  }
  return null;
}

/** The dropdown menu that is open now, if any. */
export function openMenu(doc: Document): Element | null {
  const layers = queryFirst(doc, 'layers');
  return layers ? queryFirst(layers, 'openMenu') : null;
}
