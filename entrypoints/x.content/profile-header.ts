/** Call buttons in the action row of another user's profile header. */
import type { Handle } from '@/lib/handle';
import { pageTheme, queryFirst, readSignedInHandle } from '@/lib/x/dom';
import { findActionRowSlot } from '@/lib/x/profile-header';
import { BUTTON_SET_ATTRIBUTE, createButtonSet } from './call-buttons';
import type { Feature, SendToBackground } from './feature';

const SURFACE = 'profile';
const SET_SELECTOR = `[${BUTTON_SET_ATTRIBUTE}="${SURFACE}"]`;

export const profileHeader: Feature = {
  name: 'profile-header',
  include: (route) => route.kind === 'profile',
  init(signal, { document, route, send, onPageChange }) {
    if (route.kind !== 'profile') return;
    // The header renders in stages and X re-renders it at will: re-check after every change.
    const sync = () => syncButtons(document, route.handle, send);
    onPageChange(sync, signal);
    signal.addEventListener('abort', () => removeButtons(document), { once: true });
    sync();
  },
};

/** Leaves exactly one button set, in the current action row of `handle`'s header, or none. */
function syncButtons(doc: Document, handle: Handle, send: SendToBackground) {
  const slot = mayCall(doc, handle) ? findActionRowSlot(doc, handle) : null;
  const theme = pageTheme(doc);
  let kept: Element | null = null;
  for (const set of doc.querySelectorAll(SET_SELECTOR)) {
    const current =
      kept === null && set.parentElement === slot?.row && set.getAttribute('data-birdcall-handle') === handle;
    if (!current) {
      set.remove();
      continue;
    }
    kept = set;
    if (set.getAttribute('data-theme') !== theme) set.setAttribute('data-theme', theme);
  }
  if (slot && !kept) slot.row.insertBefore(createButtonSet({ surface: SURFACE, handle, theme, send }), slot.before);
}

/** Only signed in to X's app, and never on the viewer's own profile. */
function mayCall(doc: Document, handle: Handle): boolean {
  if (!queryFirst(doc, 'appRoot')) return false;
  const viewer = readSignedInHandle(doc);
  return viewer !== null && viewer !== handle;
}

function removeButtons(doc: Document) {
  for (const set of doc.querySelectorAll(SET_SELECTOR)) set.remove();
}
