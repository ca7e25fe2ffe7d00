import { describe, expect, it } from 'vitest';
import { parseRoute, sameRoute } from './route';

const profile = (handle: string) => ({ kind: 'profile', handle });
const other = { kind: 'other' };

describe('parseRoute', () => {
  it.each([
    ['/bob', 'bob'],
    ['/Bob', 'bob'],
    ['/BOB_99', 'bob_99'],
    ['/_', '_'],
    ['/a', 'a'],
    ['/abcdefghijklmno', 'abcdefghijklmno'],
    ['/x', 'x'],
    ['/123', '123'],
    ['/bob/', 'bob'],
    ['/bob?s=20', 'bob'],
    ['/bob#top', 'bob'],
    ['/bob/media?lang=en', 'bob'],
  ])('%s is the profile of %s', (path, handle) => {
    expect(parseRoute(path)).toEqual(profile(handle));
  });

  it.each(['with_replies', 'media', 'likes', 'highlights', 'articles', 'affiliates', 'superfollows'])('the %s tab is the profile too', (tab) => {
    expect(parseRoute(`/bob/${tab}`)).toEqual(profile('bob'));
    expect(parseRoute(`/bob/${tab}/`)).toEqual(profile('bob'));
    expect(parseRoute(`/Bob/${tab.toUpperCase()}`)).toEqual(profile('bob'));
  });

  it.each([
    '/home',
    '/Home',
    '/explore',
    '/i/chat/pin',
    '/i/chat/PIN/',
    '/i/chat/pin/new',
    '/i/chat/a/b',
    '/i/chats',
    '/settings/profile',
    '/notifications',
    '/messages',
    '/search?q=bob',
    '/compose/post',
    '/login',
    '/tos',
    '/i',
  ])('%s is reserved, not a profile', (path) => {
    expect(parseRoute(path)).toEqual(other);
  });

  it.each([
    '',
    '/',
    '//bob',
    'bob',
    '/bob//',
    '/bob/status/1000000000000000001',
    '/bob/followers',
    '/bob/photo',
    '/bob/media/extra',
    '/abcdefghijklmnop',
    '/bob-smith',
    '/bob.smith',
    '/@bob',
    '/%40bob',
    '/bób',
  ])('%j is not a profile', (path) => {
    expect(parseRoute(path)).toEqual(other);
  });
});

describe('chat routes', () => {
  it.each([
    ['/i/chat', null],
    ['/i/chat/', null],
    ['/i/chat?x=1', null],
    ['/i/chat/1000000000000000001-1000000000000000002', '1000000000000000001-1000000000000000002'],
    ['/i/chat/g1234567890/', 'g1234567890'],
  ])('%s is the chat with conversation %j', (path, conversation) => {
    expect(parseRoute(path)).toEqual({ kind: 'chat', conversation });
  });
});

describe('sameRoute', () => {
  it('compares kind and handle', () => {
    expect(sameRoute(parseRoute('/bob'), parseRoute('/Bob/media'))).toBe(true);
    expect(sameRoute(parseRoute('/bob'), parseRoute('/carol'))).toBe(false);
    expect(sameRoute(parseRoute('/home'), parseRoute('/explore'))).toBe(true);
    expect(sameRoute(parseRoute('/home'), parseRoute('/bob'))).toBe(false);
    expect(sameRoute(parseRoute('/i/chat/1-2'), parseRoute('/i/chat/1-2/'))).toBe(true);
    expect(sameRoute(parseRoute('/i/chat/1-2'), parseRoute('/i/chat/1-3'))).toBe(false);
    expect(sameRoute(parseRoute('/i/chat'), parseRoute('/home'))).toBe(false);
    expect(sameRoute(parseRoute('/home'), parseRoute('/i/chat'))).toBe(false);
  });
});
