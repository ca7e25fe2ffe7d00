import { afterEach, describe, expect, it } from 'vitest';
import type { Handle } from '../handle';
import { isRtl, label, LANGUAGES, pageLanguage } from './i18n';

const bob = 'bob' as Handle;
afterEach(() => document.documentElement.removeAttribute('lang'));

describe('pageLanguage', () => {
  it.each([
    ['en', 'en'],
    ['es', 'es'],
    ['ja', 'ja'],
    ['pt', 'pt'],
    ['pt-BR', 'pt'],
    ['ar', 'ar'],
    ['AR', 'ar'],
    ['en-GB', 'en'],
    ['de', 'en'],
    ['', 'en'],
    [' es ', 'es'],
  ])('<html lang="%s"> is %s', (lang, expected) => {
    document.documentElement.lang = lang;
    expect(pageLanguage(document)).toBe(expected);
  });
});

describe('label', () => {
  it('fills the handle in as chrome.i18n would', () => {
    expect(label('en', 'callAudio', bob)).toBe('Call @bob');
    expect(label('ja', 'callVideo', bob)).toBe('@bob にビデオ通話');
    expect(label('xx', 'callAudio', bob)).toBe('Call @bob');
  });

  it('isolates "@handle" in right-to-left languages', () => {
    expect(isRtl('ar')).toBe(true);
    expect(isRtl('en')).toBe(false);
    expect(label('ar', 'callAudio', 'a_1' as Handle)).toBe('اتصال بـ \u2068@a_1\u2069');
  });

  it('ships English, Spanish, Japanese, Portuguese and Arabic', () => {
    expect(LANGUAGES.sort()).toEqual(['ar', 'en', 'es', 'ja', 'pt']);
  });
});
