import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { backgroundInbox, byTestId, click, mount, unmount } from '@/tests/unit/ui/harness';
import * as media from '../browser-media';
import { PermissionPage } from './PermissionPage';

vi.mock('../browser-media', () => ({ getUserMedia: vi.fn(), permissionState: vi.fn() }));

const getUserMedia = vi.mocked(media.getUserMedia);
const permissionState = vi.mocked(media.permissionState);

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
  permissionState.mockReset().mockResolvedValue('prompt');
});
afterEach(() => unmount());

describe('permission page', () => {
  it('explains why, and shows granted at once when both are already allowed', async () => {
    permissionState.mockResolvedValue('granted');
    const page = await mount(<PermissionPage />);
    expect(page.textContent).toContain('so the people you call can see and hear you');
    expect(state(page).dataset.state).toBe('granted');
    expect(page.querySelector('[data-testid="birdcall-allow-media"]')).toBeNull();
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

  it('reports a refusal and lets the person try again', async () => {
    const inbox = backgroundInbox();
    getUserMedia.mockRejectedValue(deviceError('NotAllowedError'));
    const page = await mount(<PermissionPage />);
    await allow(page);
    expect(state(page).dataset.state).toBe('denied');
    expect(byTestId(page, 'birdcall-allow-media')).toBeTruthy();
    expect(inbox).toHaveLength(0);
  });

  it('reports other failures as errors', async () => {
    getUserMedia.mockRejectedValue(deviceError('NotReadableError'));
    const page = await mount(<PermissionPage />);
    await allow(page);
    expect(state(page).dataset.state).toBe('error');
    expect(state(page).textContent).toContain('in use by another app');
  });
});
