/** Tells the background who is signed in to X, once known and again whenever it changes. */
import type { Handle } from '@/lib/handle';
import { readSignedInHandle } from '@/lib/x/dom';
import { viewerScopes } from '@/lib/x/watch';
import type { Feature } from './feature';

/** A factory because what was last reported must outlive the restarts on every route change. */
export function createSignedInUser(): Feature {
  let reported: Handle | null = null;
  return {
    name: 'signed-in-user',
    include: () => true,
    init(signal, { document, send, watch }) {
      const check = () => {
        const handle = readSignedInHandle(document);
        if (handle === null || handle === reported) return;
        reported = handle;
        send({ to: 'background', type: 'signed-in', handle }).catch((error: unknown) => {
          console.warn('[birdcall] could not report the signed-in user', error);
        });
      };
      watch({ scopes: () => viewerScopes(document), onChange: check }, signal);
      check();
    },
  };
}
