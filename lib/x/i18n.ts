/**
 * Button labels in X's UI language (`<html lang>`), from the extension's own _locales files.
 *
 * browser.i18n.getMessage answers in the browser's UI language, not the page's, and reading the
 * files at run time would need them web-accessible (which lets any site detect Birdcall). So the
 * content script imports the few messages it needs from public/_locales at build time: the files
 * stay the one source (they also localize the manifest's name and description), and labels are
 * ready synchronously.
 */
// Named imports: the bundle keeps these two messages of each file, not the pages' hundred.
import { callAudio as arAudio, callVideo as arVideo } from '../../public/_locales/ar/messages.json';
import { callAudio as enAudio, callVideo as enVideo } from '../../public/_locales/en/messages.json';
import { callAudio as esAudio, callVideo as esVideo } from '../../public/_locales/es/messages.json';
import { callAudio as jaAudio, callVideo as jaVideo } from '../../public/_locales/ja/messages.json';
import { callAudio as ptAudio, callVideo as ptVideo } from '../../public/_locales/pt_BR/messages.json';
import type { Handle } from '../handle';
import { formatMessage, type ChromeMessage } from '../i18n';

type LabelKey = 'callAudio' | 'callVideo';

type Catalog = Record<LabelKey, ChromeMessage>;

/** Keyed by the primary subtag of X's `lang` (X says "pt" for its Brazilian Portuguese). */
const CATALOGS: Record<string, Catalog> = {
  en: { callAudio: enAudio, callVideo: enVideo },
  es: { callAudio: esAudio, callVideo: esVideo },
  ja: { callAudio: jaAudio, callVideo: jaVideo },
  pt: { callAudio: ptAudio, callVideo: ptVideo },
  ar: { callAudio: arAudio, callVideo: arVideo },
};
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
  return formatMessage((CATALOGS[language] ?? CATALOGS.en!)[key], [handle]);
}

export const LANGUAGES = Object.keys(CATALOGS);
