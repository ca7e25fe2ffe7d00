import { afterEach, describe, expect, it } from 'vitest';
import { hoverCardHtml, hoverCardPage, homePage } from '../../fixtures/x-pages';
import { callButtons, start, trustedClick, type Harness } from './harness';
import { element, fixture, loadPage, settle } from './page';

let harness: Harness | undefined;
afterEach(() => {
  harness?.stop();
  harness = undefined;
});

const layers = () => document.getElementById('layers')!;
const card = () => document.querySelector('[data-testid="HoverCard"]')!;
const summary = () => callButtons().map((b) => [b.dataset.testid, b.dataset.surface, b.getAttribute('aria-label')]);

describe('hover card buttons', () => {
  it('appear once the card has filled in, compact, before its Follow button', async () => {
    loadPage(homePage('alice'), 'https://x.com/home');
    harness = start();
    layers().append(element(hoverCardHtml({ person: 'bob', filled: false })));
    await settle();
    expect(callButtons()).toEqual([]);
    // ~0.5 s later X replaces the placeholder with the card's content.
    layers().replaceChildren(element(hoverCardHtml({ person: 'bob' })));
    await settle();
    expect(summary()).toEqual([
      ['birdcall-call-audio', 'hovercard', 'Call @bob'],
      ['birdcall-call-video', 'hovercard', 'Video call @bob'],
    ]);
    const set = callButtons()[0]!.parentElement!;
    expect(set.classList.contains('birdcall-compact')).toBe(true);
    expect(set.nextElementSibling?.getAttribute('data-testid')).toBe('placementTracking');
    expect(card().contains(set)).toBe(true);
  });

  it('place the call with the card person', async () => {
    loadPage(hoverCardPage({ viewer: 'alice', person: 'Carol_9' }), 'https://x.com/home');
    harness = start();
    trustedClick(callButtons()[1]!);
    expect(harness.send).toHaveBeenLastCalledWith({ to: 'background', type: 'place-call', handle: 'carol_9', kind: 'video' });
  });

  it('go away with the card, and come back once for the next card, however quickly cards come and go', async () => {
    loadPage(homePage('alice'), 'https://x.com/home');
    harness = start();
    for (let i = 0; i < 20; i++) {
      layers().append(element(hoverCardHtml({ person: i % 2 ? 'bob' : 'carol' })));
      if (i % 3 === 0) await settle();
      layers().replaceChildren();
    }
    await settle();
    expect(callButtons()).toEqual([]);
    layers().append(element(hoverCardHtml({ person: 'dave' })));
    await settle();
    // X re-renders the card's content a few times while it is open.
    for (let i = 0; i < 3; i++) {
      const row = card().querySelector('[data-testid="placementTracking"]')!.parentElement!;
      row.append(element('<div></div>'));
      await settle();
    }
    expect(summary().map(([, , label]) => label)).toEqual(['Call @dave', 'Video call @dave']);
  });

  it('switch to the new person when the same card is reused for someone else', async () => {
    loadPage(hoverCardPage({ viewer: 'alice', person: 'bob' }), 'https://x.com/home');
    harness = start();
    card().replaceWith(element(hoverCardHtml({ person: 'carol' })).firstElementChild!);
    await settle();
    expect(summary().map(([, , label]) => label)).toEqual(['Call @carol', 'Video call @carol']);
  });

  it.each([
    ['the hoverCardParent root', { root: 'hoverCardParent' as const }],
    ['the person named by the Following link only', { personBy: 'following' as const }],
    ['the person named by the verified followers link only', { personBy: 'verified_followers' as const }],
    ['the person named by the followers link only', { personBy: 'followers' as const }],
    ['a bare follow button', { follow: 'bare' as const }],
    ['a Following (unfollow) button', { follow: 'following' as const }],
    ['no follow button (after the avatar)', { follow: false as const }],
  ])('work through the fallback for %s', async (_name, variant) => {
    loadPage(hoverCardPage({ viewer: 'alice', person: 'bob', ...variant }), 'https://x.com/home');
    harness = start();
    await settle();
    expect(summary().map(([, surface, label]) => [surface, label])).toEqual([
      ['hovercard', 'Call @bob'],
      ['hovercard', 'Video call @bob'],
    ]);
  });

  it.each([
    ["on the viewer's own card", hoverCardPage({ viewer: 'alice', person: 'alice' }), 'https://x.com/home'],
    [
      'when logged out',
      hoverCardPage({ viewer: 'alice', person: 'bob' }).replace(/AppTabBar_Profile_Link|SideNav_AccountSwitcher_Button/g, 'x'),
      'https://x.com/home',
    ],
    ['on a server-rendered page', fixture('profile-logged-out.html'), 'https://x.com/bob'],
  ])('never appear %s', async (_name, html, url) => {
    loadPage(html, url);
    harness = start();
    await settle();
    expect(callButtons()).toEqual([]);
  });

  it('ignore card-like markup outside #layers', async () => {
    loadPage(homePage('alice'), 'https://x.com/home');
    harness = start();
    document.querySelector('[data-testid="primaryColumn"]')!.append(element(hoverCardHtml({ person: 'bob' })));
    await settle();
    expect(callButtons()).toEqual([]);
  });

  it('work on profile, status and chat routes too, next to the profile buttons', async () => {
    loadPage(hoverCardPage({ viewer: 'alice', person: 'bob' }), 'https://x.com/alice/status/1');
    harness = start();
    expect(callButtons()).toHaveLength(2);
  });
});
