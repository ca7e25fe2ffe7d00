/**
 * How the call window sees the streams the offscreen document owns. Both pages run in the
 * extension's process, so the call window finds the offscreen window with
 * chrome.extension.getViews() and reads its `birdcallMedia`; the offscreen document dispatches
 * MEDIA_CHANGED on its window whenever a stream appears or goes away.
 */
export interface CallMedia {
  readonly local: MediaStream | null;
  readonly remote: MediaStream | null;
}

export const MEDIA_CHANGED = 'birdcall-media-changed';
export const OFFSCREEN_PATH = '/offscreen.html';

export interface MediaHost {
  birdcallMedia?: CallMedia;
}
