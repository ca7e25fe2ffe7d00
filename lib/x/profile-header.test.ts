import { afterEach, describe, expect, it } from 'vitest';
import { fixture, loadPage } from '../../tests/unit/content/page';
import type { Handle } from '../handle';
import { findActionRowSlot, shownProfileHandle } from './profile-header';

const bob = 'bob' as Handle;
afterEach(() => loadPage('<!doctype html><html><head></head><body></body></html>'));

describe('findActionRowSlot', () => {
  it('puts buttons before the message button', () => {
    loadPage(fixture('profile-other.html'), 'https://x.com/bob');
    const slot = findActionRowSlot(document, bob)!;
    expect(slot.row.querySelector('[data-testid="userActions"]')?.parentElement).toBe(slot.row);
    expect(slot.before?.getAttribute('data-testid')).toBe('sendDMFromProfile');
  });

  it("puts buttons before the follow button's wrapper when DMs are closed", () => {
    loadPage(fixture('profile-dms-closed.html'), 'https://x.com/carol_99');
    const slot = findActionRowSlot(document, 'carol_99' as Handle)!;
    expect(slot.before?.getAttribute('data-testid')).toBe('placementTracking');
  });

  it('is null on the own profile, on a header of someone else, and before the row renders', () => {
    loadPage(fixture('profile-own.html'), 'https://x.com/alice');
    expect(findActionRowSlot(document, 'alice' as Handle)).toBeNull();
    loadPage(fixture('profile-other.html'), 'https://x.com/carol');
    expect(findActionRowSlot(document, 'carol' as Handle)).toBeNull();
    document.querySelector('[data-testid="userActions"]')!.parentElement!.remove();
    expect(findActionRowSlot(document, bob)).toBeNull();
  });
});

describe('shownProfileHandle', () => {
  it('reads the @handle after the display name, even when the name looks like a handle', () => {
    loadPage(fixture('profile-other.html'), 'https://x.com/bob');
    expect(shownProfileHandle(document)).toBe('bob');
    document.querySelector('[data-testid="UserName"] span span')!.textContent = '@mallory';
    expect(shownProfileHandle(document)).toBe('bob');
  });
});
