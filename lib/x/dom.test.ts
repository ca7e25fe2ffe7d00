import { afterEach, describe, expect, it } from 'vitest';
import { element, fixture, loadPage, settle } from '../../tests/unit/content/page';
import { handleOfElement, handleOfPeopleLink, isTimelineChurn, pageTheme, queryOutsideListItems, readSignedInHandle, watchPage } from './dom';

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

describe('watchPage', () => {
  it('does not wake features for timeline cells coming and going', async () => {
    loadPage('<body><div id="timeline"><div data-testid="cellInnerDiv"></div></div><div id="root"></div></body>');
    let calls = 0;
    watchPage(document, new AbortController().signal)(() => calls++, new AbortController().signal);
    const timeline = document.getElementById('timeline')!;
    const cell = document.createElement('div');
    cell.setAttribute('data-testid', 'cellInnerDiv');
    timeline.append(cell);
    timeline.firstElementChild!.remove();
    cell.append(document.createElement('article'));
    await settle();
    expect(calls).toBe(0);
    document.getElementById('root')!.append(document.createElement('p'));
    await settle();
    expect(calls).toBe(1);
  });

  it('reports DOM and body style changes until aborted', async () => {
    loadPage('<body style="background-color: rgb(255, 255, 255);"><div id="root"></div></body>');
    const page = new AbortController();
    let calls = 0;
    watchPage(document, page.signal)(() => calls++, new AbortController().signal);
    document.getElementById('root')!.append(document.createElement('p'));
    await settle();
    expect(calls).toBe(1);
    document.body.style.backgroundColor = 'rgb(0, 0, 0)';
    await settle();
    expect(calls).toBe(2);
    page.abort();
    document.getElementById('root')!.append(document.createElement('p'));
    await settle();
    expect(calls).toBe(2);
  });
});

describe('isTimelineChurn', () => {
  const record = (init: Partial<MutationRecord>) => ({ type: 'childList', addedNodes: [], removedNodes: [], ...init }) as unknown as MutationRecord;
  it('is true for cells added to or removed from the timeline and for changes inside them', () => {
    document.body.innerHTML = '<div id="timeline"><div data-testid="cellInnerDiv"><article><span id="inner">x</span></article></div></div>';
    const timeline = document.getElementById('timeline')!;
    const cell = timeline.firstElementChild!;
    expect(isTimelineChurn(record({ target: timeline, addedNodes: [cell] as unknown as NodeList }))).toBe(true);
    expect(isTimelineChurn(record({ target: timeline, removedNodes: [cell] as unknown as NodeList }))).toBe(true);
    expect(isTimelineChurn(record({ target: document.getElementById('inner')! }))).toBe(true);
    expect(isTimelineChurn(record({ type: 'attributes', target: document.getElementById('inner')! }))).toBe(true);
  });
  it('is false for anything else: a header row, a hover card, an attribute outside the timeline', () => {
    document.body.innerHTML = '<div id="header"><div id="row"></div></div><div id="layers"></div>';
    const row = document.getElementById('row')!;
    expect(isTimelineChurn(record({ target: document.getElementById('header')!, addedNodes: [row] as unknown as NodeList }))).toBe(false);
    expect(isTimelineChurn(record({ type: 'attributes', target: row }))).toBe(false);
    expect(isTimelineChurn(record({ target: document.getElementById('layers')!, addedNodes: [document.createElement('div')] as unknown as NodeList }))).toBe(
      false,
    );
  });
});
