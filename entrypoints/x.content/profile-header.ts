/** Call buttons in the action row of another user's profile header (classic, redesigned and narrow layouts). */
import { queryFirst } from '@/lib/x/dom';
import { findActionRowSlot, missingActionRowAnchors, profileHeaderScope } from '@/lib/x/profile-header';
import { runSurface, signedInViewer } from './call-buttons';
import type { Feature } from './feature';

/** How long a loaded profile page may go without an action row before it counts as "X layout changed". */
export const LAYOUT_CHECK_MS = 5000;

export const profileHeader: Feature = {
  name: 'profile-header',
  include: (route) => route.kind === 'profile',
  init(signal, deps) {
    const { document, route, send } = deps;
    if (route.kind !== 'profile') return;
    // The header renders in stages and X re-renders it at will: re-check after every change in it.
    runSurface(
      signal,
      deps,
      'profile',
      'round',
      () => profileHeaderScope(document),
      () => {
        const slot = findActionRowSlot(document, route.handle);
        return slot ? [{ parent: slot.row, before: slot.before, handle: route.handle }] : [];
      },
    );

    // Signed in, on a profile, the column there, and still nowhere to put the buttons: say so once.
    const timer = setTimeout(() => {
      if (signal.aborted || signedInViewer(document) === null || !queryFirst(document, 'primaryColumn')) return;
      const anchors = missingActionRowAnchors(document);
      if (anchors === null) return;
      const path = document.location.pathname;
      send({ to: 'background', type: 'layout-changed', surface: 'profile', path, anchors }).catch((error: unknown) => {
        console.warn('[birdcall] could not report a layout change', error);
      });
    }, LAYOUT_CHECK_MS);
    signal.addEventListener('abort', () => clearTimeout(timer), { once: true });
  },
};
