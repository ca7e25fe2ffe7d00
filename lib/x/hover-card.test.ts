import { afterEach, describe, expect, it } from 'vitest';
import { hoverCardHtml, hoverCardPage } from '../../tests/fixtures/x-pages';
import { element, loadPage } from '../../tests/unit/content/page';
import { hoverCardHandle, hoverCardSlots } from './hover-card';

afterEach(() => loadPage('<!doctype html><html><head></head><body></body></html>'));

describe('hoverCardHandle', () => {
  it('is null while the card loads, then the person', () => {
    expect(hoverCardHandle(element(hoverCardHtml({ person: 'bob', filled: false })))).toBeNull();
    expect(hoverCardHandle(element(hoverCardHtml({ person: 'Bob' })))).toBe('bob');
    expect(hoverCardHandle(element(hoverCardHtml({ person: 'bob', personBy: 'followers' })))).toBe('bob');
  });
});

describe('hoverCardSlots', () => {
  it('one slot per card under #layers, before its Follow button', () => {
    loadPage(hoverCardPage({ viewer: 'alice', person: 'bob' }));
    document.getElementById('layers')!.append(element(hoverCardHtml({ person: 'carol', follow: 'bare' })));
    expect(hoverCardSlots(document).map((slot) => [slot.handle, slot.before?.getAttribute('data-testid')])).toEqual([
      ['bob', 'placementTracking'],
      ['carol', expect.stringMatching(/-follow$/)],
    ]);
  });
});
