import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { callMediaPermission, type MediaDevices } from '@/lib/media-devices';
import { openBeforeRing } from './caller-media';
import { withVisiblePrompt } from './visible-prompt';

const HOST_TAB = 5;
const X_TAB = 2;
const MAIN_WINDOW = 1;
const CALL_WINDOW = 3;

/** Firefox's live PermissionStatus objects (asked for once, then read). */
const statuses = { camera: { state: 'prompt' }, microphone: { state: 'prompt' } };
vi.spyOn(navigator.permissions, 'query').mockImplementation(async ({ name }) => statuses[name as keyof typeof statuses] as PermissionStatus);

/** What Firefox's permissions say, and the tabs and windows as the host tab sees them. */
function fakeFirefox(states: { camera: PermissionState; microphone: PermissionState }) {
  statuses.camera.state = states.camera;
  statuses.microphone.state = states.microphone;
  const screen = { activeTab: X_TAB, focusedWindow: CALL_WINDOW };
  const moves: string[] = [];
  Object.assign(fakeBrowser.tabs, {
    getCurrent: vi.fn(async () => ({ id: HOST_TAB, windowId: MAIN_WINDOW, active: screen.activeTab === HOST_TAB })),
    query: vi.fn(async () => [{ id: screen.activeTab, windowId: MAIN_WINDOW, active: true }]),
    get: vi.fn(async (id: number) => ({ id, active: screen.activeTab === id })),
    update: vi.fn(async (id: number) => {
      moves.push(`tab ${id}`);
      screen.activeTab = id;
      return { id };
    }),
  });
  Object.assign(fakeBrowser.windows, {
    getLastFocused: vi.fn(async () => ({ id: screen.focusedWindow })),
    update: vi.fn(async (id: number) => {
      moves.push(`window ${id}`);
      screen.focusedWindow = id;
      return { id };
    }),
  });
  return { screen, moves };
}

/** Devices whose open() settles when the test says (the person answers Firefox's prompt). */
function pendingDevices() {
  let answer!: (allowed: boolean) => void;
  const devices = {
    permission: callMediaPermission,
    open: vi.fn(
      () =>
        new Promise<MediaStream>((resolve, reject) => {
          answer = (allowed) => (allowed ? resolve({} as MediaStream) : reject(new DOMException('denied', 'NotAllowedError')));
        }),
    ),
  } as unknown as MediaDevices;
  return { devices, answer: (allowed: boolean) => answer(allowed) };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('devices that Firefox may ask for, in the pinned host tab', () => {
  beforeEach(() => fakeBrowser.reset());

  it('a prompt to come: this tab and its window come forward while Firefox asks, and the screen goes back after the answer', async () => {
    const firefox = fakeFirefox({ camera: 'prompt', microphone: 'prompt' });
    const { devices, answer } = pendingDevices();
    const opening = withVisiblePrompt(devices).open('video');
    await vi.waitFor(() => expect(firefox.screen).toEqual({ activeTab: HOST_TAB, focusedWindow: MAIN_WINDOW }));
    answer(true);
    await opening;
    await vi.waitFor(() => expect(firefox.screen).toEqual({ activeTab: X_TAB, focusedWindow: CALL_WINDOW }));
  });

  it("a refusal still rejects with the browser's error, and gives the screen back", async () => {
    const firefox = fakeFirefox({ camera: 'granted', microphone: 'prompt' });
    const { devices, answer } = pendingDevices();
    const opening = withVisiblePrompt(devices).open('video');
    await vi.waitFor(() => expect(firefox.screen.activeTab).toBe(HOST_TAB));
    answer(false);
    await expect(opening).rejects.toMatchObject({ name: 'NotAllowedError' });
    await vi.waitFor(() => expect(firefox.screen.activeTab).toBe(X_TAB));
  });

  it('"granted" devices that open at once move nothing', async () => {
    const firefox = fakeFirefox({ camera: 'granted', microphone: 'granted' });
    const devices = { permission: callMediaPermission, open: vi.fn(async () => ({}) as MediaStream) } as unknown as MediaDevices;
    await withVisiblePrompt(devices, 20).open('video');
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(firefox.moves).toEqual([]);
  });

  it('"granted" devices still not open after a moment: Firefox is asking after all (an Allow not remembered), so the tab comes forward', async () => {
    const firefox = fakeFirefox({ camera: 'granted', microphone: 'granted' });
    const { devices, answer } = pendingDevices();
    const opening = withVisiblePrompt(devices, 20).open('audio');
    await settle();
    expect(firefox.moves).toEqual([]);
    await vi.waitFor(() => expect(firefox.screen.activeTab).toBe(HOST_TAB));
    answer(true);
    await opening;
    await vi.waitFor(() => expect(firefox.screen.activeTab).toBe(X_TAB));
  });

  it('blocked: Firefox refuses without asking, nothing moves', async () => {
    const firefox = fakeFirefox({ camera: 'denied', microphone: 'granted' });
    const devices = {
      permission: callMediaPermission,
      open: vi.fn(async () => Promise.reject(new DOMException('denied', 'NotAllowedError'))),
    } as unknown as MediaDevices;
    await expect(withVisiblePrompt(devices).open('video')).rejects.toMatchObject({ name: 'NotAllowedError' });
    await settle();
    expect(firefox.moves).toEqual([]);
  });

  it('a person who went to another tab meanwhile stays there', async () => {
    const firefox = fakeFirefox({ camera: 'prompt', microphone: 'prompt' });
    const { devices, answer } = pendingDevices();
    const opening = withVisiblePrompt(devices).open('video');
    await vi.waitFor(() => expect(firefox.screen.activeTab).toBe(HOST_TAB));
    firefox.screen.activeTab = 8;
    const moved = firefox.moves.length;
    answer(true);
    await opening;
    await settle();
    expect(firefox.moves).toHaveLength(moved);
  });

  describe('a caller', () => {
    it('"granted" (an Allow perhaps not remembered, so Firefox may still ask): the devices open before the ring, which waits for the answer and goes on with them', async () => {
      const firefox = fakeFirefox({ camera: 'granted', microphone: 'granted' });
      const { devices, answer } = pendingDevices();
      let ready: Awaited<ReturnType<typeof openBeforeRing>> | undefined;
      void openBeforeRing(withVisiblePrompt(devices, 20), 'video').then((media) => (ready = media));
      await vi.waitFor(() => expect(firefox.screen.activeTab).toBe(HOST_TAB));
      expect(devices.open).toHaveBeenCalledTimes(1);
      expect(ready).toBeUndefined();
      answer(true);
      await vi.waitFor(() => expect(ready).toEqual({ refused: null, opened: expect.any(Object) }));
      expect(devices.open).toHaveBeenCalledTimes(1);
    });

    it('Block on that prompt: the call is refused, saying the permission is missing', async () => {
      fakeFirefox({ camera: 'granted', microphone: 'granted' });
      const { devices, answer } = pendingDevices();
      const media = openBeforeRing(withVisiblePrompt(devices, 20), 'audio');
      await settle();
      answer(false);
      expect(await media).toEqual({ refused: { permission: true, detail: { key: 'mediaNotAllowed' } } });
    });

    it('blocked: refused at once, nothing opened', async () => {
      fakeFirefox({ camera: 'granted', microphone: 'denied' });
      const { devices } = pendingDevices();
      expect(await openBeforeRing(withVisiblePrompt(devices), 'audio')).toEqual({ refused: { permission: true, detail: { key: 'mediaNotAllowed' } } });
      expect(devices.open).not.toHaveBeenCalled();
    });
  });
});
