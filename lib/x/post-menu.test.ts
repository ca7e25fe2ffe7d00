import { afterEach, describe, expect, it } from 'vitest';
import { profilePage } from '../../tests/fixtures/x-pages';
import { loadPage } from '../../tests/unit/content/page';
import { caretAuthor } from './post-menu';

afterEach(() => loadPage('<!doctype html><html><head></head><body></body></html>'));

describe('caretAuthor', () => {
  it("is the post's author for its caret or anything inside it, null elsewhere", () => {
    loadPage(profilePage({ viewer: 'alice', profile: 'Bob' }));
    const caret = document.querySelector('article [data-testid="caret"]')!;
    expect(caretAuthor(caret)).toBe('bob');
    expect(caretAuthor(caret.querySelector('svg'))).toBe('bob');
    expect(caretAuthor(document.querySelector('article [data-testid="tweetText"]'))).toBeNull();
    expect(caretAuthor(document.querySelector('[data-testid="userActions"]'))).toBeNull();
    expect(caretAuthor(null)).toBeNull();
  });

  it("skips a quoted post's author", () => {
    loadPage(profilePage({ viewer: 'alice', profile: 'bob' }));
    const article = document.querySelector('article')!;
    article.querySelector('[data-testid="User-Name"]')!.remove();
    article.querySelector('[data-testid="Tweet-User-Avatar"]')!.remove();
    article.insertAdjacentHTML('beforeend', '<div><article data-testid="tweet"><div data-testid="User-Name"><a href="/quoted">Q</a></div></article></div>');
    expect(caretAuthor(article.querySelector('[data-testid="caret"]'))).toBeNull();
  });
});
