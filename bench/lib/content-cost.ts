/**
 * What the content script costs X's page, and how fast its buttons come. Script time is taken
 * from CPU profiles of the page's main thread and attributed per script: a sample whose stack holds
 * a frame of the extension is the extension's, any other JavaScript sample the page's, however it
 * was entered (tasks, promise continuations, MutationObserver callbacks, events). Timelines run in
 * a browser with Birdcall and one without at the same time, and in two others without (A/A: the
 * bench's own noise), so the machine's load hits both sides of every ratio alike; each of the four
 * browsers runs every pass once, so none is warmer than its partner.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'puppeteer-core';
import { appPage, chatConversationId, chatPage, homePage, hoverCardPage, profileHeaderHtml, profilePage, timelineHtml } from '../../tests/fixtures/x-pages';
import { launchBrowser, signIn, type BirdcallBrowser } from '../../tests/e2e/harness';
import { parseHandle, type Handle } from '../../lib/handle';
import type { Row } from './report';
import { median, ratio, round, timing, type Timing } from './stats';

const handle = (text: string): Handle => {
  const parsed = parseHandle(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.handle;
};

const VIEWER = 'carol';
const PROFILE = 'dave';
const BURST = 10;
/** Mounted cells at most: X virtualizes its list. */
const KEEP = 40;
/** CPU profile sampling interval. */
const SAMPLING_US = 100;
const IDLE_MS = 10_000;
/** Past the content script's one-shot layout check, 5 s after a profile opens: measures start after it. */
const SETTLE_MS = 6000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const DRIVER = readFileSync(fileURLToPath(new URL('./timeline-driver.js', import.meta.url)), 'utf8');

/**
 * An extension with nothing but an empty service worker: launchBrowser waits for a worker, and
 * this keeps the no-Birdcall browser's flags and lifecycle identical to the Birdcall one.
 */
async function launchWithoutBirdcall(name: string): Promise<{ browser: BirdcallBrowser; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'birdcall-bench-null-ext-'));
  writeFileSync(
    join(dir, 'manifest.json'),
    JSON.stringify({ manifest_version: 3, name: 'bench-null', version: '1.0', background: { service_worker: 'sw.js' } }),
  );
  writeFileSync(join(dir, 'sw.js'), '// nothing\n');
  const browser = await launchBrowser(dir, { name });
  return {
    browser,
    async close() {
      await browser.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export type Timeline = 'home' | 'profile' | 'xHome';

/**
 * The timelines: a home timeline and a profile (where the header surface runs too), generated
 * pages whose cells are a post and a "Who to follow" cell; and X's real home page, the capture in
 * tests/fixtures/x with its own cells (far more elements per cell).
 */
function timelinePages(): Record<Timeline, { url: string; html: string; label: string; cells: number }> {
  const viewer = handle(VIEWER);
  return {
    home: {
      url: 'https://x.com/home',
      html: appPage({ title: 'Home / X', theme: 'light', viewer, primaryColumn: timelineHtml(handle(PROFILE)) }),
      label: 'home timeline',
      cells: 2000,
    },
    profile: { url: `https://x.com/${PROFILE}`, html: profilePage({ viewer: VIEWER, profile: PROFILE }), label: 'profile timeline', cells: 2000 },
    xHome: { url: 'https://x.com/home', html: homePage(VIEWER), label: "X's home page (capture)", cells: 1000 },
  };
}

/** A timeline page with the driver loaded as page script. */
async function openTimeline(browser: BirdcallBrowser, page: { url: string; html: string }): Promise<Page> {
  const tab = await browser.openXPage(page.url, page.html);
  await runAsPageScript(tab, DRIVER);
  return tab;
}

/**
 * Runs `source` as a page <script> (not a DevTools evaluation, which a profile would show under
 * another URL) and waits until it calls `done(result)`.
 */
async function runAsPageScript(page: Page, source: string): Promise<unknown> {
  const wrapped = `(async (done) => { ${source}\n; done(null); })((result) => window.__benchDone(result));`;
  return page.evaluate(
    (script: string) =>
      new Promise((resolve) => {
        (window as unknown as { __benchDone: (result: unknown) => void }).__benchDone = resolve;
        const element = document.createElement('script');
        element.textContent = script;
        document.head.append(element);
        element.remove();
      }),
    wrapped,
  );
}

export interface ScriptTime {
  /** The extension's script time. */
  extensionMs: number;
  /** The page's own script time. */
  pageMs: number;
  /** The main thread's CPU time, everything included (script, style, layout, garbage collection). */
  cpuMs: number;
}

/**
 * The page's main thread while `work` runs. Script time per script comes from a CPU profile:
 * samples with a frame from a chrome-extension:// script anywhere in their stack are the
 * extension's, other JavaScript samples (native DOM calls included, under their caller) the
 * page's; idle, garbage collection and the engine's own work are neither. A profile counts time
 * on the stack, descheduled time included, so a shared machine inflates both alike; the thread's
 * CPU time (CDP Performance ThreadTime) does not count time it was not running.
 */
async function scriptTime(page: Page, work: () => Promise<unknown>): Promise<ScriptTime> {
  const cdp = await page.createCDPSession();
  const threadTime = async () => (await cdp.send('Performance.getMetrics')).metrics.find((metric) => metric.name === 'ThreadTime')?.value ?? NaN;
  try {
    await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: SAMPLING_US });
    await cdp.send('Profiler.start');
    const cpuBefore = await threadTime();
    await work();
    const cpuMs = ((await threadTime()) - cpuBefore) * 1000;
    const { profile } = await cdp.send('Profiler.stop');
    const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
    const parents = new Map<number, number>();
    for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
    const deltas = profile.timeDeltas ?? [];
    const NOT_SCRIPT = new Set(['(root)', '(program)', '(idle)', '(garbage collector)']);
    let extensionUs = 0;
    let pageUs = 0;
    profile.samples?.forEach((leaf, i) => {
      const us = deltas[i + 1] ?? 0; // a sample lasts until the next one
      if (NOT_SCRIPT.has(nodes.get(leaf)!.callFrame.functionName)) return;
      for (let id: number | undefined = leaf; id !== undefined; id = parents.get(id)) {
        if (nodes.get(id)!.callFrame.url.startsWith('chrome-extension://')) {
          extensionUs += us;
          return;
        }
      }
      pageUs += us;
    });
    return { extensionMs: extensionUs / 1000, pageMs: pageUs / 1000, cpuMs };
  } finally {
    await cdp.detach();
  }
}

/** One pass of `cells` cells through the driver, profiled. */
async function timelinePass(page: Page, cells: number): Promise<ScriptTime> {
  await page.bringToFront();
  return scriptTime(page, () =>
    page.evaluate(
      (options) =>
        new Promise((resolve) => {
          (window as unknown as { benchTimelineDone: (result: unknown) => void }).benchTimelineDone = resolve;
          window.postMessage({ benchDriveTimeline: options }, '*');
        }),
      { total: cells, burst: BURST, keep: KEEP },
    ),
  );
}

/** Where each surface's buttons go: the page it is on, and (in the page) how to find the element that receives them. */
function surfacePages(): Record<'profile' | 'hovercard' | 'chat', { url: string; html: string; find: string }> {
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
 * Page script: resolves with performance.now() once `root` holds Birdcall's button set (seen by a
 * MutationObserver), NaN when it does not within 2 s.
 */
const SEEN = `const buttonsIn = (root) => new Promise((resolve) => {
  const observer = new MutationObserver(() => {
    if (!root.querySelector('[data-birdcall-set]')) return;
    const at = performance.now();
    observer.disconnect();
    resolve(at);
  });
  observer.observe(document.documentElement, { childList: true, subtree: true });
  setTimeout(() => { observer.disconnect(); resolve(NaN); }, 2000);
});
const pause = () => new Promise((resolve) => setTimeout(resolve, 30));`;

/**
 * Page script: X re-rendering a surface. Removes it and puts a fresh copy back `runs` times; for
 * each, the time from the insertion to Birdcall's button set being in it.
 */
const rerenderRuns = (find: string, runs: number) => `${SEEN}
let current = ${find};
const parent = current.parentElement;
const next = current.nextSibling;
const clean = current.cloneNode(true);
for (const set of clean.querySelectorAll('[data-birdcall-set]')) set.remove();
const results = [];
for (let i = 0; i < ${runs}; i++) {
  current.remove();
  await pause();
  const fresh = clean.cloneNode(true);
  const seen = buttonsIn(fresh);
  const start = performance.now();
  parent.insertBefore(fresh, next && next.parentNode === parent ? next : null);
  results.push((await seen) - start);
  current = fresh;
}
done(results);`;

/**
 * Page script: X navigating in-page between two profiles. pushState (X's router), a moment for
 * X's data, then the new profile's header replaces the old one; the time from that insertion to
 * Birdcall's button set being in it.
 */
const navigationRuns = (headers: Record<string, string>, runs: number) => `${SEEN}
const headers = ${JSON.stringify(headers)};
const handles = Object.keys(headers);
const template = document.createElement('template');
const column = document.querySelector('[data-testid="primaryColumn"]');
const results = [];
for (let i = 0; i < ${runs}; i++) {
  const to = handles[(i + 1) % handles.length];
  history.pushState(null, '', '/' + to);
  await pause();
  template.innerHTML = headers[to];
  const fresh = template.content.firstElementChild;
  const seen = buttonsIn(fresh);
  const start = performance.now();
  column.firstElementChild.replaceWith(fresh);
  results.push((await seen) - start);
}
done(results);`;

export interface TimelineCost {
  /** The extension's script time per 1,000 cells (median over passes), in the browser with Birdcall. */
  extensionMsPer1000Cells: number;
  /** The page's own script time per 1,000 cells in that browser. */
  pageMsPer1000Cells: number;
  /** extension / page, percent (median of the passes' shares). */
  sharePercent: number;
  /** The main thread's CPU time with Birdcall / without, passes run at the same time. */
  withWithout: Spread;
  /** The same ratio between two browsers without Birdcall: what the bench calls noise. */
  aa: Spread;
  cellsPerPass: number;
  passes: { with: ScriptTime[]; without: ScriptTime[]; aaFirst: ScriptTime[]; aaSecond: ScriptTime[] };
}

export interface Spread {
  median: number;
  min: number;
  max: number;
}

const spread = (values: number[]): Spread => ({ median: round(median(values), 2), min: round(Math.min(...values), 2), max: round(Math.max(...values), 2) });

export interface ContentCost {
  rows: Row[];
  results: {
    samplingIntervalUs: number;
    timelines: Record<Timeline, TimelineCost>;
    idle: { seconds: number; extensionMs: number; pageMs: number; cpuMs: number };
    surfaceToButtons: Record<'profile' | 'hovercard' | 'chat' | 'navigation', Timing>;
    raw: Record<'profile' | 'hovercard' | 'chat' | 'navigation', number[]>;
  };
}

/**
 * Measures it all: `passes` timeline passes per timeline (each both pairs, with/without and A/A,
 * in alternating order), an idle page, and `surfaceRuns` re-renders per surface and in-page
 * navigations. Closes every browser it starts.
 */
export async function measureContentCost(options: { passes: number; surfaceRuns: number; log: (text: string) => void }): Promise<ContentCost> {
  const { passes, surfaceRuns, log } = options;
  const [birdcall, without, first, second] = await Promise.all([
    signIn(VIEWER),
    launchWithoutBirdcall('no-birdcall'),
    launchWithoutBirdcall('no-birdcall-a'),
    launchWithoutBirdcall('no-birdcall-b'),
  ]);
  try {
    // Only the pages under test stay open (signIn left x.com/home open).
    for (const page of await birdcall.browser.browser.pages()) if (page.url().startsWith('https://x.com/')) await page.close();

    const pages = timelinePages();
    const timelines = {} as Record<Timeline, TimelineCost>;
    for (const name of Object.keys(pages) as Timeline[]) {
      const { cells } = pages[name];
      const tabs = await Promise.all([birdcall.browser, without.browser, first.browser, second.browser].map((b) => openTimeline(b, pages[name])));
      const [w, wo, a1, a2] = tabs as [Page, Page, Page, Page];
      await sleep(SETTLE_MS);
      await Promise.all(tabs.map((page) => timelinePass(page, 200))); // warm-up
      const passed: TimelineCost['passes'] = { with: [], without: [], aaFirst: [], aaSecond: [] };
      const pair = async () => {
        const [a, b] = await Promise.all([timelinePass(w, cells), timelinePass(wo, cells)]);
        passed.with.push(a);
        passed.without.push(b);
      };
      const aaPair = async () => {
        const [a, b] = await Promise.all([timelinePass(a1, cells), timelinePass(a2, cells)]);
        passed.aaFirst.push(a);
        passed.aaSecond.push(b);
      };
      for (let pass = 0; pass < passes; pass++) {
        if (pass % 2 === 0) await pair().then(aaPair);
        else await aaPair().then(pair);
      }
      await Promise.all(tabs.map((page) => page.close()));
      timelines[name] = summarize(passed, cells);
      log(`content cost, ${pages[name].label}: ${JSON.stringify({ ...timelines[name], passes: undefined })}`);
    }

    // Idle: a profile page with Birdcall's buttons, nothing happening.
    const idlePage = await birdcall.browser.openXPage(pages.profile.url, pages.profile.html);
    await idlePage.waitForSelector('[data-birdcall-set]', { timeout: 15_000 });
    await sleep(SETTLE_MS);
    const idle = await scriptTime(idlePage, () => sleep(IDLE_MS));
    await idlePage.close();

    const surfaces = surfacePages();
    const raw = { profile: [], hovercard: [], chat: [], navigation: [] } as Record<'profile' | 'hovercard' | 'chat' | 'navigation', number[]>;
    for (const name of Object.keys(surfaces) as Array<keyof typeof surfaces>) {
      const page = await birdcall.browser.openXPage(surfaces[name].url, surfaces[name].html);
      await page.waitForSelector('[data-birdcall-set]', { timeout: 15_000 });
      raw[name] = (await runAsPageScript(page, rerenderRuns(surfaces[name].find, surfaceRuns))) as number[];
      await page.close();
    }
    const profiles = { [PROFILE]: profileHeaderHtml({ profile: handle(PROFILE) }), erin: profileHeaderHtml({ profile: handle('erin') }) };
    const navigationPage = await birdcall.browser.openXPage(surfaces.profile.url, surfaces.profile.html);
    await navigationPage.waitForSelector('[data-birdcall-set]', { timeout: 15_000 });
    raw.navigation = (await runAsPageScript(navigationPage, navigationRuns(profiles, surfaceRuns))) as number[];
    await navigationPage.close();

    const surfaceToButtons = {
      profile: timing(raw.profile, 3),
      hovercard: timing(raw.hovercard, 3),
      chat: timing(raw.chat, 3),
      navigation: timing(raw.navigation, 3),
    };
    const results = {
      samplingIntervalUs: SAMPLING_US,
      timelines,
      idle: { seconds: IDLE_MS / 1000, extensionMs: round(idle.extensionMs, 2), pageMs: round(idle.pageMs, 2), cpuMs: round(idle.cpuMs, 2) },
      surfaceToButtons,
      raw: Object.fromEntries(Object.entries(raw).map(([name, values]) => [name, values.map((v) => round(v, 3))])) as typeof raw,
    };
    return { rows: rows(results, pages), results };
  } finally {
    await Promise.all([birdcall.browser.close(), without.close(), first.close(), second.close()]);
  }
}

function summarize(passes: TimelineCost['passes'], cells: number): TimelineCost {
  const per1000 = (ms: number) => round((ms * 1000) / cells, 2);
  return {
    extensionMsPer1000Cells: per1000(median(passes.with.map((t) => t.extensionMs))),
    pageMsPer1000Cells: per1000(median(passes.with.map((t) => t.pageMs))),
    sharePercent: round(median(passes.with.map((t) => (100 * t.extensionMs) / t.pageMs)), 2),
    withWithout: spread(passes.with.map((t, i) => ratio(t.cpuMs, passes.without[i]!.cpuMs))),
    aa: spread(passes.aaFirst.map((t, i) => ratio(t.cpuMs, passes.aaSecond[i]!.cpuMs))),
    cellsPerPass: cells,
    passes: Object.fromEntries(
      Object.entries(passes).map(([key, list]) => [
        key,
        list.map((t) => ({ extensionMs: round(t.extensionMs, 2), pageMs: round(t.pageMs, 1), cpuMs: round(t.cpuMs, 1) })),
      ]),
    ) as TimelineCost['passes'],
  };
}

function rows(results: ContentCost['results'], pages: ReturnType<typeof timelinePages>): Row[] {
  const range = (s: Spread) => `${s.median}x (${s.min}-${s.max})`;
  return [
    ...(Object.keys(results.timelines) as Timeline[]).map((name) => {
      const t = results.timelines[name];
      return {
        label: `content script, ${pages[name].label}`,
        value: `${t.extensionMsPer1000Cells.toFixed(2)} ms`,
        note:
          `per 1,000 cells beside the page's ${t.pageMsPer1000Cells} ms: ${t.sharePercent}% (target < 1%); ` +
          `main-thread CPU with/without ${range(t.withWithout)}, A/A ${range(t.aa)}`,
      };
    }),
    {
      label: 'content script, idle page',
      value: `${results.idle.extensionMs.toFixed(2)} ms`,
      note: `in ${results.idle.seconds} s on a profile with its buttons (target 0)`,
    },
    { label: 'header action row re-rendered -> call buttons', timing: results.surfaceToButtons.profile, note: 'target < 16 ms' },
    { label: 'hover card -> call buttons', timing: results.surfaceToButtons.hovercard, note: 'target < 16 ms' },
    { label: 'chat header -> call buttons', timing: results.surfaceToButtons.chat, note: 'target < 16 ms' },
    { label: 'in-page navigation, new header -> call buttons', timing: results.surfaceToButtons.navigation, note: 'target < 16 ms' },
  ];
}
