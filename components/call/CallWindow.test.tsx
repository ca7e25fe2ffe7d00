import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { CallInfo, CallState, EndReason } from '@/lib/call-state';
import type { Handle } from '@/lib/handle';
import { callState } from '@/lib/store';
import * as media from '../browser-media';
import { backgroundInbox, byTestId, click, mount, settle, unmount } from '@/tests/unit/ui/harness';
import { ANNOUNCE_DELAY_MS } from './call-view-model';
import { CallWindow } from './CallWindow';

// Only the offscreen lookup is faked: the real showStream runs against happy-dom's media elements.
vi.mock('../browser-media', async (original) => ({
  ...(await original<typeof import('../browser-media')>()),
  findOffscreenWindow: vi.fn(() => null),
}));

const call = (overrides: Partial<CallInfo> = {}): CallInfo => ({
  callId: 'c1',
  peer: 'alice_1' as Handle,
  direction: 'outgoing',
  kind: 'video',
  verified: true,
  startedAt: 1_000,
  muted: false,
  cameraOff: false,
  ...overrides,
});

const findOffscreenWindow = vi.mocked(media.findOffscreenWindow);
const videoOf = (page: HTMLElement, testId: string) => byTestId(page, testId) as HTMLVideoElement;

async function showCall(state: CallState) {
  await callState.setValue(state);
  return mount(<CallWindow />);
}

beforeEach(() => {
  fakeBrowser.reset();
  findOffscreenWindow.mockReturnValue(null);
});
afterEach(() => unmount());

describe('call window state element', () => {
  it.each(['outgoing', 'incoming', 'connecting'] as const)('marks %s with the peer', async (phase) => {
    const page = await showCall({ phase, call: call() });
    const element = byTestId(page, 'birdcall-call-state');
    expect(element.dataset.state).toBe(phase);
    expect(element.dataset.peer).toBe('alice_1');
    expect(element.hasAttribute('data-reason')).toBe(false);
    expect(element.textContent).toContain('@alice_1');
  });

  it('marks a handle X vouched for as verified, without the word "unverified"', async () => {
    const page = await showCall({ phase: 'connected', call: call(), connectedAt: Date.now() });
    const element = byTestId(page, 'birdcall-call-state');
    expect(element.dataset.verified).toBe('true');
    expect(element.textContent).not.toContain('unverified');
  });

  it.each(['incoming', 'connected'] as const)('says "unverified" beside a handle nobody checked with X (%s)', async (phase) => {
    const info = call({ verified: false, direction: 'incoming' });
    const page = await showCall(phase === 'connected' ? { phase, call: info, connectedAt: Date.now() } : { phase, call: info });
    const element = byTestId(page, 'birdcall-call-state');
    expect(element.dataset.verified).toBe('false');
    expect(element.querySelector('.peer')?.textContent).toContain('@alice_1');
    expect(element.querySelector('.peer')?.textContent).toContain('unverified');
  });

  it('says "No call" when idle', async () => {
    const page = await showCall({ phase: 'idle' });
    const element = byTestId(page, 'birdcall-call-state');
    expect(element.dataset.state).toBe('idle');
    expect(element.textContent).toContain('No call');
    expect(element.hasAttribute('data-peer')).toBe(false);
    expect(element.hasAttribute('data-verified')).toBe(false);
  });

  it.each<[EndReason, string]>([
    ['declined', 'Declined'],
    ['no-answer', 'No answer'],
    ['unavailable', 'Not available'],
    ['busy', 'Busy'],
    ['hung-up', 'Cancelled'],
    ['cancelled', 'Cancelled'],
    ['failed', 'Call failed'],
    ['answered-elsewhere', 'Answered on another device'],
    ['declined-elsewhere', 'Declined on another device'],
    ['rate-limited', 'Too many calls'],
  ])('names the end reason %s of an unanswered outgoing call "%s"', async (reason, words) => {
    const page = await showCall({ phase: 'ended', call: call(), reason, endedAt: 5_000 });
    const element = byTestId(page, 'birdcall-call-state');
    expect(element.dataset.state).toBe('ended');
    expect(element.dataset.reason).toBe(reason);
    expect(byTestId(page, 'birdcall-phase').textContent).toBe(words);
    expect(byTestId(page, 'birdcall-close')).toBeTruthy();
  });

  it.each<['incoming' | 'outgoing', EndReason, boolean, string]>([
    // The popup's words for the same call (outcomeOf): Missed, Cancelled, and an answered call's length.
    ['incoming', 'cancelled', false, 'Missed'],
    ['incoming', 'remote-hung-up', false, 'Missed'],
    ['incoming', 'no-answer', false, 'Missed'],
    ['outgoing', 'hung-up', false, 'Cancelled'],
    ['outgoing', 'hung-up', true, 'Call ended'],
    ['incoming', 'remote-hung-up', true, 'Call ended'],
  ])('an %s call ended by %s (connected: %s) says "%s", as its row in the popup does', async (direction, reason, connected, words) => {
    const page = await showCall({
      phase: 'ended',
      call: call({ direction }),
      reason,
      endedAt: 5_000,
      ...(connected ? { connectedAt: 2_000 } : {}),
    });
    expect(byTestId(page, 'birdcall-phase').textContent).toBe(words);
  });

  it('explains "Not available" in one line', async () => {
    const page = await showCall({ phase: 'ended', call: call(), reason: 'unavailable', endedAt: 5_000 });
    expect(byTestId(page, 'birdcall-explanation').textContent).toBe('@alice_1 is offline or does not use Birdcall.');
  });

  it("says that the other side's camera or microphone is unavailable, not just that the call ended", async () => {
    const voice = await showCall({ phase: 'ended', call: call({ kind: 'audio' }), reason: 'remote-media-unavailable', endedAt: 5_000 });
    expect(byTestId(voice, 'birdcall-phase').textContent).toBe("@alice_1's microphone is unavailable");
    const video = await showCall({ phase: 'ended', call: call({ kind: 'video' }), reason: 'remote-media-unavailable', endedAt: 5_000 });
    expect(byTestId(video, 'birdcall-phase').textContent).toBe("@alice_1's camera or microphone is unavailable");
  });

  it('adds the failure detail', async () => {
    const page = await showCall({ phase: 'ended', call: call(), reason: 'failed', endedAt: 5_000, detail: 'No microphone found' });
    expect(byTestId(page, 'birdcall-call-state').textContent).toContain('Call failed: No microphone found');
  });

  it('follows the stored state as it changes', async () => {
    const page = await showCall({ phase: 'outgoing', call: call() });
    await callState.setValue({ phase: 'connected', call: call(), connectedAt: Date.now() });
    await settle();
    expect(byTestId(page, 'birdcall-call-state').dataset.state).toBe('connected');
  });
});

describe('call window timer', () => {
  it('counts mm:ss since connectedAt while connected', async () => {
    const page = await showCall({ phase: 'connected', call: call(), connectedAt: Date.now() - 65_000 });
    expect(byTestId(page, 'birdcall-call-timer').textContent).toBe('01:05');
  });

  it('shows the length of an answered call once ended', async () => {
    const page = await showCall({ phase: 'ended', call: call(), reason: 'hung-up', connectedAt: 10_000, endedAt: 10_000 + 754_000 });
    expect(byTestId(page, 'birdcall-call-timer').textContent).toBe('12:34');
  });

  it('shows no timer before connecting', async () => {
    const page = await showCall({ phase: 'outgoing', call: call() });
    expect(page.querySelector('[data-testid="birdcall-call-timer"]')).toBeNull();
  });
});

describe('call window buttons', () => {
  it('accepts and declines an incoming call', async () => {
    const inbox = backgroundInbox();
    const page = await showCall({ phase: 'incoming', call: call({ direction: 'incoming' }) });
    expect(page.querySelector('[data-testid="birdcall-hangup"]')).toBeNull();
    await click(byTestId(page, 'birdcall-accept'));
    await click(byTestId(page, 'birdcall-decline'));
    expect(inbox).toEqual([
      { to: 'background', type: 'accept' },
      { to: 'background', type: 'decline' },
    ]);
  });

  it('hangs up, mutes and turns the camera off', async () => {
    const inbox = backgroundInbox();
    const page = await showCall({ phase: 'connected', call: call(), connectedAt: Date.now() });
    const mute = byTestId(page, 'birdcall-mute');
    const camera = byTestId(page, 'birdcall-camera');
    expect(mute.getAttribute('aria-pressed')).toBe('false');
    expect(camera.getAttribute('aria-pressed')).toBe('false');
    await click(mute);
    await click(camera);
    await click(byTestId(page, 'birdcall-hangup'));
    expect(inbox).toEqual([
      { to: 'background', type: 'set-muted', muted: true },
      { to: 'background', type: 'set-camera-off', cameraOff: true },
      { to: 'background', type: 'hangup' },
    ]);
  });

  it('shows the stored mute and camera state and toggles back from it', async () => {
    const inbox = backgroundInbox();
    const page = await showCall({ phase: 'connected', call: call({ muted: true, cameraOff: true }), connectedAt: Date.now() });
    expect(byTestId(page, 'birdcall-mute').getAttribute('aria-pressed')).toBe('true');
    expect(byTestId(page, 'birdcall-camera').getAttribute('aria-pressed')).toBe('true');
    await click(byTestId(page, 'birdcall-mute'));
    await click(byTestId(page, 'birdcall-camera'));
    expect(inbox).toEqual([
      { to: 'background', type: 'set-muted', muted: false },
      { to: 'background', type: 'set-camera-off', cameraOff: false },
    ]);
  });

  it('has no camera button or local preview in a voice call, but keeps the remote player for the sound', async () => {
    const page = await showCall({ phase: 'connected', call: call({ kind: 'audio', cameraOff: true }), connectedAt: Date.now() });
    expect(page.querySelector('[data-testid="birdcall-camera"]')).toBeNull();
    expect(page.querySelector('[data-testid="birdcall-local-video"]')).toBeNull();
    expect(byTestId(page, 'birdcall-remote-video').tagName).toBe('VIDEO');
  });

  it('shows what the background refused', async () => {
    backgroundInbox({ ok: false, error: 'No call to hang up' });
    const page = await showCall({ phase: 'connected', call: call(), connectedAt: Date.now() });
    await click(byTestId(page, 'birdcall-hangup'));
    expect(page.querySelector('[role="alert"]')?.textContent).toBe('No call to hang up');
  });

  it('closes the window from the ended screen', async () => {
    const close = vi.spyOn(window, 'close').mockImplementation(() => {});
    const page = await showCall({ phase: 'ended', call: call(), reason: 'declined', endedAt: 5_000 });
    await click(byTestId(page, 'birdcall-close'));
    expect(close).toHaveBeenCalled();
  });
});

describe('call window media', () => {
  const offscreenWith = (local: MediaStream | null, remote: MediaStream | null) =>
    findOffscreenWindow.mockReturnValue(Object.assign(new EventTarget(), { birdcallMedia: { local, remote } }));

  it('plays both streams of a video call, the preview muted', async () => {
    const [me, them] = [new MediaStream(), new MediaStream()];
    offscreenWith(me, them);
    const page = await showCall({ phase: 'connected', call: call(), connectedAt: Date.now() });
    const remote = videoOf(page, 'birdcall-remote-video');
    const local = videoOf(page, 'birdcall-local-video');
    expect(remote.srcObject).toBe(them);
    expect(remote.hidden).toBe(false);
    expect(local.srcObject).toBe(me);
    expect(local.muted).toBe(true);
  });

  it("plays a voice call's sound from a hidden player and shows the handle instead", async () => {
    const them = new MediaStream();
    offscreenWith(null, them);
    const page = await showCall({ phase: 'connected', call: call({ kind: 'audio', cameraOff: true }), connectedAt: Date.now() });
    const remote = videoOf(page, 'birdcall-remote-video');
    expect(remote.srcObject).toBe(them);
    expect(remote.hidden).toBe(true);
    expect(page.querySelector('.peer')?.textContent).toBe('@alice_1');
  });
});

const afterAnnounceDelay = async () => {
  await new Promise((resolve) => setTimeout(resolve, ANNOUNCE_DELAY_MS + 20));
  await settle();
};
const focused = () => (document.activeElement as HTMLElement | null)?.dataset.testid;
const press = async (key: string, repeat = false) => {
  await act(() => {
    (document.activeElement ?? document.body).dispatchEvent(new KeyboardEvent('keydown', { key, repeat, bubbles: true, cancelable: true }));
  });
  await settle();
};

describe('call window focus', () => {
  it('starts on Accept when a call rings, and on Mute when calling out', async () => {
    await showCall({ phase: 'incoming', call: call({ direction: 'incoming' }) });
    expect(focused()).toBe('birdcall-accept');
    unmount();
    await showCall({ phase: 'outgoing', call: call() });
    expect(focused()).toBe('birdcall-mute');
  });

  it.each(['audio', 'video'] as const)("after Accept (%s), focus is on Mute in a new element, never on the button that took Accept's place", async (kind) => {
    const incoming = call({ direction: 'incoming', kind, cameraOff: kind === 'audio' });
    const page = await showCall({ phase: 'incoming', call: incoming });
    const accept = byTestId(page, 'birdcall-accept');
    await callState.setValue({ phase: 'connecting', call: incoming });
    await settle();
    expect(accept.isConnected).toBe(false);
    expect(focused()).toBe('birdcall-mute');
    await callState.setValue({ phase: 'connected', call: incoming, connectedAt: Date.now() });
    await settle();
    expect(focused()).toBe('birdcall-mute');
  });

  it('goes back to Mute on every change of phase, but stays where it is when only mute or camera change', async () => {
    const page = await showCall({ phase: 'outgoing', call: call() });
    byTestId(page, 'birdcall-camera').focus();
    await callState.setValue({ phase: 'outgoing', call: call({ muted: true }) });
    await settle();
    expect(focused()).toBe('birdcall-camera');
    byTestId(page, 'birdcall-hangup').focus();
    await callState.setValue({ phase: 'connected', call: call(), connectedAt: Date.now() });
    await settle();
    expect(focused()).toBe('birdcall-mute');
  });

  it('ends on Close, with Call again beside it', async () => {
    await showCall({ phase: 'connected', call: call(), connectedAt: Date.now() });
    await callState.setValue({ phase: 'ended', call: call(), reason: 'declined', endedAt: Date.now() });
    await settle();
    expect(focused()).toBe('birdcall-close');
  });

  it('a held Enter acts once: its repeats do not press the button that took focus', async () => {
    const inbox = backgroundInbox();
    await showCall({ phase: 'connected', call: call(), connectedAt: Date.now() });
    const event = new KeyboardEvent('keydown', { key: 'Enter', repeat: true, bubbles: true, cancelable: true });
    byTestId(document.body, 'birdcall-mute').dispatchEvent(event);
    expect(event.defaultPrevented).toBe(true);
    expect(inbox).toEqual([]);
  });
});

describe('call window Esc', () => {
  it('declines a ringing call', async () => {
    const inbox = backgroundInbox();
    await showCall({ phase: 'incoming', call: call({ direction: 'incoming' }) });
    await press('Escape');
    expect(inbox).toEqual([{ to: 'background', type: 'decline' }]);
  });

  it('asks before hanging up; Esc or Stay takes the question back, and only its Hang up hangs up', async () => {
    const inbox = backgroundInbox();
    const page = await showCall({ phase: 'connected', call: call(), connectedAt: Date.now() });
    await press('Escape');
    const question = byTestId(page, 'birdcall-confirm-hang-up');
    expect(question.getAttribute('role')).toBe('alertdialog');
    expect(question.textContent).toContain('Hang up the call with @alice_1?');
    expect(focused()).toBe('birdcall-stay');
    expect(page.querySelector('.call-body')?.hasAttribute('inert')).toBe(true);

    await press('Escape');
    expect(page.querySelector('[data-testid="birdcall-confirm-hang-up"]')).toBeNull();
    expect(page.querySelector('.call-body')?.hasAttribute('inert')).toBe(false);
    expect(focused()).toBe('birdcall-mute');

    await press('Escape');
    await click(byTestId(page, 'birdcall-stay'));
    expect(page.querySelector('[data-testid="birdcall-confirm-hang-up"]')).toBeNull();
    expect(inbox).toEqual([]);

    await press('Escape');
    await click(byTestId(page, 'birdcall-confirm-hangup'));
    expect(inbox).toEqual([{ to: 'background', type: 'hangup' }]);
    expect(page.querySelector('[data-testid="birdcall-confirm-hang-up"]')).toBeNull();
  });

  it('the question goes away with the call when the other side hangs up first', async () => {
    const page = await showCall({ phase: 'connected', call: call(), connectedAt: Date.now() });
    await press('Escape');
    await callState.setValue({ phase: 'ended', call: call(), reason: 'remote-hung-up', connectedAt: 1, endedAt: Date.now() });
    await settle();
    expect(page.querySelector('[data-testid="birdcall-confirm-hang-up"]')).toBeNull();
    expect(focused()).toBe('birdcall-close');
  });

  it('closes an ended window', async () => {
    const close = vi.spyOn(window, 'close').mockImplementation(() => {});
    await showCall({ phase: 'ended', call: call(), reason: 'declined', endedAt: 5_000 });
    await press('Escape');
    expect(close).toHaveBeenCalled();
  });
});

describe('call window title and announcements', () => {
  it.each<[CallState, string]>([
    [{ phase: 'incoming', call: call({ direction: 'incoming' }) }, 'Incoming video call from @alice_1'],
    [{ phase: 'incoming', call: call({ direction: 'incoming', kind: 'audio' }) }, 'Incoming voice call from @alice_1'],
    [{ phase: 'outgoing', call: call() }, 'Calling @alice_1…'],
    [{ phase: 'connecting', call: call() }, 'Connecting to @alice_1…'],
    [{ phase: 'ended', call: call(), reason: 'declined', endedAt: 5_000 }, 'Declined: @alice_1'],
    [{ phase: 'ended', call: call(), reason: 'hung-up', connectedAt: 1_000, endedAt: 134_000 }, 'Call ended: @alice_1 – 02:13'],
  ])('titles the window for %j as "%s"', async (state, title) => {
    await showCall(state);
    expect(document.title).toBe(title);
  });

  it('counts the call in the title while connected', async () => {
    await showCall({ phase: 'connected', call: call(), connectedAt: Date.now() - 133_000 });
    expect(document.title).toBe('Call with @alice_1 – 02:13');
  });

  it('has the live region in the page, empty, before it says the first state, then follows the state', async () => {
    const page = await showCall({ phase: 'incoming', call: call({ direction: 'incoming' }) });
    const region = byTestId(page, 'birdcall-announcer');
    expect(region.getAttribute('role')).toBe('status');
    expect(region.textContent).toBe('');
    await afterAnnounceDelay();
    expect(region.textContent).toBe('Incoming video call from @alice_1');
    await callState.setValue({ phase: 'connecting', call: call({ direction: 'incoming' }) });
    await afterAnnounceDelay();
    expect(byTestId(page, 'birdcall-announcer')).toBe(region);
    expect(region.textContent).toBe('Connecting to @alice_1…');
  });
});

describe('call window Call again', () => {
  it.each<[EndReason, boolean]>([
    ['declined', false],
    ['unavailable', false],
    ['hung-up', true],
    ['busy', false],
  ])('after %s (answered: %s) calls the same person the same way again', async (reason, answered) => {
    const inbox = backgroundInbox();
    const page = await showCall({ phase: 'ended', call: call({ kind: 'audio' }), reason, endedAt: 5_000, ...(answered ? { connectedAt: 1_000 } : {}) });
    const again = byTestId(page, 'birdcall-call-again');
    expect(again.textContent).toBe('Call again');
    await click(again);
    expect(inbox).toEqual([{ to: 'background', type: 'place-call', handle: 'alice_1', kind: 'audio' }]);
  });

  it('says "Call back" after a call that came in', async () => {
    const page = await showCall({ phase: 'ended', call: call({ direction: 'incoming' }), reason: 'cancelled', endedAt: 5_000 });
    expect(byTestId(page, 'birdcall-call-again').textContent).toBe('Call back');
  });

  it.each<EndReason>(['rate-limited', 'answered-elsewhere'])('is not offered after %s, where calling again cannot help', async (reason) => {
    const page = await showCall({ phase: 'ended', call: call(), reason, endedAt: 5_000 });
    expect(page.querySelector('[data-testid="birdcall-call-again"]')).toBeNull();
  });
});
