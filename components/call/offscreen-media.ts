/**
 * The call's streams as a signal, read from the offscreen document's window. That window may
 * appear a little after the call window (the background creates it on demand) or be replaced when
 * it restarts, so we look again on a short retry and whenever the call state changes.
 */
import { signal, untracked, type ReadonlySignal } from '@preact/signals';
import { MEDIA_CHANGED, type CallMedia } from '@/lib/media-bridge';
import { findOffscreenWindow, type OffscreenWindow } from '../browser-media';
import type { Scope } from '../view-model';

export const NO_MEDIA: CallMedia = { local: null, remote: null };
export const RETRY_EVERY_MS = 200;
export const RETRY_FOR_MS = 5000;

/** `lookAgainOn`: any signal whose change is a reason to look for the offscreen window again. */
export function offscreenMedia(scope: Scope, lookAgainOn: ReadonlySignal<unknown>): ReadonlySignal<CallMedia> {
  const media = signal<CallMedia>(NO_MEDIA);
  let host: OffscreenWindow | null = null;
  let retry: ReturnType<typeof setInterval> | undefined;

  const read = () => {
    media.value = host?.birdcallMedia ?? NO_MEDIA;
  };
  const detach = () => host?.removeEventListener(MEDIA_CHANGED, read);

  /** Attaches to the offscreen window now there; true when there is one. */
  const attach = (): boolean => {
    const found = findOffscreenWindow();
    if (found !== host) {
      detach();
      host = found;
      host?.addEventListener(MEDIA_CHANGED, read);
    }
    read();
    return host !== null;
  };

  const stopRetrying = () => clearInterval(retry);
  const attachOrRetry = () => {
    stopRetrying();
    if (attach()) return;
    let attempts = RETRY_FOR_MS / RETRY_EVERY_MS;
    retry = setInterval(() => {
      if (attach() || --attempts <= 0) stopRetrying();
    }, RETRY_EVERY_MS);
  };

  scope.effect(() => {
    void lookAgainOn.value;
    untracked(attachOrRetry);
  });
  scope.onDispose(() => {
    stopRetrying();
    detach();
  });
  return media;
}
