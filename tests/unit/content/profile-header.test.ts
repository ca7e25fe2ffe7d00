import { afterEach, describe, expect, it, vi } from 'vitest';
import { actionRowHtml, appPage, profileHeaderHtml, profilePage, timelineHtml } from '../../fixtures/x-pages';
import type { Handle } from '@/lib/handle';
import { callButtons, start, trustedClick, type Harness } from './harness';
import { element, fixture, loadPage, settle } from './page';

let harness: Harness | undefined;
afterEach(() => {
  harness?.stop();
  harness = undefined;
  vi.restoreAllMocks();
});

const bob = 'bob' as Handle;
const row = () => document.querySelector('[data-testid="userActions"]')!.parentElement!;
const summary = () =>
  callButtons().map((button) => ({
    testid: button.dataset.testid,
    surface: button.dataset.surface,
    label: button.getAttribute('aria-label'),
    title: button.title,
  }));

describe('profile header buttons', () => {
  it("appear in another user's action row, before the message button", () => {
    loadPage(fixture('profile-other.html'), 'https://x.com/bob');
    harness = start();
    expect(summary()).toEqual([
      { testid: 'birdcall-call-audio', surface: 'profile', label: 'Call @bob', title: 'Call @bob' },
      { testid: 'birdcall-call-video', surface: 'profile', label: 'Video call @bob', title: 'Video call @bob' },
    ]);
    const set = callButtons()[0]!.parentElement!;
    expect(set.parentElement).toBe(row());
    expect(set.nextElementSibling?.getAttribute('data-testid')).toBe('sendDMFromProfile');
    expect(set.getAttribute('data-theme')).toBe('light');
  });

  it('use the lowercase handle from a mixed-case route, on a profile tab', () => {
    loadPage(fixture('profile-other.html'), 'https://x.com/Bob/media');
    harness = start();
    expect(callButtons().map((button) => button.getAttribute('aria-label'))).toEqual(['Call @bob', 'Video call @bob']);
  });

  it("go before the follow button's wrapper when DMs are closed", () => {
    loadPage(fixture('profile-dms-closed.html'), 'https://x.com/carol_99');
    harness = start();
    expect(callButtons()).toHaveLength(2);
    expect(callButtons()[0]!.parentElement!.nextElementSibling?.getAttribute('data-testid')).toBe('placementTracking');
  });

  it('follow the dark theme, also when it changes live', async () => {
    loadPage(fixture('profile-dark.html'), 'https://x.com/bob');
    harness = start();
    const set = callButtons()[0]!.parentElement!;
    expect(set.getAttribute('data-theme')).toBe('dark');
    document.body.style.backgroundColor = 'rgb(255, 255, 255)';
    await settle();
    expect(set.getAttribute('data-theme')).toBe('light');
    document.body.style.backgroundColor = 'rgb(21, 32, 43)';
    await settle();
    expect(set.getAttribute('data-theme')).toBe('dark');
  });

  it.each([
    ['own profile (Edit profile)', fixture('profile-own.html'), 'https://x.com/alice'],
    ['own profile reached by handle', profilePage({ viewer: 'alice', profile: 'alice' }), 'https://x.com/Alice'],
    ['logged-out server-rendered page', fixture('profile-logged-out.html'), 'https://x.com/bob'],
    ['logged-out app', profilePage({ viewer: null, profile: 'bob' }), 'https://x.com/bob'],
    ['home timeline', fixture('x-home.html'), 'https://x.com/home'],
    ['profile capture at a non-profile route', fixture('profile-other.html'), 'https://x.com/bob/status/1'],
  ])('never appear on the %s', async (_name, html, url) => {
    loadPage(html, url);
    harness = start();
    await settle();
    expect(callButtons()).toEqual([]);
  });

  it('do not appear when Edit profile is in a header that also has a More button', () => {
    loadPage(fixture('profile-other.html'), 'https://x.com/bob');
    row().append(element('<a href="/settings/profile" data-testid="editProfileButton">Edit profile</a>'));
    harness = start();
    expect(callButtons()).toEqual([]);
  });

  it('wait for the action row when the header renders in stages', async () => {
    const page = appPage({
      title: 'Bob',
      theme: 'light',
      viewer: 'alice' as Handle,
      primaryColumn: profileHeaderHtml({ profile: bob, actionRow: false }) + timelineHtml(bob),
    });
    loadPage(page, 'https://x.com/bob');
    harness = start();
    await settle();
    expect(callButtons()).toEqual([]);
    document
      .querySelector('[data-testid="UserAvatar-Container-bob"]')!
      .closest('a')!
      .parentElement!.after(element(actionRowHtml({ profile: bob })));
    await settle();
    expect(callButtons()).toHaveLength(2);
  });

  it('wait for the signed-in user when the navigation renders after the header', async () => {
    loadPage(fixture('profile-other.html'), 'https://x.com/bob');
    const banner = document.querySelector('header[role="banner"]')!;
    banner.remove();
    harness = start();
    await settle();
    expect(callButtons()).toEqual([]);
    document.querySelector('#react-root > div')!.prepend(banner);
    await settle();
    expect(callButtons()).toHaveLength(2);
  });

  it('stay one set when X re-renders or replaces the row', async () => {
    loadPage(fixture('profile-other.html'), 'https://x.com/bob');
    harness = start();
    const parent = row().parentElement!;
    for (let i = 0; i < 3; i++) {
      // React re-rendering children around ours.
      row().append(row().querySelector('[data-testid="placementTracking"]')!);
      row().prepend(element('<div></div>'));
      await settle();
      expect(callButtons()).toHaveLength(2);
    }
    // X replacing the whole row with a fresh one.
    row().remove();
    await settle();
    expect(callButtons()).toEqual([]);
    parent.append(element(actionRowHtml({ profile: bob })));
    await settle();
    expect(callButtons()).toHaveLength(2);
    expect(callButtons()[0]!.parentElement!.parentElement).toBe(row());
    // A clone of the row carrying a copy of our buttons (stale set) is cleaned up.
    parent.append(row().cloneNode(true));
    await settle();
    expect(callButtons()).toHaveLength(2);
  });

  it('ignore look-alike rows inside posts and cells', async () => {
    loadPage(fixture('profile-other.html'), 'https://x.com/bob');
    const cell = document.querySelector('[data-testid="cellInnerDiv"] article')!;
    cell.prepend(element('<div><button data-testid="userActions" aria-haspopup="menu"></button></div>'));
    row().remove();
    harness = start();
    await settle();
    expect(callButtons()).toEqual([]);
  });

  it('do not go into the previous profile header while X is still showing it', async () => {
    loadPage(fixture('profile-other.html'), 'https://x.com/carol');
    harness = start();
    await settle();
    expect(callButtons()).toEqual([]);
  });

  it('are removed when the feature stops', () => {
    loadPage(fixture('profile-other.html'), 'https://x.com/bob');
    harness = start();
    expect(callButtons()).toHaveLength(2);
    harness.stop();
    expect(callButtons()).toEqual([]);
  });
});

describe('clicking a call button', () => {
  it('ignores untrusted (scripted) clicks', async () => {
    loadPage(fixture('profile-other.html'), 'https://x.com/bob');
    harness = start();
    harness.send.mockClear();
    const [audio, video] = callButtons();
    audio!.click();
    video!.dispatchEvent(new MouseEvent('click', { bubbles: true }));
    await settle();
    expect(harness.send).not.toHaveBeenCalled();
  });

  it('asks the background to place an audio or video call on a trusted click', async () => {
    loadPage(fixture('profile-other.html'), 'https://x.com/bob');
    harness = start();
    harness.send.mockClear();
    const [audio, video] = callButtons();
    trustedClick(audio!);
    trustedClick(video!);
    expect(harness.send.mock.calls).toEqual([
      [{ to: 'background', type: 'place-call', handle: 'bob', kind: 'audio' }],
      [{ to: 'background', type: 'place-call', handle: 'bob', kind: 'video' }],
    ]);
  });

  it('keeps the button usable when the background cannot be reached', async () => {
    loadPage(fixture('profile-other.html'), 'https://x.com/bob');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    harness = start(undefined, async (message) => {
      if (message.type === 'place-call') throw new Error('Extension context invalidated.');
      return undefined;
    });
    const [audio] = callButtons();
    trustedClick(audio!);
    await settle();
    expect(warn).toHaveBeenCalled();
    expect(audio!.isConnected).toBe(true);
    expect(audio!.title).toBe('Call @bob');
    trustedClick(audio!);
    expect(harness.send).toHaveBeenCalledTimes(3);
  });

  it("shows the background's refusal as the title for a while", async () => {
    vi.useFakeTimers();
    try {
      loadPage(fixture('profile-other.html'), 'https://x.com/bob');
      harness = start(undefined, async () => ({ ok: false, error: 'You are already in a call.' }));
      const [audio] = callButtons();
      trustedClick(audio!);
      await vi.advanceTimersByTimeAsync(0);
      expect(audio!.title).toBe('You are already in a call.');
      expect(audio!.getAttribute('aria-label')).toBe('Call @bob');
      await vi.advanceTimersByTimeAsync(5000);
      expect(audio!.title).toBe('Call @bob');
    } finally {
      vi.useRealTimers();
    }
  });
});
