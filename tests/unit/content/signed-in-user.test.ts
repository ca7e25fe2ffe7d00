import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSignedInUser } from '@/entrypoints/x.content/signed-in-user';
import { homePage } from '../../fixtures/x-pages';
import { fixture, loadPage, settle } from './page';
import { start, type Harness } from './harness';

let harness: Harness | undefined;
afterEach(() => {
  harness?.stop();
  harness = undefined;
  vi.restoreAllMocks();
});

const signedInMessages = () => harness!.send.mock.calls.filter(([message]) => message.type === 'signed-in');

describe('signed-in user', () => {
  it('tells the background once, not again on every change or navigation', async () => {
    loadPage(fixture('x-home.html'), 'https://x.com/home');
    harness = start([createSignedInUser()]);
    expect(harness.send.mock.calls).toEqual([[{ to: 'background', type: 'signed-in', handle: 'alice' }]]);
    document.querySelector('[data-testid="primaryColumn"]')!.append(document.createElement('div'));
    history.pushState(null, '', '/explore');
    harness.runner.navigate('/explore');
    await settle();
    expect(harness.send).toHaveBeenCalledTimes(1);
  });

  it('tells it when the navigation renders late, and again when the account changes', async () => {
    loadPage(homePage('zed_9'), 'https://x.com/home');
    const link = document.querySelector('[data-testid="AppTabBar_Profile_Link"]')!;
    const switcher = document.querySelector('[data-testid="SideNav_AccountSwitcher_Button"]')!;
    link.remove();
    switcher.remove();
    harness = start([createSignedInUser()]);
    await settle();
    expect(harness.send).not.toHaveBeenCalled();

    document.querySelector('nav')!.append(link);
    await settle();
    link.setAttribute('href', '/Other_Account');
    await settle();
    expect(signedInMessages()).toEqual([
      [{ to: 'background', type: 'signed-in', handle: 'zed_9' }],
      [{ to: 'background', type: 'signed-in', handle: 'other_account' }],
    ]);
  });

  it('sends nothing when logged out or when the handle is not valid', async () => {
    loadPage(fixture('profile-logged-out.html'), 'https://x.com/bob');
    harness = start([createSignedInUser()]);
    loadPage('<body><div id="react-root"><a data-testid="AppTabBar_Profile_Link" href="/i/flow/login"></a></div></body>');
    await settle();
    expect(harness.send).not.toHaveBeenCalled();
  });

  it('logs a failed report instead of throwing', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    loadPage(fixture('x-home.html'), 'https://x.com/home');
    harness = start([createSignedInUser()], () => Promise.reject(new Error('Could not establish connection.')));
    await settle();
    expect(warn).toHaveBeenCalledOnce();
  });
});
