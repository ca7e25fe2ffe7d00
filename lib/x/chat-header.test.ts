import { afterEach, describe, expect, it } from 'vitest';
import { chatPage } from '../../tests/fixtures/x-pages';
import { loadPage } from '../../tests/unit/content/page';
import type { Handle } from '../handle';
import { chatHeaderPeople, chatHeaderSlot } from './chat-header';

const alice = 'alice' as Handle;
const header = () => document.querySelector('[data-testid="dm-conversation-header"]')!;
afterEach(() => loadPage('<!doctype html><html><head></head><body></body></html>'));

describe('chatHeaderPeople', () => {
  it('names the one person of a one-to-one chat, without the viewer', () => {
    loadPage(chatPage({ viewer: 'alice', with: ['bob'] }));
    header().insertAdjacentHTML('beforeend', '<a href="/alice" role="link"></a>');
    expect([...chatHeaderPeople(header(), alice).handles]).toEqual(['bob']);
  });

  it('names everyone of a group, and nobody in a header with only a group name', () => {
    loadPage(chatPage({ viewer: 'alice', with: ['bob', 'carol'] }));
    expect([...chatHeaderPeople(header(), alice).handles]).toEqual(['bob', 'carol']);
    loadPage(chatPage({ viewer: 'alice', with: ['bob', 'carol'], groupName: 'Club', personBy: 'text' }));
    expect(chatHeaderPeople(header(), alice).handles.size).toBe(0);
  });
});

describe('chatHeaderSlot', () => {
  it("is before the first of X's buttons after the person, else at the end of the header", () => {
    loadPage(chatPage({ viewer: 'alice', with: ['bob'] }));
    expect(chatHeaderSlot(document, alice)).toMatchObject({ handle: 'bob', before: { dataset: { testid: 'dm-conversation-info' } } });
    header().querySelector('[data-testid="dm-conversation-info"]')!.remove();
    expect(chatHeaderSlot(document, alice)).toMatchObject({ handle: 'bob', parent: header(), before: null });
  });

  it('is null for groups and pages without a chat header', () => {
    loadPage(chatPage({ viewer: 'alice', with: ['bob', 'carol'] }));
    expect(chatHeaderSlot(document, alice)).toBeNull();
    loadPage('<body><div id="react-root"></div></body>');
    expect(chatHeaderSlot(document, alice)).toBeNull();
  });
});
