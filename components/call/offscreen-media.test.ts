import { signal } from '@preact/signals';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MEDIA_CHANGED, type CallMedia } from '@/lib/media-bridge';
import * as media from '../browser-media';
import { Scope } from '../view-model';
import { NO_MEDIA, offscreenMedia, RETRY_EVERY_MS, RETRY_FOR_MS } from './offscreen-media';

vi.mock('../browser-media', () => ({ findOffscreenWindow: vi.fn() }));
const findOffscreenWindow = vi.mocked(media.findOffscreenWindow);

/** Stands in for the offscreen window: an event target carrying streams (any object will do for a stream here). */
function fakeOffscreen(birdcallMedia?: CallMedia) {
  return Object.assign(new EventTarget(), { birdcallMedia });
}
const stream = (name: string) => ({ name }) as unknown as MediaStream;

let scope: Scope;
beforeEach(() => {
  vi.useFakeTimers();
  scope = new Scope();
  findOffscreenWindow.mockReset().mockReturnValue(null);
});
afterEach(() => {
  scope.dispose();
  vi.useRealTimers();
});

describe('offscreenMedia', () => {
  it('reads the streams and follows MEDIA_CHANGED', () => {
    const offscreen = fakeOffscreen({ local: stream('me'), remote: null });
    findOffscreenWindow.mockReturnValue(offscreen);
    const current = offscreenMedia(scope, signal(0));
    expect(current.value).toEqual({ local: stream('me'), remote: null });

    offscreen.birdcallMedia = { local: stream('me'), remote: stream('them') };
    offscreen.dispatchEvent(new Event(MEDIA_CHANGED));
    expect(current.value.remote).toEqual(stream('them'));
  });

  it('keeps looking for a late offscreen window, then gives up', () => {
    const current = offscreenMedia(scope, signal(0));
    expect(current.value).toBe(NO_MEDIA);
    vi.advanceTimersByTime(RETRY_EVERY_MS * 3);
    findOffscreenWindow.mockReturnValue(fakeOffscreen({ local: null, remote: stream('them') }));
    vi.advanceTimersByTime(RETRY_EVERY_MS);
    expect(current.value.remote).toEqual(stream('them'));

    const lookups = findOffscreenWindow.mock.calls.length;
    vi.advanceTimersByTime(RETRY_FOR_MS);
    expect(findOffscreenWindow.mock.calls.length).toBe(lookups);
  });

  it('stops retrying after a while, and looks again when the call state changes', () => {
    const callState = signal(0);
    const current = offscreenMedia(scope, callState);
    vi.advanceTimersByTime(RETRY_FOR_MS + RETRY_EVERY_MS);
    const lookups = findOffscreenWindow.mock.calls.length;
    vi.advanceTimersByTime(RETRY_FOR_MS);
    expect(findOffscreenWindow.mock.calls.length).toBe(lookups);

    findOffscreenWindow.mockReturnValue(fakeOffscreen({ local: stream('me'), remote: null }));
    callState.value = 1;
    expect(current.value.local).toEqual(stream('me'));
  });

  it('moves to a restarted offscreen window and stops listening to the old one', () => {
    const callState = signal(0);
    const first = fakeOffscreen({ local: stream('old'), remote: null });
    findOffscreenWindow.mockReturnValue(first);
    const current = offscreenMedia(scope, callState);
    const second = fakeOffscreen({ local: stream('new'), remote: null });
    findOffscreenWindow.mockReturnValue(second);
    callState.value = 1;
    expect(current.value.local).toEqual(stream('new'));

    first.birdcallMedia = { local: stream('stale'), remote: null };
    first.dispatchEvent(new Event(MEDIA_CHANGED));
    expect(current.value.local).toEqual(stream('new'));
  });

  it('stops listening when its scope is disposed', () => {
    const offscreen = fakeOffscreen({ local: null, remote: null });
    const remove = vi.spyOn(offscreen, 'removeEventListener');
    findOffscreenWindow.mockReturnValue(offscreen);
    offscreenMedia(scope, signal(0));
    scope.dispose();
    expect(remove).toHaveBeenCalledWith(MEDIA_CHANGED, expect.any(Function));
  });
});
