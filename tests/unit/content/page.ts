/** Loading fixture pages into happy-dom's document for content script tests. */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function fixture(name: string): string {
  // A path, not a URL: under happy-dom `URL` is the page's class, which node:fs does not accept.
  return readFileSync(join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/x', name), 'utf8');
}

/** Replaces the current document's head and body with those of `html`, at `url`. */
export function loadPage(html: string, url = 'https://x.com/home'): void {
  (window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM.setURL(url);
  const parsed = new DOMParser().parseFromString(html, 'text/html');
  // X's UI language and direction live on <html>.
  for (const name of ['lang', 'dir']) {
    const value = parsed.documentElement.getAttribute(name);
    if (value === null) document.documentElement.removeAttribute(name);
    else document.documentElement.setAttribute(name, value);
  }
  document.head.replaceWith(document.importNode(parsed.head, true));
  document.body.replaceWith(document.importNode(parsed.body, true));
}

/** Lets MutationObserver callbacks and promise callbacks run. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

export function element(html: string): Element {
  const template = document.createElement('template');
  template.innerHTML = html.trim();
  return template.content.firstElementChild!;
}
