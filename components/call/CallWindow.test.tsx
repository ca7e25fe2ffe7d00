import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { CallInfo, CallState, EndReason } from '@/lib/call-state';
import type { Handle } from '@/lib/handle';
import { callState } from '@/lib/store';
import * as media from '../browser-media';
import { backgroundInbox, byTestId, click, mount, settle, unmount } from '@/tests/unit/ui/harness';
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
    ['hung-up', 'Call ended'],
    ['remote-hung-up', 'Call ended'],
    ['cancelled', 'Cancelled'],
    ['failed', 'Call failed'],
    ['answered-elsewhere', 'Answered on another device'],
    ['declined-elsewhere', 'Declined on another device'],
    ['rate-limited', 'Too many calls'],
  ])('names the end reason %s as "%s"', async (reason, words) => {
    const page = await showCall({ phase: 'ended', call: call(), reason, endedAt: 5_000 });
    const element = byTestId(page, 'birdcall-call-state');
    expect(element.dataset.state).toBe('ended');
    expect(element.dataset.reason).toBe(reason);
    expect(element.textContent).toContain(words);
    expect(byTestId(page, 'birdcall-close')).toBeTruthy();
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
