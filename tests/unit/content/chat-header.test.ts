import { afterEach, describe, expect, it } from 'vitest';
import { chatConversationId, chatPage, chatPinPage, homePage, type ChatPageOptions } from '../../fixtures/x-pages';
import { callButtons, start, trustedClick, type Harness } from './harness';
import { loadPage, settle } from './page';

let harness: Harness | undefined;
afterEach(() => {
  harness?.stop();
  harness = undefined;
});

const chatUrl = (opts: ChatPageOptions) => `https://x.com/i/chat/${chatConversationId(opts)}`;
const labels = () => callButtons().map((b) => b.getAttribute('aria-label'));

describe('chat header buttons', () => {
  it('appear in a one-to-one conversation header, before the conversation info button', async () => {
    const opts = { viewer: 'alice', with: ['bob'] };
    loadPage(chatPage(opts), chatUrl(opts));
    harness = start();
    expect(callButtons().map((b) => [b.dataset.testid, b.dataset.surface])).toEqual([
      ['birdcall-call-audio', 'chat'],
      ['birdcall-call-video', 'chat'],
    ]);
    expect(labels()).toEqual(['Call @bob', 'Video call @bob']);
    const set = callButtons()[0]!.parentElement!;
    expect(set.closest('[data-testid="dm-conversation-header"]')).not.toBeNull();
    expect(set.nextElementSibling?.getAttribute('data-testid')).toBe('dm-conversation-info');
    trustedClick(callButtons()[0]!);
    expect(harness.send).toHaveBeenLastCalledWith({ to: 'background', type: 'place-call', handle: 'bob', kind: 'audio' });
  });

  it.each([
    ['the conversation panel header', { header: 'panel' as const }],
    ['a profile link instead of an avatar', { personBy: 'link' as const }],
    ['only the @handle text', { personBy: 'text' as const }],
  ])('work through the fallback for %s', async (_name, variant) => {
    const opts = { viewer: 'alice', with: ['bob'], ...variant };
    loadPage(chatPage(opts), chatUrl(opts));
    harness = start();
    await settle();
    expect(labels()).toEqual(['Call @bob', 'Video call @bob']);
  });

  it.each([
    ['a group of several people', { viewer: 'alice', with: ['bob', 'carol'] }],
    ['a named group', { viewer: 'alice', with: ['bob', 'carol', 'dave'], groupName: 'Book club' }],
    ['a group whose header names nobody', { viewer: 'alice', with: ['bob', 'carol'], personBy: 'link' as const, header: 'panel' as const }],
  ])('never appear on %s', async (_name, opts) => {
    loadPage(chatPage(opts), chatUrl(opts));
    harness = start();
    await settle();
    expect(callButtons()).toEqual([]);
  });

  it('never appear on the passcode screen, nor for a chat header seen outside /i/chat', async () => {
    loadPage(chatPinPage('alice'), 'https://x.com/i/chat/pin');
    harness = start();
    await settle();
    expect(callButtons()).toEqual([]);
    harness.stop();
    loadPage(chatPage({ viewer: 'alice', with: ['bob'] }), 'https://x.com/i/chat/pin');
    harness = start();
    await settle();
    expect(callButtons()).toEqual([]);
    harness.stop();
    loadPage(chatPage({ viewer: 'alice', with: ['bob'] }), 'https://x.com/settings/account');
    harness = start();
    await settle();
    expect(callButtons()).toEqual([]);
  });

  it('follow in-page moves between conversations, the passcode screen and home', async () => {
    const bob = { viewer: 'alice', with: ['bob'] };
    const carol = { viewer: 'alice', with: ['carol'] };
    loadPage(chatPage(bob), chatUrl(bob));
    harness = start();
    const go = async (url: string, html: string) => {
      history.pushState(null, '', url);
      harness!.runner.navigate(new URL(url).pathname);
      const next = new DOMParser().parseFromString(html, 'text/html');
      document.querySelector('main')!.replaceWith(document.importNode(next.querySelector('main')!, true));
      await settle();
    };
    await go(chatUrl(carol), chatPage(carol));
    expect(labels()).toEqual(['Call @carol', 'Video call @carol']);
    await go('https://x.com/i/chat/pin', chatPinPage('alice'));
    expect(labels()).toEqual([]);
    await go(chatUrl(bob), chatPage(bob));
    expect(labels()).toEqual(['Call @bob', 'Video call @bob']);
    await go('https://x.com/home', homePage('alice'));
    expect(labels()).toEqual([]);
  });

  it('stay one set while X re-renders the header', async () => {
    const opts = { viewer: 'alice', with: ['bob'] };
    loadPage(chatPage(opts), chatUrl(opts));
    harness = start();
    const header = document.querySelector('[data-testid="dm-conversation-header"]')!;
    for (let i = 0; i < 3; i++) {
      header.append(document.createElement('div'));
      await settle();
    }
    // A copy of the header carries a copy of our buttons, without their listeners: replaced.
    header.replaceWith(header.cloneNode(true));
    await settle();
    expect(callButtons()).toHaveLength(2);
    trustedClick(callButtons()[1]!);
    expect(harness.send).toHaveBeenLastCalledWith({ to: 'background', type: 'place-call', handle: 'bob', kind: 'video' });
  });
});
