import { describe, expect, it } from 'vitest';
import { readSignedInHandle } from '@/lib/x/dom';
import { homePage, profilePage } from '../../fixtures/x-pages';
import { GENERATED } from './generated-fixtures';
import { fixture, loadPage } from './page';

describe('x-pages', () => {
  it('homePage swaps only the signed-in handle of the capture', () => {
    const html = homePage('Zed');
    loadPage(html);
    expect(readSignedInHandle(document)).toBe('zed');
    expect(document.querySelector('[data-testid="UserAvatar-Container-zed"]')).not.toBeNull();
    expect(html).toContain('href="/alice8"');
    expect(html).toContain('@alice101');
    expect(html).not.toMatch(/\/alice"/);
  });

  it('profilePage builds complete documents for each variant', () => {
    const withoutNote = (name: string) => fixture(name).replace(/^<!--[\s\S]*?-->\n/, '');
    // The generated fixture files stay in sync with the builder.
    expect(profilePage({ viewer: 'alice', profile: 'bob' })).toBe(withoutNote('profile-other.html'));
    expect(profilePage({ viewer: 'alice', profile: 'bob', theme: 'dark' })).toBe(withoutNote('profile-dark.html'));
    expect(profilePage({ viewer: 'alice', profile: 'alice', ownProfile: true })).toBe(withoutNote('profile-own.html'));
    const dark = profilePage({ viewer: 'alice', profile: 'bob', theme: 'dark' });
    expect(dark).toMatch(/^<!doctype html>/);
    expect(dark).toContain('background-color: rgb(0, 0, 0)');
    expect(profilePage({ viewer: 'alice', profile: 'alice', ownProfile: true })).toContain('href="/settings/profile"');
    const loggedOut = profilePage({ viewer: null, profile: 'bob' });
    expect(loggedOut).not.toContain('AppTabBar_Profile_Link');
    expect(loggedOut).not.toContain('sendDMFromProfile');
  });

  it.each(Object.keys(GENERATED))('the generated %s is in sync with its builder', (name) => {
    expect(fixture(name).replace(/^<!--[\s\S]*?-->\n/, '')).toBe(GENERATED[name]!.html());
  });

  it('refuses invalid handles', () => {
    expect(() => profilePage({ viewer: 'alice', profile: '<script>' })).toThrow();
    expect(() => homePage('a b')).toThrow();
  });
});
