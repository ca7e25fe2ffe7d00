import { afterEach, describe, expect, it } from 'vitest';
import { element, fixture, loadPage } from '../../tests/unit/content/page';
import { containsListItem, handleOfElement, handleOfPeopleLink, pageTheme, queryOutsideListItems, readSignedInHandle } from './dom';

afterEach(() => loadPage('<!doctype html><html><head></head><body></body></html>'));

describe('readSignedInHandle', () => {
  it.each(['x-home.html', 'x-profile.html', 'x-status.html', 'x-search.html'])('finds alice on the %s capture', (name) => {
    loadPage(fixture(name));
    expect(readSignedInHandle(document)).toBe('alice');
  });

  it('falls back to the account switcher avatar', () => {
    loadPage(fixture('x-home.html'));
    document.querySelector('[data-testid="AppTabBar_Profile_Link"]')!.remove();
    expect(readSignedInHandle(document)).toBe('alice');
  });

  it('falls back to the narrow layout profile button, by link or by avatar', () => {
    loadPage('<body><div id="react-root"><a data-testid="DashButton_ProfileIcon_Link" href="/Zed_1"></a></div></body>');
    expect(readSignedInHandle(document)).toBe('zed_1');
    loadPage(
      '<body><div id="react-root"><button data-testid="DashButton_ProfileIcon_Link"><div data-testid="UserAvatar-Container-zed"></div></button></div></body>',
    );
    expect(readSignedInHandle(document)).toBe('zed');
  });

  it('skips a nav link that is not a valid profile and uses the next anchor', () => {
    loadPage(fixture('x-home.html'));
    document.querySelector('[data-testid="AppTabBar_Profile_Link"]')!.setAttribute('href', '/home');
    document.querySelector('[data-testid="UserAvatar-Container-alice"]')!.setAttribute('data-testid', 'UserAvatar-Container-bob');
    expect(readSignedInHandle(document)).toBe('bob');
  });

  it('is null when logged out or when nothing valid is there', () => {
    loadPage(fixture('profile-logged-out.html'));
    expect(readSignedInHandle(document)).toBeNull();
    loadPage('<body><a data-testid="AppTabBar_Profile_Link" href="/not-a-handle!"></a></body>');
    expect(readSignedInHandle(document)).toBeNull();
  });
});

describe('handleOfElement', () => {
  it('reads x.com and twitter.com links but not other sites', () => {
    expect(handleOfElement(element('<a href="https://twitter.com/Bob"></a>'))).toBe('bob');
    expect(handleOfElement(element('<a href="https://x.com/bob/media"></a>'))).toBe('bob');
    expect(handleOfElement(element('<a href="https://evil.example/bob"></a>'))).toBeNull();
    expect(handleOfElement(element('<a href="https://[bad"></a>'))).toBeNull();
    expect(handleOfElement(element('<div data-testid="UserAvatar-Container-a_b"></div>'))).toBe('a_b');
    expect(handleOfElement(element('<div data-testid="UserAvatar-Container-way_too_long_handle"></div>'))).toBeNull();
  });
});

describe('handleOfPeopleLink', () => {
  it('reads the person of /<handle>/following-style links, on x.com only', () => {
    expect(handleOfPeopleLink(element('<a href="/Bob_1/following"></a>'))).toBe('bob_1');
    expect(handleOfPeopleLink(element('<a href="https://twitter.com/bob/verified_followers"></a>'))).toBe('bob');
    expect(handleOfPeopleLink(element('<a href="/i/following"></a>'))).toBeNull();
    expect(handleOfPeopleLink(element('<a href="https://evil.example/bob/following"></a>'))).toBeNull();
    expect(handleOfPeopleLink(element('<a></a>'))).toBeNull();
  });
});

describe('queryOutsideListItems', () => {
  it('ignores matches inside posts and cells', () => {
    loadPage(
      '<body><div data-testid="cellInnerDiv"><button data-testid="userActions" id="cell"></button></div><button data-testid="userActions" id="header"></button></body>',
    );
    expect(queryOutsideListItems(document, 'profileMoreButton')?.id).toBe('header');
  });
});

describe('containsListItem', () => {
  it('sees posts, user cells and timeline cells anywhere inside', () => {
    loadPage('<body><div id="a"><div><article></article></div></div><div id="b"><div data-testid="UserCell"></div></div><div id="c"><p></p></div></body>');
    expect(['a', 'b', 'c'].map((id) => containsListItem(document.getElementById(id)!))).toEqual([true, true, false]);
  });
});

describe('pageTheme', () => {
  it.each([
    ['rgb(255, 255, 255)', 'light'],
    ['rgb(0, 0, 0)', 'dark'],
    ['rgb(5, 5, 5)', 'contrast'],
    ['rgb(21, 32, 43)', 'dark'],
  ])('body %s is %s', (color, theme) => {
    loadPage(`<body style="background-color: ${color};"></body>`);
    expect(pageTheme(document)).toBe(theme);
  });

  it('falls back to the theme-color meta, then light', () => {
    loadPage('<head><meta name="theme-color" content="#000000"></head><body></body>');
    expect(pageTheme(document)).toBe('dark');
    loadPage('<body></body>');
    expect(pageTheme(document)).toBe('light');
  });
});
