/** The conversation header of X Chat (/i/chat/...): whether it is one-to-one, and with whom. */
import { parseHandle, type Handle } from '../handle';
import { handleOfElement, queryAll, queryFirst } from './dom';
import { scopeOrApp } from './watch';

interface ChatHeaderSlot {
  parent: Element;
  before: Element | null;
  handle: Handle;
}

/**
 * Everyone the header names other than the viewer: avatars and profile links, or, when it has
 * neither, the `@handle` texts. One person means a one-to-one chat; a group names several (or
 * only its own name and picture, so nobody).
 */
export function chatHeaderPeople(header: Element, viewer: Handle): { handles: Set<Handle>; first: Element | null } {
  const handles = new Set<Handle>();
  let first: Element | null = null;
  for (const element of queryAll(header, 'chatPerson')) {
    const handle = handleOfElement(element);
    if (!handle || handle === viewer) continue;
    handles.add(handle);
    first ??= element;
  }
  if (handles.size === 0) {
    const walker = header.ownerDocument.createTreeWalker(header, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent?.trim() ?? '';
      const parsed = /^@[A-Za-z0-9_]{1,15}$/.test(text) ? parseHandle(text) : null;
      if (!parsed?.ok || parsed.handle === viewer) continue;
      handles.add(parsed.handle);
      first ??= node.parentElement;
    }
  }
  return { handles, first };
}

/** The part of the page to watch for the chat header: the header, else the column (or the app) until it is drawn. */
export function chatHeaderScope(doc: Document): Element[] {
  return scopeOrApp(doc, queryFirst(doc, 'chatHeader'), queryFirst(doc, 'primaryColumn'));
}

/**
 * Where call buttons go in a one-to-one chat's header: before the first of X's buttons after the
 * person (e.g. conversation info), else at the end of the header. Null for groups and while the
 * header is not there.
 */
export function chatHeaderSlot(doc: Document, viewer: Handle): ChatHeaderSlot | null {
  const header = queryFirst(doc, 'chatHeader');
  if (!header) return null;
  const { handles, first } = chatHeaderPeople(header, viewer);
  if (handles.size !== 1 || !first) return null;
  const [handle] = handles as unknown as [Handle];
  const button = [...header.querySelectorAll('button, [role="button"]')].find(
    (candidate) =>
      !candidate.closest('[data-birdcall-set]') &&
      !candidate.contains(first) &&
      (first.compareDocumentPosition(candidate) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0,
  );
  return button?.parentElement ? { parent: button.parentElement, before: button, handle } : { parent: header, before: null, handle };
}
