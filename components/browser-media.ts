/**
 * Every browser media global the pages touch (the offscreen window's streams, getUserMedia,
 * permission queries, media element playback), behind one small module so tests replace it whole.
 */
import { browser } from 'wxt/browser';
import { OFFSCREEN_PATH, type MediaHost } from '@/lib/media-bridge';
import { permissionStatus, type DeviceName } from '@/lib/media-devices';

/** The offscreen document's window: it carries the streams and announces MEDIA_CHANGED. */
export type OffscreenWindow = EventTarget & MediaHost;

export function findOffscreenWindow(): OffscreenWindow | null {
  // The generated typings name the views after chrome.windows.Window; they are DOM windows.
  const views = browser.extension.getViews() as unknown as (Window & MediaHost)[];
  return views.find((view) => view.location.pathname === OFFSCREEN_PATH) ?? null;
}

/** Shows `stream` in `element`. Streams come from the offscreen window's realm: srcObject takes them all the same. */
export function showStream(element: HTMLMediaElement, stream: MediaStream | null): void {
  if (element.srcObject === stream) return;
  element.srcObject = stream;
  // play() only settles once frames arrive, and autoplay covers us anyway: never wait on it.
  if (stream) element.play().catch(() => {});
}

export function getUserMedia(constraints: MediaStreamConstraints): Promise<MediaStream> {
  return navigator.mediaDevices.getUserMedia(constraints);
}

/**
 * Calls `changed` with the permission's state now, and again whenever it changes (the person
 * unblocks it in the browser's settings), until `signal` aborts; 'unknown' where the browser cannot say.
 */
export function watchPermission(name: DeviceName, changed: (state: PermissionState | 'unknown') => void, signal: AbortSignal): void {
  void permissionStatus(name).then((status) => {
    if (signal.aborted) return;
    if (!status) return changed('unknown');
    changed(status.state);
    status.addEventListener('change', () => changed(status.state), { signal });
  });
}

/** Chromium's settings for Birdcall's own pages, where a blocked camera or microphone is allowed again. */
export function openSiteSettings(): Promise<unknown> {
  return browser.tabs.create({ url: `chrome://settings/content/siteDetails?site=${encodeURIComponent(location.origin)}` });
}
