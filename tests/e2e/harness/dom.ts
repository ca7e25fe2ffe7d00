/**
 * Finding elements by selector in the light DOM or inside open shadow roots (Birdcall's call
 * buttons on x.com may live in one).
 *
 * `deepQuery` / `deepQueryAll` are self-contained so Puppeteer can ship them into a page:
 *   await page.evaluate(deepQuery, '[data-testid="birdcall-call-button"]')   // (returns a handle/null)
 *   await page.evaluateHandle(deepQuery, testid('birdcall-call-button'))
 * Puppeteer's own `>>>` combinator pierces open shadow roots too:
 *   await page.locator('>>> [data-testid="birdcall-call-button"]').click()
 */
import type { ElementHandle, Frame, Page } from 'puppeteer-core';
import { poll, type PollOptions } from './poll';

/** `[data-testid="<id>"]`. */
export const testid = (id: string) => `[data-testid=${JSON.stringify(id)}]`;

/** First element matching `selector` in `root` or any open shadow root below it (depth-first). */
export function deepQuery(selector: string, root?: ParentNode): Element | null {
  const start: ParentNode = root ?? document;
  const direct = start.querySelector(selector);
  if (direct) return direct;
  const all = start.querySelectorAll('*');
  for (let i = 0; i < all.length; i++) {
    const shadow = all[i]!.shadowRoot;
    if (shadow) {
      const found = deepQuery(selector, shadow);
      if (found) return found;
    }
  }
  return null;
}

/** Every element matching `selector` in `root` and all open shadow roots below it. */
export function deepQueryAll(selector: string, root?: ParentNode): Element[] {
  const start: ParentNode = root ?? document;
  const found: Element[] = Array.from(start.querySelectorAll(selector));
  const all = start.querySelectorAll('*');
  for (let i = 0; i < all.length; i++) {
    const shadow = all[i]!.shadowRoot;
    if (shadow) found.push(...deepQueryAll(selector, shadow));
  }
  return found;
}

/**
 * Runs `read` in the page on the deep-queried element (null when absent) and returns its
 * JSON-serializable result. `read` must be self-contained: an arrow or function expression using
 * only its argument and page globals.
 */
export async function inspectDeep<T>(page: Page | Frame, selector: string, read: (element: Element | null) => T): Promise<T> {
  // A string expression (Runtime.evaluate) so the two functions travel together; CDP evaluation
  // is not subject to the page's CSP, unlike eval() inside the page.
  const expression = `(${read.toString()})((${deepQuery.toString()})(${JSON.stringify(selector)}))`;
  return (await page.evaluate(expression)) as T;
}

/** The deep-queried element as a handle, or null. */
export async function findDeep(page: Page | Frame, selector: string): Promise<ElementHandle<Element> | null> {
  const handle = await page.evaluateHandle(deepQuery, selector);
  const element = handle.asElement() as ElementHandle<Element> | null;
  if (!element) await handle.dispose();
  return element;
}

/** Waits until the deep-queried element exists and returns its handle. */
export async function waitForDeep(page: Page | Frame, selector: string, options: PollOptions = {}): Promise<ElementHandle<Element>> {
  return poll(async () => (await findDeep(page, selector)) ?? undefined, `${selector} (light DOM or open shadow root) on ${page.url()}`, options);
}

/** Waits for the deep-queried element and clicks it (a real mouse click at its center). */
export async function clickDeep(page: Page | Frame, selector: string, options: PollOptions = {}): Promise<void> {
  const element = await waitForDeep(page, selector, options);
  try {
    await element.click();
  } finally {
    await element.dispose();
  }
}
