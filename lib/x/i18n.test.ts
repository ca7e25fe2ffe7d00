import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { Handle } from '../handle';
import { isRtl, label, LANGUAGES, pageLanguage } from './i18n';

const bob = 'bob' as Handle;
const LOCALES = join(dirname(fileURLToPath(import.meta.url)), '../../public/_locales');
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

describe('_locales', () => {
  const dirs = readdirSync(LOCALES).sort();
  const read = (dir: string) => JSON.parse(readFileSync(join(LOCALES, dir, 'messages.json'), 'utf8')) as Record<string, { message: string }>;

  it('uses folder names Chrome accepts', () => {
    expect(dirs).toEqual(['ar', 'en', 'es', 'ja', 'pt_BR']);
  });

  it.each(dirs)('%s has every message of en, with the $HANDLE$ placeholder where en has it', (dir) => {
    const en = read('en');
    const messages = read(dir);
    expect(Object.keys(messages).sort()).toEqual(Object.keys(en).sort());
    for (const key of Object.keys(en)) {
      expect(messages[key]!.message.includes('$HANDLE$'), `${dir} ${key}`).toBe(en[key]!.message.includes('$HANDLE$'));
    }
  });
});
