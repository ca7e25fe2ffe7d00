/**
 * What the content script costs X's page: main-thread scripting while a synthetic timeline
 * inserts and removes post cells in bursts (with the extension vs a browser without it), and the
 * time from each surface (profile header row, hover card, chat header) appearing to Birdcall's
 * buttons being in it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { chatConversationId, chatPage, homePage, hoverCardPage, profilePage } from '../../tests/fixtures/x-pages';
import { launchBrowser, type BirdcallBrowser } from '../../tests/e2e/harness';
import { parseHandle, type Handle } from '../../lib/handle';

const handle = (text: string): Handle => {
  const parsed = parseHandle(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.handle;
};

/**
 * An extension with nothing but an empty service worker: launchBrowser waits for a worker, and
 * this keeps the no-Birdcall browser's flags and lifecycle identical to the Birdcall one.
 */
export async function launchWithoutBirdcall(): Promise<{ browser: BirdcallBrowser; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'birdcall-bench-null-ext-'));
  writeFileSync(
    join(dir, 'manifest.json'),
    JSON.stringify({ manifest_version: 3, name: 'bench-null', version: '1.0', background: { service_worker: 'sw.js' } }),
  );
  writeFileSync(join(dir, 'sw.js'), '// nothing\n');
  const browser = await launchBrowser(dir, { name: 'no-birdcall' });
  return {
    browser,
    async close() {
      await browser.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const VIEWER = 'carol';
const PROFILE = 'dave';

/** The timeline pages: X's home (the real capture) and a profile (where the header feature runs too). */
export function timelinePages(): Record<'home' | 'profile', { url: string; html: string }> {
  return {
    home: { url: 'https://x.com/home', html: homePage(VIEWER) },
    profile: { url: `https://x.com/${PROFILE}`, html: profilePage({ viewer: VIEWER, profile: PROFILE }) },
  };
}

/**
 * Runs in the page (main world): `total` cells appended to the timeline in bursts of `burst`, the
 * oldest removed beyond `keep` in the same task (X virtualizes its list), one burst per task
 * (yielding through a MessageChannel: timers in background tabs are throttled). Cells are built the
 * way a framework commits them, element by element from JS (createElement, setAttribute, append),
 * so the page has scripting of its own to compare with; X's React does much more per cell, which
 * makes the ratio measured here an upper bound. Templates are the home capture's cells, with
 * status ids made unique per cell.
 */
const DRIVE = `async ({ total, burst, keep, templates }) => {
  const first = document.querySelector('[data-testid="cellInnerDiv"]');
  const container = first.parentElement;
  const parser = document.createElement('template');
  const trees = templates.map((html) => { parser.innerHTML = html; return parser.content.firstElementChild; });
  const build = (node, n) => {
    if (node.nodeType === 3) return document.createTextNode(node.data);
    if (node.nodeType !== 1) return document.createComment('');
    const el = node.namespaceURI === 'http://www.w3.org/1999/xhtml' ? document.createElement(node.localName) : document.createElementNS(node.namespaceURI, node.localName);
    for (const attr of node.attributes) el.setAttribute(attr.name, attr.value.replace(/10000000000000000\\d\\d/, String(2000000000000000000 + n)));
    for (const child of node.childNodes) el.append(build(child, n));
    return el;
  };
  const tick = () => new Promise((resolve) => { const channel = new MessageChannel(); channel.port1.onmessage = resolve; channel.port2.postMessage(0); });
  const live = [];
  let n = 0;
  while (n < total) {
    const fragment = document.createDocumentFragment();
    for (let i = 0; i < burst && n < total; i++, n++) {
      const cell = build(trees[n % trees.length], n);
      live.push(cell);
      fragment.append(cell);
    }
    container.append(fragment);
    while (live.length > keep) live.shift().remove();
    await tick();
  }
  for (const cell of live) cell.remove();
  return n;
}`;

export async function cellTemplates(page: Page): Promise<string[]> {
  return (await page.evaluate(`[...document.querySelectorAll('[data-testid="cellInnerDiv"]')].map((cell) => cell.outerHTML)`)) as string[];
}

export interface PassCost {
  scriptMs: number;
  taskMs: number;
}

/** One pass of 2,000 cells; the page's ScriptDuration and TaskDuration (CDP Performance.getMetrics) over it. */
export async function timelinePass(page: Page, templates: string[], total = 2000): Promise<PassCost> {
  const args = JSON.stringify({ total, burst: 10, keep: 40, templates });
  const before = await page.metrics();
  // As a page <script>, not a DevTools evaluation: ScriptDuration leaves DevTools-run script out,
  // and X's own work is page script.
  await page.evaluate(
    `new Promise((resolve) => { window.__benchDone = resolve; const s = document.createElement('script'); s.textContent = ${JSON.stringify(`(${DRIVE})(${args}).then(() => window.__benchDone())`)}; document.head.append(s); s.remove(); })`,
  );
  const after = await page.metrics();
  return {
    scriptMs: ((after.ScriptDuration ?? 0) - (before.ScriptDuration ?? 0)) * 1000,
    taskMs: ((after.TaskDuration ?? 0) - (before.TaskDuration ?? 0)) * 1000,
  };
}

/** Where each surface's buttons go: the page it is on, and (in the page) how to find the element that receives them. */
export function surfacePages(): Record<'profile' | 'hovercard' | 'chat', { url: string; html: string; find: string }> {
  const viewer = handle(VIEWER);
  return {
    profile: {
      url: `https://x.com/${PROFILE}`,
      html: profilePage({ viewer: VIEWER, profile: PROFILE }),
      find: `document.querySelector('[data-testid="userActions"]').parentElement`,
    },
    hovercard: {
      url: 'https://x.com/home',
      html: hoverCardPage({ viewer: VIEWER, person: PROFILE }),
      find: `document.querySelector('#layers [data-testid="HoverCard"]').parentElement`,
    },
    chat: {
      url: `https://x.com/i/chat/${chatConversationId({ viewer, with: [PROFILE] })}`,
      html: chatPage({ viewer: VIEWER, with: [PROFILE] }),
      find: `document.querySelector('[data-testid="dm-conversation-header"]')`,
    },
  };
}

/**
 * Runs in the page (main world): removes the surface and puts a fresh copy back `runs` times (X
 * re-renders this way); for each, the time from the insertion to Birdcall's button set being in
 * it, seen by a MutationObserver (performance.now(); NaN when it does not come within 2 s).
 */
const SURFACE_RUNS = `async (find, runs) => {
  let current = find();
  const parent = current.parentElement;
  const next = current.nextSibling;
  const clean = current.cloneNode(true);
  for (const set of clean.querySelectorAll('[data-birdcall-set]')) set.remove();
  const results = [];
  for (let i = 0; i < runs; i++) {
    current.remove();
    await new Promise((resolve) => setTimeout(resolve, 30));
    const fresh = clean.cloneNode(true);
    const seen = new Promise((resolve) => {
      const observer = new MutationObserver(() => {
        if (!fresh.querySelector('[data-birdcall-set]')) return;
        const at = performance.now();
        observer.disconnect();
        resolve(at);
      });
      observer.observe(document.documentElement, { childList: true, subtree: true });
      setTimeout(() => { observer.disconnect(); resolve(NaN); }, 2000);
    });
    const start = performance.now();
    parent.insertBefore(fresh, next && next.parentNode === parent ? next : null);
    results.push((await seen) - start);
    current = fresh;
  }
  return results;
}`;

/** Surface appears -> its call buttons are in the DOM, `runs` times, once the content script has filled it the first time. */
export async function surfaceToButtons(page: Page, find: string, runs: number): Promise<number[]> {
  await page.waitForSelector('[data-birdcall-set]', { timeout: 15_000 });
  return (await page.evaluate(`(${SURFACE_RUNS})(() => ${find}, ${runs})`)) as number[];
}
