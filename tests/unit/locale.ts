/**
 * chrome.i18n for unit tests (WXT's fake browser has none): getMessage answers from
 * public/_locales exactly as Chrome would, in the locale a test picks (English by default).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeEach } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { formatMessage, type ChromeMessage } from '@/lib/i18n';

export const LOCALES_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../public/_locales');
export const LOCALES = readdirSync(LOCALES_DIR).sort();
export const catalog = (locale: string): Record<string, ChromeMessage> => JSON.parse(readFileSync(join(LOCALES_DIR, locale, 'messages.json'), 'utf8'));

let current = catalog('en');

/** Makes t() answer in `locale` (a _locales folder name) until the next test. */
export function useLocale(locale: string): void {
  current = catalog(locale);
}

fakeBrowser.i18n.getMessage = (key: string, substitutions?: string | string[]) => {
  const entry = current[key];
  return entry ? formatMessage(entry, typeof substitutions === 'string' ? [substitutions] : (substitutions ?? [])) : '';
};

beforeEach(() => useLocale('en'));
