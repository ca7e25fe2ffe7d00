import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { CallInfo } from '@/lib/call-state';
import type { Handle } from '@/lib/handle';
import { OFFSCREEN_ACK, type OffscreenCommand } from '@/lib/messages';
import { firefoxPlatform } from './firefox-platform';

const alice = 'alice' as Handle;
const call: CallInfo = { callId: 'c1', peer: alice, direction: 'incoming', kind: 'video', verified: false, startedAt: 0, muted: false, cameraOff: false };
const HOST_URL = fakeBrowser.runtime.getURL('/offscreen.html');
const configure: OffscreenCommand = { to: 'offscreen', type: 'configure', config: null };

/** Firefox's APIs the host tab needs, which the fake browser lacks: contexts, tab creation, messages. */
function fakeFirefox({ hostUp }: { hostUp: boolean }) {
  const log = { created: [] as object[], updated: [] as object[], sent: [] as unknown[] };
  let up = hostUp;
  Object.assign(fakeBrowser.runtime, {
    getContexts: vi.fn(async ({ documentUrls }: { documentUrls: string[] }) => (up && documentUrls.includes(HOST_URL) ? [{ contextType: 'TAB' }] : [])),
    sendMessage: vi.fn(async (message: unknown) => {
      log.sent.push(message);
      return up ? OFFSCREEN_ACK : undefined;
    }),
  });
  Object.assign(fakeBrowser.tabs, {
    create: vi.fn(async (properties: object) => {
      log.created.push(properties);
      up = true; // the page loads
      return { id: 9, ...properties };
    }),
    update: vi.fn(async (id: number, properties: object) => {
      log.updated.push({ id, ...properties });
      return { id };
    }),
  });
  return { ...log, closeTab: () => (up = false) };
}

describe('the Firefox platform', () => {
  beforeEach(() => fakeBrowser.reset());

  it('rings with a notification without buttons that says a click answers', async () => {
    await firefoxPlatform.showIncomingNotification(call);
    const shown = await fakeBrowser.notifications.getAll();
    expect(Object.keys(shown)).toEqual(['birdcall-incoming-c1']);
    const options = shown['birdcall-incoming-c1'] as { title: string; message: string; buttons?: unknown; requireInteraction?: unknown };
    expect(options.title).toBe('@alice (unverified) is calling (video)');
    expect(options.message).toMatch(/\nClick to answer or decline\.$/);
    expect(options.buttons).toBeUndefined();
    expect(options.requireInteraction).toBeUndefined();
  });

  it('tells of missed calls without a Call back button', async () => {
    await firefoxPlatform.showMissedNotification({
      callId: 'c1',
      handle: alice,
      direction: 'incoming',
      kind: 'audio',
      outcome: 'missed',
      verified: true,
      startedAt: 0,
      endedAt: 1,
      seen: false,
    });
    const options = (await fakeBrowser.notifications.getAll())['birdcall-missed-alice'] as { title: string; buttons?: unknown };
    expect(options.title).toMatch(/alice/);
    expect(options.buttons).toBeUndefined();
  });

  it('opens the media host as a pinned background tab that Firefox may not unload, then sends to it', async () => {
    const log = fakeFirefox({ hostUp: false });
    expect(await firefoxPlatform.offscreenExists()).toBe(false);
    await firefoxPlatform.sendToOffscreen(configure);
    expect(log.created).toEqual([{ url: HOST_URL, pinned: true, active: false }]);
    expect(log.updated).toEqual([{ id: 9, autoDiscardable: false }]);
    expect(log.sent).toEqual([configure]);
    expect(await firefoxPlatform.offscreenExists()).toBe(true);
  });

  it('knows a host tab closed by hand: once open in this browser session and gone now', async () => {
    const firefox = fakeFirefox({ hostUp: false });
    // Not open yet (the browser just started): nobody closed it.
    expect(await firefoxPlatform.hostWasClosed()).toBe(false);
    await firefoxPlatform.sendToOffscreen(configure);
    expect(await firefoxPlatform.hostWasClosed()).toBe(false);
    firefox.closeTab();
    expect(await firefoxPlatform.hostWasClosed()).toBe(true);
    // Asked for again (Retry): a new tab, and not closed any more.
    await firefoxPlatform.sendToOffscreen(configure);
    expect(firefox.created).toHaveLength(2);
    expect(await firefoxPlatform.hostWasClosed()).toBe(false);
  });

  it('sends to the host tab that is up without opening another', async () => {
    const log = fakeFirefox({ hostUp: true });
    await Promise.all([firefoxPlatform.sendToOffscreen(configure), firefoxPlatform.sendToOffscreen(configure)]);
    expect(log.created).toEqual([]);
    expect(log.sent).toHaveLength(2);
  });
});
