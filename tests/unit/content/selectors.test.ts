/** Every selector of the registry, each fallback included, is met by at least one fixture page. */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Handle } from '@/lib/handle';
import { selectors, type SelectorName } from '@/lib/x/selectors';
import {
  appPage,
  chatPage,
  chatPinPage,
  hoverCardPage,
  missingProfilePage,
  postMenuHtml,
  profileHeaderHtml,
  profilePage,
  timelineHtml,
} from '../../fixtures/x-pages';
import { fixture } from './page';

const bob = 'bob' as Handle;
const redesigned = (redesign: { more?: boolean; message?: 'button' | 'link' | false }) =>
  appPage({ title: 'Bob', theme: 'light', viewer: 'alice' as Handle, primaryColumn: profileHeaderHtml({ profile: bob, redesign }) + timelineHtml(bob) });

/** Every fixture the surface tests use, by name. */
const FIXTURES: Record<string, string> = {
  ...Object.fromEntries(
    readdirSync(join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/x'))
      .filter((name) => name.endsWith('.html'))
      .map((name) => [name, fixture(name)]),
  ),
  'profile redesign': profilePage({ viewer: 'alice', profile: 'bob', header: 'redesign' }),
  'profile redesign, message link, no More': redesigned({ more: false, message: 'link' }),
  'profile narrow': profilePage({ viewer: 'alice', profile: 'bob', layout: 'narrow' }),
  'profile missing (empty state)': missingProfilePage({ viewer: 'alice', profile: 'nobody' }),
  'profile missing (error detail)': missingProfilePage({ viewer: 'alice', profile: 'nobody', as: 'error-detail' }),
  'hover card': hoverCardPage({ viewer: 'alice', person: 'bob' }),
  'hover card, hoverCardParent': hoverCardPage({ viewer: 'alice', person: 'bob', root: 'hoverCardParent' }),
  'hover card, person by Following': hoverCardPage({ viewer: 'alice', person: 'bob', personBy: 'following', follow: 'bare' }),
  'hover card, person by verified followers': hoverCardPage({ viewer: 'alice', person: 'bob', personBy: 'verified_followers', follow: 'following' }),
  'hover card, person by followers': hoverCardPage({ viewer: 'alice', person: 'bob', personBy: 'followers' }),
  'chat one-to-one': chatPage({ viewer: 'alice', with: ['bob'] }),
  'chat, panel header, link': chatPage({ viewer: 'alice', with: ['bob'], header: 'panel', personBy: 'link' }),
  'chat group': chatPage({ viewer: 'alice', with: ['bob', 'carol'] }),
  'chat pin': chatPinPage('alice'),
  'post menu': appPage({ title: 'Bob', theme: 'light', viewer: 'alice' as Handle, primaryColumn: timelineHtml(bob), layers: postMenuHtml({ author: 'bob' }) }),
  'post menu, role only': appPage({
    title: 'Bob',
    theme: 'light',
    viewer: 'alice' as Handle,
    primaryColumn: timelineHtml(bob),
    layers: postMenuHtml({ author: 'bob', testid: false }),
  }),
};

const documents = Object.entries(FIXTURES).map(([name, html]) => [name, new DOMParser().parseFromString(html, 'text/html')] as const);

describe('selector registry', () => {
  const all = Object.entries(selectors).flatMap(([name, list]) => list.map((selector, index) => [name as SelectorName, index, selector] as const));

  it.each(all)('%s[%i] %s is met by a fixture', (_name, _index, selector) => {
    const meeting = documents.filter(([, doc]) => doc.querySelector(selector) !== null).map(([name]) => name);
    expect(meeting.length, `no fixture has ${selector}`).toBeGreaterThan(0);
  });

  it('lists a fallback for every anchor but the app root (its absence is the logged-out signal), the name-block guard and #layers (a container)', () => {
    const single = Object.entries(selectors)
      .filter(([, list]) => list.length < 2)
      .map(([name]) => name);
    expect(single.sort()).toEqual(['appRoot', 'layers', 'profileUserName']);
  });
});
