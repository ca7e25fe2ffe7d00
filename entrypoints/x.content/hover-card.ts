/** A compact call button pair in X's hover cards, on every route (they appear over names and avatars anywhere). */
import { hoverCardSlots } from '@/lib/x/hover-card';
import { layersScopes } from '@/lib/x/watch';
import { runSurface } from './call-buttons';
import type { Feature } from './feature';

export const hoverCard: Feature = {
  name: 'hover-card',
  include: () => true,
  init(signal, deps) {
    // Cards come and go within a second and fill in late: every change under #layers re-checks them all.
    runSurface(
      signal,
      deps,
      'hovercard',
      'compact',
      () => layersScopes(deps.document),
      () => hoverCardSlots(deps.document),
    );
  },
};
