/**
 * Birdcall's words, through one seam: every string a person sees is a key of
 * public/_locales/<locale>/messages.json, looked up with t(). Pages, the background and its
 * notifications answer in the browser's UI language (chrome.i18n); the content script follows X's
 * page language instead (lib/x/i18n.ts, same files). The offscreen document has no chrome.i18n,
 * so it reports Phrases, which the background puts into words.
 */
import { browser } from 'wxt/browser';
import type en from '../public/_locales/en/messages.json';

/** Every message the extension has; en is the reference catalog (tests hold the others to it). */
export type MessageKey = keyof typeof en;

/** What is to be said, for a context that cannot say it: a message key and its substitutions. */
export interface Phrase {
  key: MessageKey;
  args?: string[];
}

/** One entry of a messages.json file. */
export interface ChromeMessage {
  message: string;
  placeholders?: Record<string, { content: string }>;
}

/** chrome.i18n's rules: $NAME$ -> its placeholder's content, in which $1..$9 are the substitutions; $$ -> $. */
export function formatMessage(entry: ChromeMessage, substitutions: readonly string[]): string {
  return entry.message.replace(/\$(\w+)\$|\$\$/g, (_match, name: string | undefined) => {
    if (name === undefined) return '$';
    const content = entry.placeholders?.[name.toLowerCase()]?.content ?? '';
    return content.replace(/\$([1-9])/g, (_m, index: string) => substitutions[Number(index) - 1] ?? '');
  });
}

/** The message for `key` in the browser's UI language (English when Birdcall has none for it). */
export function t(key: MessageKey, ...substitutions: string[]): string {
  // Every locale has every key (tests check), so an empty answer means a key the build lost: show it, never nothing.
  return browser.i18n.getMessage(key, substitutions) || key;
}

export const say = ({ key, args = [] }: Phrase): string => t(key, ...args);

/** The language t() answers in, as a BCP 47 tag: for Intl formats and `<html lang>`. */
export const uiLanguage = (): string => t('languageTag');

/** Marks a page with the language and direction of its words, and gives it its title. */
export function localizeDocument(doc: Document, title: MessageKey): void {
  doc.documentElement.lang = uiLanguage();
  doc.documentElement.dir = t('textDirection');
  doc.title = t(title);
}
