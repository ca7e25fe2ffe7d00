import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { act } from 'preact/test-utils';
import { backgroundInbox, byTestId, click, mount, settle, unmount } from '@/tests/unit/ui/harness';
import * as media from '../browser-media';
import { PermissionPage } from './PermissionPage';

vi.mock('../browser-media', () => ({ getUserMedia: vi.fn(), watchPermission: vi.fn(), openSiteSettings: vi.fn() }));

const getUserMedia = vi.mocked(media.getUserMedia);
type Name = 'camera' | 'microphone';
/** What the browser's permissions say at first, and each page's way of hearing a change. */
let browserSays: Record<Name, PermissionState>;
const listeners = new Map<Name, (state: PermissionState) => void>();
/** The person changes the permission in the browser's settings. */
async function permissionBecomes(name: Name, state: PermissionState) {
  browserSays[name] = state;
  await act(() => listeners.get(name)?.(state));
  await settle();
}

const deviceError = (name: string) => Object.assign(new Error(`${name} happened`), { name });
function fakeStream() {
  const tracks = [{ stop: vi.fn() }, { stop: vi.fn() }];
  return { stream: { getTracks: () => tracks } as unknown as MediaStream, tracks };
}

const state = (page: HTMLElement) => byTestId(page, 'birdcall-permission-state');
const allow = (page: HTMLElement) => click(byTestId(page, 'birdcall-allow-media'));

beforeEach(() => {
  fakeBrowser.reset();
  getUserMedia.mockReset();
  vi.mocked(media.openSiteSettings).mockReset();
  browserSays = { camera: 'prompt', microphone: 'prompt' };
  listeners.clear();
  vi.mocked(media.watchPermission).mockImplementation((name, changed) => {
    listeners.set(name, changed);
    queueMicrotask(() => changed(browserSays[name]));
  });
});
afterEach(() => unmount());

describe('permission page', () => {
  it('explains why, and shows granted at once when both are already allowed', async () => {
    browserSays = { camera: 'granted', microphone: 'granted' };
    const page = await mount(<PermissionPage />);
    expect(page.textContent).toContain('so the people you call can see and hear you');
    expect(state(page).dataset.state).toBe('granted');
    expect(page.querySelector('[data-testid="birdcall-allow-media"]')).toBeNull();
  });

  it('in Firefox, "granted" is not taken at its word (Firefox says it after an Allow it did not remember): Allow stays, with "Remember this decision"', async () => {
    // The Firefox build's flag (vitest's import.meta.env takes strings).
    vi.stubEnv('FIREFOX', 'true');
    try {
      browserSays = { camera: 'granted', microphone: 'granted' };
      getUserMedia.mockResolvedValue(fakeStream().stream);
      const page = await mount(<PermissionPage />);
      expect(state(page).dataset.state).toBe('unsure');
      expect(state(page).textContent).toContain('an Allow it did not remember');
      expect(byTestId(page, 'birdcall-remember-hint').textContent).toContain('keep “Remember this decision” ticked');
      await allow(page);
      expect(state(page).dataset.state).toBe('granted');
      expect(page.querySelector('[data-testid="birdcall-allow-media"]')).toBeNull();
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('asks for both, stops the tracks at once and tells the background', async () => {
    const inbox = backgroundInbox();
    const { stream, tracks } = fakeStream();
    getUserMedia.mockResolvedValue(stream);
    const page = await mount(<PermissionPage />);
    expect(state(page).dataset.state).toBe('prompt');
    await allow(page);
    expect(getUserMedia).toHaveBeenCalledWith({ audio: true, video: true });
    expect(tracks.every((t) => t.stop.mock.calls.length === 1)).toBe(true);
    expect(state(page).dataset.state).toBe('granted');
    expect(inbox).toEqual([{ to: 'background', type: 'media-permission-granted' }]);
    // The Allow button is gone: focus is on what the browser answered, not lost to the page.
    expect(page.querySelector('[data-testid="birdcall-allow-media"]')).toBeNull();
    expect(document.activeElement).toBe(state(page));
  });

  it.each([
    [{ camera: 'denied', microphone: 'granted' }, 'Your camera is blocked for Birdcall.'],
    [{ camera: 'granted', microphone: 'denied' }, 'Your microphone is blocked for Birdcall.'],
    [{ camera: 'denied', microphone: 'denied' }, 'Your camera and microphone are blocked for Birdcall.'],
  ] as const)('says first what is blocked and how to unblock it, with no Allow that could not work: %o', async (blocked, words) => {
    browserSays = { ...blocked };
    const page = await mount(<PermissionPage />);
    expect(state(page).dataset.state).toBe('blocked');
    expect(state(page).textContent).toBe(words);
    expect(byTestId(page, 'birdcall-unblock').textContent).toContain('address bar');
    expect(page.querySelector('[data-testid="birdcall-allow-media"]')).toBeNull();
    await click(byTestId(page, 'birdcall-site-settings'));
    expect(media.openSiteSettings).toHaveBeenCalledTimes(1);
    expect(getUserMedia).not.toHaveBeenCalled();
  });

  it('notices when the person unblocks it in the browser: Allow comes back, or it is allowed already', async () => {
    browserSays = { camera: 'denied', microphone: 'prompt' };
    const page = await mount(<PermissionPage />);
    expect(state(page).dataset.state).toBe('blocked');
    await permissionBecomes('camera', 'prompt');
    expect(state(page).dataset.state).toBe('prompt');
    expect(page.querySelector('[data-testid="birdcall-unblock"]')).toBeNull();
    expect(byTestId(page, 'birdcall-allow-media')).toBeTruthy();
    await permissionBecomes('microphone', 'denied');
    expect(state(page).textContent).toBe('Your microphone is blocked for Birdcall.');
    await permissionBecomes('microphone', 'granted');
    await permissionBecomes('camera', 'granted');
    expect(state(page).dataset.state).toBe('granted');
  });

  it('settles for the microphone when there is no camera, and says so', async () => {
    const inbox = backgroundInbox();
    getUserMedia.mockRejectedValueOnce(deviceError('NotFoundError')).mockResolvedValueOnce(fakeStream().stream);
    const page = await mount(<PermissionPage />);
    await allow(page);
    expect(getUserMedia).toHaveBeenLastCalledWith({ audio: true });
    expect(state(page).dataset.state).toBe('granted');
    expect(state(page).textContent).toContain('No camera was found');
    expect(inbox).toHaveLength(1);
  });

  it('says the microphone is missing when neither works', async () => {
    getUserMedia.mockRejectedValue(deviceError('NotFoundError'));
    const page = await mount(<PermissionPage />);
    await allow(page);
    expect(state(page).dataset.state).toBe('error');
    expect(state(page).textContent).toContain('No microphone was found');
  });

  it('a dismissed prompt can be tried again; a refusal the browser keeps says how to unblock', async () => {
    const inbox = backgroundInbox();
    getUserMedia.mockRejectedValue(deviceError('NotAllowedError'));
    const page = await mount(<PermissionPage />);
    await allow(page);
    expect(state(page).dataset.state).toBe('denied');
    expect(byTestId(page, 'birdcall-allow-media')).toBeTruthy();
    expect(document.activeElement).toBe(state(page));
    expect(inbox).toHaveLength(0);

    // "Block" in the browser's prompt: the permissions change while it asks, then getUserMedia is refused.
    getUserMedia.mockImplementationOnce(async () => {
      for (const [, changed] of listeners) changed('denied');
      throw deviceError('NotAllowedError');
    });
    await allow(page);
    expect(state(page).dataset.state).toBe('blocked');
    expect(byTestId(page, 'birdcall-unblock')).toBeTruthy();
  });

  it('reports other failures as errors', async () => {
    getUserMedia.mockRejectedValue(deviceError('NotReadableError'));
    const page = await mount(<PermissionPage />);
    await allow(page);
    expect(state(page).dataset.state).toBe('error');
    expect(state(page).textContent).toContain('in use by another app');
  });
});
