/** Serves fixture pages for x.com in one tab through request interception (Chromium over CDP, Firefox over WebDriver BiDi). */
import type { HTTPRequest, Page } from 'puppeteer-core';

export type XPageHtml = string | ((path: string, url: URL) => string);

const X_HOSTS = new Set(['x.com', 'twitter.com']);

/**
 * Documents on x.com (and twitter.com) get `html` (or html(path, url)), other requests there get
 * an empty 404, every other request goes on.
 */
export async function serveXPages(page: Page, html: XPageHtml): Promise<void> {
  await page.setRequestInterception(true);
  page.on('request', (request: HTTPRequest) => {
    if (request.isInterceptResolutionHandled()) return;
    let parsed: URL | null = null;
    try {
      parsed = new URL(request.url());
    } catch {
      // data: and the like
    }
    if (parsed && parsed.protocol === 'https:' && X_HOSTS.has(parsed.hostname)) {
      if (request.isNavigationRequest()) {
        const body = typeof html === 'function' ? html(parsed.pathname, parsed) : html;
        void request.respond({ status: 200, contentType: 'text/html; charset=utf-8', body });
      } else {
        void request.respond({ status: 404, contentType: 'text/plain', body: '' });
      }
      return;
    }
    void request.continue();
  });
}
