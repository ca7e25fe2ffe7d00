import { afterEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { watchServiceAvailability } from '@/entrypoints/x.content/call-buttons';
import { signalStatus } from '@/lib/store';
import { callButtons, start, trustedClick, type Harness } from './harness';
import { fixture, loadPage, settle } from './page';

const OFFLINE = "Offline: Birdcall's service (127.0.0.1:9000) cannot be reached.";

let harness: Harness | undefined;
let watching: AbortController | undefined;
afterEach(() => {
  harness?.stop();
  watching?.abort();
  harness = watching = undefined;
  fakeBrowser.reset();
});

const shown = () => callButtons().map((button) => ({ disabled: button.getAttribute('aria-disabled'), title: button.title }));

async function profile() {
  loadPage(fixture('profile-other.html'), 'https://x.com/bob');
  watching = new AbortController();
  watchServiceAvailability(document, watching.signal);
  harness = start();
  await settle();
}

describe("call buttons while Birdcall's service cannot be reached", () => {
  it('are aria-disabled with why as their tooltip, start nothing, and come back when the service does', async () => {
    await signalStatus.setValue({ status: 'offline', detail: OFFLINE });
    await profile();
    expect(shown()).toEqual([
      { disabled: 'true', title: OFFLINE },
      { disabled: 'true', title: OFFLINE },
    ]);
    // Still named for what they do: the reason is their description.
    expect(callButtons()[1]!.getAttribute('aria-label')).toBe('Video call @bob');
    trustedClick(callButtons()[1]!);
    expect(harness!.send.mock.calls.filter(([message]) => message.type === 'place-call')).toEqual([]);

    await signalStatus.setValue({ status: 'connected' });
    await settle();
    expect(shown()).toEqual([
      { disabled: null, title: 'Call @bob' },
      { disabled: null, title: 'Video call @bob' },
    ]);
    trustedClick(callButtons()[1]!);
    expect(harness!.send).toHaveBeenLastCalledWith({ to: 'background', type: 'place-call', handle: 'bob', kind: 'video' });
  });

  it('follow the service going away while the page is open; buttons made later show it too', async () => {
    await signalStatus.setValue({ status: 'connected' });
    await profile();
    expect(shown().map((s) => s.disabled)).toEqual([null, null]);
    await signalStatus.setValue({ status: 'error', detail: '"ftp://nope" must start with http:// or https://' });
    await settle();
    expect(shown()).toEqual([
      { disabled: 'true', title: '"ftp://nope" must start with http:// or https://' },
      { disabled: 'true', title: '"ftp://nope" must start with http:// or https://' },
    ]);
    // X re-renders the header: the new buttons are made disabled.
    const set = callButtons()[0]!.parentElement!;
    set.remove();
    await settle();
    expect(callButtons()).toHaveLength(2);
    expect(callButtons()[0]!.parentElement).not.toBe(set);
    expect(shown().map((s) => s.disabled)).toEqual(['true', 'true']);
  });

  it('are enabled while connecting: a call then waits for the service', async () => {
    await signalStatus.setValue({ status: 'connecting' });
    await profile();
    expect(shown().map((s) => s.disabled)).toEqual([null, null]);
  });
});
