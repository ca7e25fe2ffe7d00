import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalog, LOCALES, LOCALES_DIR, useLocale } from '@/tests/unit/locale';
import { formatMessage, localizeDocument, t } from './i18n';

const ROOT = join(LOCALES_DIR, '../..');
const en = catalog('en');
const placeholders = (text: string) => [...text.matchAll(/\$([A-Za-z_]+)\$/g)].map((match) => match[1]!.toLowerCase()).sort();

/** The extension's own source: every file a build can include, tests and tooling left out. */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory())
      return ['node_modules', 'tests', 'server', 'bench', 'public', 'docs'].includes(name) || name.startsWith('.') ? [] : sourceFiles(path);
    return /\.(ts|tsx|html)$/.test(name) && !/\.test\.tsx?$|\.test-support\.ts$/.test(name) ? [path] : [];
  });
}

describe('_locales', () => {
  it('uses folder names Chrome accepts', () => {
    expect(LOCALES).toEqual(['ar', 'en', 'es', 'ja', 'pt_BR']);
  });

  it.each(LOCALES)('%s has exactly the messages of en, none empty, with the same placeholders', (locale) => {
    const messages = catalog(locale);
    expect(Object.keys(messages).sort()).toEqual(Object.keys(en).sort());
    for (const [key, entry] of Object.entries(en)) {
      const translated = messages[key]!;
      expect(translated.message.trim(), `${locale} ${key}`).not.toBe('');
      expect(placeholders(translated.message), `${locale} ${key}`).toEqual(placeholders(entry.message));
      expect(translated.placeholders, `${locale} ${key}`).toEqual(entry.placeholders);
    }
  });

  it('declares every placeholder en uses, and uses every one it declares', () => {
    for (const [key, entry] of Object.entries(en)) {
      expect(Object.keys(entry.placeholders ?? {}).sort(), key).toEqual([...new Set(placeholders(entry.message))]);
    }
  });

  it('has no message the code does not use', () => {
    const code = sourceFiles(ROOT)
      .map((path) => readFileSync(path, 'utf8'))
      .join('\n');
    const unused = Object.keys(en).filter((key) => !code.includes(`'${key}'`) && !code.includes(`__MSG_${key}__`));
    expect(unused, `not used in ${sourceFiles(ROOT).map((path) => relative(ROOT, path)).length} source files`).toEqual([]);
  });

  it.each(LOCALES)('%s names its own language and direction', (locale) => {
    const tag = catalog(locale).languageTag!.message;
    expect(tag.replace('-', '_')).toBe(locale);
    expect(catalog(locale).textDirection!.message).toBe(locale === 'ar' ? 'rtl' : 'ltr');
  });
});

describe('t', () => {
  it('answers in the UI language, with substitutions where the placeholders say', () => {
    expect(t('identityMismatch', 'bob', 'alice')).toBe('X shows you as @bob; Birdcall is signed in as @alice');
    useLocale('ja');
    expect(t('identityMismatch', 'bob', 'alice')).toBe('X では @bob と表示されていますが、Birdcall には @alice としてサインインしています');
  });

  it('follows chrome.i18n: $$ is a dollar, a missing substitution is empty', () => {
    expect(formatMessage({ message: 'US$$ $A$ $B$', placeholders: { a: { content: '$1' }, b: { content: '$2' } } }, ['5'])).toBe('US$ 5 ');
  });
});

describe('localizeDocument', () => {
  it('gives the page its language, direction and title', () => {
    useLocale('ar');
    localizeDocument(document, 'optionsTitle');
    expect(document.documentElement.lang).toBe('ar');
    expect(document.documentElement.dir).toBe('rtl');
    expect(document.title).toBe('إعدادات Birdcall');
  });
});
