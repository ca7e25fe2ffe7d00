/**
 * Button labels in X's UI language (`<html lang>`), from the extension's own _locales files.
 *
 * browser.i18n.getMessage answers in the browser's UI language, not the page's, and reading the
 * files at run time would need them web-accessible (which lets any site detect Birdcall). So the
 * content script imports the few messages it needs from public/_locales at build time: the files
 * stay the one source (they also localize the manifest's name and description), and labels are
 * ready synchronously.
 */
import ar from '../../public/_locales/ar/messages.json';
import en from '../../public/_locales/en/messages.json';
import es from '../../public/_locales/es/messages.json';
import ja from '../../public/_locales/ja/messages.json';
import ptBR from '../../public/_locales/pt_BR/messages.json';
import type { Handle } from '../handle';

export type LabelKey = 'callAudio' | 'callVideo';

interface ChromeMessage {
  message: string;
  placeholders?: Record<string, { content: string }>;
}

type Catalog = Record<LabelKey, ChromeMessage>;

/** Keyed by the primary subtag of X's `lang` (X says "pt" for its Brazilian Portuguese). */
const CATALOGS: Record<string, Catalog> = { en, es, ja, pt: ptBR, ar };
const RTL_LANGUAGES = new Set(['ar', 'fa', 'he', 'ur']);

/** The catalog language for the page: `<html lang>`'s primary subtag when shipped, else English. */
export function pageLanguage(doc: Document): string {
  const primary = (doc.documentElement.lang || 'en').trim().toLowerCase().split(/[-_]/)[0] ?? 'en';
  return primary in CATALOGS ? primary : 'en';
}

export function isRtl(language: string): boolean {
  return RTL_LANGUAGES.has(language);
}

/** The label for `key` in `language`, with chrome.i18n's placeholder rules ($NAME$ -> content, $1 -> the handle). */
export function label(language: string, key: LabelKey, handle: Handle): string {
  const entry = (CATALOGS[language] ?? CATALOGS.en!)[key];
  return entry.message.replace(/\$(\w+)\$|\$\$/g, (_match, name: string | undefined) => {
    if (name === undefined) return '$';
    const content = entry.placeholders?.[name.toLowerCase()]?.content ?? '';
    return content.replace(/\$([1-9])/g, (_m, index: string) => (index === '1' ? handle : ''));
  });
}

export const LANGUAGES = Object.keys(CATALOGS);
