import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Handle } from '@/lib/handle';
import { LAYOUT_CHECK_MS } from '@/entrypoints/x.content/profile-header';
import { appPage, profileHeaderHtml, profilePage, timelineHtml, type ProfileHeaderOptions } from '../../fixtures/x-pages';
import { callButtons, start, type Harness } from './harness';
import { fixture, loadPage, settle } from './page';

let harness: Harness | undefined;
afterEach(() => {
  harness?.stop();
  harness = undefined;
  vi.useRealTimers();
});

const bob = 'bob' as Handle;
const labels = () => callButtons().map((b) => `${b.dataset.surface}:${b.getAttribute('aria-label')}`);
const nextTo = () => callButtons()[0]!.parentElement!.nextElementSibling;
const redesigned = (redesign: NonNullable<ProfileHeaderOptions['redesign']>, extra: Partial<Parameters<typeof appPage>[0]> = {}) =>
  appPage({
    title: 'Bob (@bob) / X',
    theme: 'light',
    viewer: 'alice' as Handle,
    primaryColumn: profileHeaderHtml({ profile: bob, redesign }) + timelineHtml(bob),
    ...extra,
  });
const layoutReports = () => harness!.send.mock.calls.map(([m]) => m).filter((m) => m.type === 'layout-changed');

describe('profile header layouts', () => {
  it('redesigned header: found by the More button without aria-haspopup, before the Message button', () => {
    loadPage(profilePage({ viewer: 'alice', profile: 'bob', header: 'redesign' }), 'https://x.com/bob');
    harness = start();
    expect(labels()).toEqual(['profile:Call @bob', 'profile:Video call @bob']);
    expect(nextTo()?.getAttribute('data-testid')).toBe('sendDMFromProfile');
    expect(nextTo()?.parentElement?.getAttribute('role')).toBe('group');
  });

  it.each([
    ['no More button: the Message button finds the row', { more: false }, 'sendDMFromProfile'],
    ['Message is a link to the chat', { more: false, message: 'link' as const }, null],
    ['no More, no Message (DMs closed): the Follow button finds the row', { more: false, message: false as const }, 'placementTracking'],
  ])('redesigned header, %s', (_name, redesign, before) => {
    loadPage(redesigned(redesign), 'https://x.com/bob');
    harness = start();
    expect(labels()).toEqual(['profile:Call @bob', 'profile:Video call @bob']);
    if (before) expect(nextTo()?.getAttribute('data-testid')).toBe(before);
    else expect(nextTo()?.getAttribute('href')).toMatch(/^\/i\/chat\//);
  });

  it('narrow (mobile) layout: signed-in user from the top bar, column without its test id', () => {
    loadPage(profilePage({ viewer: 'alice', profile: 'bob', layout: 'narrow' }), 'https://x.com/bob');
    harness = start();
    expect(document.querySelector('[data-testid="AppTabBar_Profile_Link"]')).toBeNull();
    expect(labels()).toEqual(['profile:Call @bob', 'profile:Video call @bob']);
    harness.stop();
    loadPage(redesigned({}, { layout: 'narrow', primaryColumnTestId: false }), 'https://x.com/bob');
    harness = start();
    expect(labels()).toEqual(['profile:Call @bob', 'profile:Video call @bob']);
  });

  it('nothing on the own redesigned profile', async () => {
    loadPage(
      appPage({
        title: 'Alice',
        theme: 'light',
        viewer: 'alice' as Handle,
        primaryColumn: profileHeaderHtml({ profile: 'alice' as Handle, ownProfile: true, redesign: {} }),
      }),
      'https://x.com/alice',
    );
    harness = start();
    await settle();
    expect(callButtons()).toEqual([]);
  });
});

describe('"X layout changed"', () => {
  it('is reported once, with the path and the anchors that failed, when no action row shows within 5 s', async () => {
    vi.useFakeTimers();
    loadPage(profilePage({ viewer: 'alice', profile: 'bob' }), 'https://x.com/bob/media?ref=secret#top');
    // X renamed every anchor of the row.
    for (const el of document.querySelectorAll(
      '[data-testid="userActions"], [data-testid="sendDMFromProfile"], [data-testid="placementTracking"], [data-testid$="-follow"]',
    )) {
      el.setAttribute('data-testid', 'renamed');
    }
    harness = start();
    await vi.advanceTimersByTimeAsync(LAYOUT_CHECK_MS - 100);
    expect(layoutReports()).toEqual([]);
    await vi.advanceTimersByTimeAsync(200);
    expect(layoutReports()).toEqual([
      { to: 'background', type: 'layout-changed', surface: 'profile', path: '/bob/media', anchors: ['profileMoreButton', 'messageButton', 'followButton'] },
    ]);
    await vi.advanceTimersByTimeAsync(LAYOUT_CHECK_MS * 3);
    expect(layoutReports()).toHaveLength(1);
  });

  it('names the name block too when it is missing', async () => {
    vi.useFakeTimers();
    loadPage(profilePage({ viewer: 'alice', profile: 'bob' }), 'https://x.com/bob');
    document.querySelector('[data-testid="userActions"]')!.parentElement!.remove();
    document.querySelector('[data-testid="UserName"]')!.removeAttribute('data-testid');
    harness = start();
    await vi.advanceTimersByTimeAsync(LAYOUT_CHECK_MS + 10);
    expect(layoutReports()[0]).toMatchObject({ anchors: ['profileMoreButton', 'messageButton', 'followButton', 'profileUserName'] });
  });

  it.each([
    [
      'the row rendered late but in time',
      (doc: Document) => {
        const row = doc.querySelector('[data-testid="userActions"]')!.parentElement!;
        const parent = row.parentElement!;
        row.remove();
        setTimeout(() => parent.append(row), LAYOUT_CHECK_MS / 2);
      },
      'https://x.com/bob',
    ],
    ['the own profile', () => {}, 'https://x.com/alice'],
    [
      'a profile that does not exist',
      (doc: Document) => {
        doc.querySelector('[data-testid="userActions"]')!.parentElement!.remove();
        doc
          .querySelector('[data-testid="primaryColumn"]')!
          .insertAdjacentHTML('beforeend', '<div data-testid="emptyState"><span>This account doesn’t exist</span></div>');
      },
      'https://x.com/bob',
    ],
    [
      'a logged-out page',
      (doc: Document) => {
        doc.querySelector('header[role="banner"]')!.remove();
        doc.querySelector('[data-testid="userActions"]')!.parentElement!.remove();
      },
      'https://x.com/bob',
    ],
    ['a page whose column never came', (doc: Document) => doc.querySelector('main')!.remove(), 'https://x.com/bob'],
  ])('is not reported for %s', async (_name, change, url) => {
    vi.useFakeTimers();
    loadPage(url.endsWith('alice') ? fixture('profile-own.html') : profilePage({ viewer: 'alice', profile: 'bob' }), url);
    change(document);
    harness = start();
    await vi.advanceTimersByTimeAsync(LAYOUT_CHECK_MS * 2);
    expect(layoutReports()).toEqual([]);
  });

  it('is not reported when the viewer navigated away before the 5 s', async () => {
    vi.useFakeTimers();
    loadPage(profilePage({ viewer: 'alice', profile: 'bob' }), 'https://x.com/bob');
    document.querySelector('[data-testid="userActions"]')!.parentElement!.remove();
    harness = start();
    await vi.advanceTimersByTimeAsync(LAYOUT_CHECK_MS / 2);
    history.pushState(null, '', '/home');
    harness.runner.navigate('/home');
    await vi.advanceTimersByTimeAsync(LAYOUT_CHECK_MS * 2);
    expect(layoutReports()).toEqual([]);
  });
});
