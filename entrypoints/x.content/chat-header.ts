/** Call buttons in the header of a one-to-one conversation in X Chat; nothing on groups or the passcode screen. */
import { chatHeaderScope, chatHeaderSlot } from '@/lib/x/chat-header';
import { runSurface } from './call-buttons';
import type { Feature } from './feature';

export const chatHeader: Feature = {
  name: 'chat-header',
  include: (route) => route.kind === 'chat',
  init(signal, deps) {
    runSurface(
      signal,
      deps,
      'chat',
      'compact',
      () => chatHeaderScope(deps.document),
      (viewer) => {
        const me = viewer();
        const slot = me === null ? null : chatHeaderSlot(deps.document, me);
        return slot ? [slot] : [];
      },
    );
  },
};
