import { afterEach, describe, expect, it } from 'vitest';
import { fixture, loadPage, settle } from './page';
import { callButtons, start, type Harness } from './harness';
import { profilePage } from '../../fixtures/x-pages';

let harness: Harness | undefined;
afterEach(() => {
  harness?.stop();
  harness = undefined;
});

/** What X does on an in-page navigation: push the URL, then render the new primary column and set the title. */
function xNavigate(path: string, html: string) {
  history.pushState(null, '', path);
  const next = new DOMParser().parseFromString(html, 'text/html');
  document.title = next.title;
  document.querySelector('[data-testid="primaryColumn"]')!.replaceWith(document.importNode(next.querySelector('[data-testid="primaryColumn"]')!, true));
}

const labels = () => callButtons().map((button) => button.getAttribute('aria-label'));
const profileOf = (profile: string) => profilePage({ viewer: 'alice', profile });

describe('in-page navigation', () => {
  it.each([
    ['reported by the navigation event', true],
    ['noticed from DOM changes alone', false],
  ])('profile A -> home -> profile B -> profile A, %s', async (_how, report) => {
    loadPage(profileOf('bob'), 'https://x.com/bob');
    harness = start();
    const go = async (path: string, html: string) => {
      if (report) harness!.runner.navigate(path);
      xNavigate(path, html);
      await settle();
    };
    expect(labels()).toEqual(['Call @bob', 'Video call @bob']);

    await go('/home', fixture('x-home.html'));
    expect(labels()).toEqual([]);

    await go('/carol', profileOf('carol'));
    expect(labels()).toEqual(['Call @carol', 'Video call @carol']);

    await go('/bob', profileOf('bob'));
    expect(labels()).toEqual(['Call @bob', 'Video call @bob']);
  });

  it('removes the buttons as soon as the route leaves the profile, even if the header lingers', async () => {
    loadPage(profileOf('bob'), 'https://x.com/bob');
    harness = start();
    history.pushState(null, '', '/bob/status/1000000000000000001');
    harness.runner.navigate('/bob/status/1000000000000000001');
    expect(labels()).toEqual([]);
  });

  it('keeps the same buttons across tabs of one profile', async () => {
    loadPage(profileOf('bob'), 'https://x.com/bob');
    harness = start();
    const [before] = callButtons();
    history.pushState(null, '', '/bob/media');
    harness.runner.navigate('/bob/media');
    await settle();
    expect(callButtons()[0]).toBe(before);
  });

  it('waits for the new header when the URL changes before X re-renders', async () => {
    loadPage(profileOf('bob'), 'https://x.com/bob');
    harness = start();
    history.pushState(null, '', '/carol');
    harness.runner.navigate('/carol');
    expect(labels()).toEqual([]);
    xNavigate('/carol', profileOf('carol'));
    await settle();
    expect(labels()).toEqual(['Call @carol', 'Video call @carol']);
  });
});
