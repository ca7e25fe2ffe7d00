import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { element, loadPage, settle } from '../../tests/unit/content/page';
import { queryFirst } from './dom';
import { layersScopes, scopeOrApp, viewerScopes, watchPage, type Watch } from './watch';

const PAGE = `<html lang="en"><body style="background-color: rgb(255, 255, 255);"><div id="react-root"><div>
  <header role="banner"><a data-testid="AppTabBar_Profile_Link" href="/alice"></a></header>
  <main role="main"><div data-testid="primaryColumn">
    <div id="header"><div data-testid="UserName"><span>@bob</span></div></div>
    <section><div id="list"><div data-testid="cellInnerDiv"><article><a href="/bob"><span>a post</span></a></article></div></div></section>
  </div></main></div>
  <div id="layers"></div>
</div></body></html>`;

let page: AbortController;
beforeEach(() => (page = new AbortController()));
afterEach(() => page.abort());

/** A watch of `scopes` counting its wake-ups, until the returned controller aborts. */
function counting(scopes: Watch['scopes'], onChange = () => {}) {
  const watch = watchPage(document, page.signal);
  const controller = new AbortController();
  const counted = { calls: 0, controller };
  watch(
    {
      scopes,
      onChange: () => {
        counted.calls++;
        onChange();
      },
    },
    controller.signal,
  );
  return counted;
}

const byId = (id: string) => document.getElementById(id)!;

describe('watchPage', () => {
  it('never wakes for the timeline beside a watched header: cells, their attributes and texts', async () => {
    loadPage(PAGE);
    const watched = counting(() => [byId('header')]);
    const list = byId('list');
    for (let i = 0; i < 20; i++) list.append(element(`<div data-testid="cellInnerDiv"><article><a href="/x${i}"><span>post ${i}</span></a></article></div>`));
    list.firstElementChild!.remove();
    for (const link of list.querySelectorAll('a')) link.setAttribute('href', '/someone');
    for (const span of list.querySelectorAll('span')) span.firstChild!.nodeValue = 'edited';
    await settle();
    expect(watched.calls).toBe(0);

    byId('header').querySelector('span')!.firstChild!.nodeValue = '@carol'; // text changed in place
    await settle();
    expect(watched.calls).toBe(1);
  });

  it('notices a scope that X removes or replaces, then watches the new one', async () => {
    loadPage(PAGE);
    const watched = counting(() => [document.querySelector('[data-testid="UserName"]')!.parentElement!]);
    byId('header').replaceWith(element('<div id="header"><div data-testid="UserName"><span>@carol</span></div></div>'));
    await settle();
    expect(watched.calls).toBe(1);
    byId('header').append(element('<div id="row"></div>'));
    await settle();
    expect(watched.calls).toBe(2);
  });

  it("follows X's theme (body style) and language (html lang) wherever the scopes are", async () => {
    loadPage(PAGE);
    const watched = counting(() => layersScopes(document));
    document.body.style.backgroundColor = 'rgb(0, 0, 0)';
    await settle();
    expect(watched.calls).toBe(1);
    document.documentElement.lang = 'es';
    await settle();
    expect(watched.calls).toBe(2);
    document.body.setAttribute('class', 'other'); // not the theme
    await settle();
    expect(watched.calls).toBe(2);
  });

  it('watches the app until what a scope looks for is drawn, then only that', async () => {
    loadPage(PAGE);
    const watched = counting(() => scopeOrApp(document, queryFirst(document, 'chatHeader')));
    byId('list').append(element('<div data-testid="cellInnerDiv"></div>'));
    await settle();
    expect(watched.calls).toBe(1); // no chat header yet: the whole app
    byId('layers').after(element('<div data-testid="dm-conversation-header"><span>Bob</span></div>'));
    await settle();
    expect(watched.calls).toBe(2);
    byId('list').append(element('<div data-testid="cellInnerDiv"></div>'));
    await settle();
    expect(watched.calls).toBe(2);
    queryFirst(document, 'chatHeader')!.append(element('<a href="/bob"></a>'));
    await settle();
    expect(watched.calls).toBe(3);
  });

  it('watches nothing but the body without an app, and the app once it comes', async () => {
    loadPage('<html><body><p id="static">A server-rendered page</p></body></html>');
    const watched = counting(() => scopeOrApp(document));
    byId('static').append(element('<span>more</span>'));
    await settle();
    expect(watched.calls).toBe(0);
    document.body.append(element('<div id="react-root"><div id="inside"></div></div>'));
    await settle();
    expect(watched.calls).toBe(1);
    byId('inside').append(element('<span></span>'));
    await settle();
    expect(watched.calls).toBe(2);
  });

  it('is not woken again by what its own watches changed', async () => {
    loadPage(PAGE);
    const watched = counting(
      () => [byId('header')],
      () => {
        if (!byId('header').querySelector('.ours')) byId('header').append(element('<span class="ours"></span>'));
      },
    );
    byId('header').append(element('<div></div>'));
    await settle();
    await settle();
    expect(watched.calls).toBe(1);
    expect(byId('header').querySelectorAll('.ours')).toHaveLength(1);
  });

  it("stops a watch when its signal aborts, and every watch when the page's does", async () => {
    loadPage(PAGE);
    const first = counting(() => viewerScopes(document));
    const second = counting(() => viewerScopes(document));
    first.controller.abort();
    document.querySelector('header')!.append(element('<a data-testid="AppTabBar_Profile_Link" href="/bob"></a>'));
    await settle();
    expect([first.calls, second.calls]).toEqual([0, 1]);
    page.abort();
    document.querySelector('header')!.append(element('<span></span>'));
    await settle();
    expect(second.calls).toBe(1);
  });
});

describe('scopes', () => {
  it('the viewer is watched in the navigation bars, hover cards and menus under #layers, else in the app', () => {
    loadPage(PAGE);
    expect(viewerScopes(document)).toEqual([document.querySelector('header')]);
    expect(layersScopes(document)).toEqual([byId('layers')]);
    document.querySelector('header')!.remove();
    byId('layers').remove();
    expect(viewerScopes(document)).toEqual([byId('react-root')]);
    expect(layersScopes(document)).toEqual([byId('react-root')]);
  });
});
