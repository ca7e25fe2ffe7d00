/**
 * Never twice, nothing left behind: 100 in-page navigations across every surface, counting live
 * MutationObservers and event listeners by wrapping MutationObserver and addEventListener.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatConversationId, chatPage, chatPinPage, hoverCardHtml, postMenuHtml, profilePage } from '../../fixtures/x-pages';
import { start } from './harness';
import { element, fixture, loadPage, settle } from './page';

interface Entry {
  target: EventTarget;
  type: string;
  listener: EventListenerOrEventListenerObject;
  capture: boolean;
  registered: EventListener;
}

type Listening = Pick<EventTarget, 'addEventListener' | 'removeEventListener'>;

const entries = new Set<Entry>();
const observing = new Set<MutationObserver>();
const OriginalObserver = globalThis.MutationObserver;
/** Whatever holds addEventListener for nodes, the window and signals (happy-dom has its own EventTarget). */
const patched = new Map<Listening, { add: EventTarget['addEventListener']; remove: EventTarget['removeEventListener'] }>();

function holderOf(target: object): Listening {
  for (let p: object | null = target; p; p = Object.getPrototypeOf(p)) {
    if (Object.prototype.hasOwnProperty.call(p, 'addEventListener')) return p as Listening;
  }
  throw new Error('no addEventListener');
}

function instrument() {
  for (const target of [document.createElement('div'), document, window, new AbortController().signal, new EventTarget()]) {
    const holder = holderOf(target);
    if (!patched.has(holder)) patched.set(holder, { add: holder.addEventListener, remove: holder.removeEventListener });
  }
  for (const [holder, { add, remove }] of patched) patchHolder(holder, add, remove);
  patchObserver();
}

function patchHolder(holder: Listening, add: EventTarget['addEventListener'], remove: EventTarget['removeEventListener']) {
  holder.addEventListener = function (
    this: EventTarget,
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: boolean | AddEventListenerOptions,
  ) {
    if (!listener) return;
    const capture = typeof options === 'boolean' ? options : !!options?.capture;
    const opts = typeof options === 'object' ? options : {};
    if (opts.signal?.aborted) return;
    for (const e of entries) if (e.target === this && e.type === type && e.listener === listener && e.capture === capture) return;
    const call = (event: Event) => (typeof listener === 'function' ? listener.call(this, event) : listener.handleEvent(event));
    const entry: Entry = {
      target: this,
      type,
      listener,
      capture,
      registered: (event) => {
        if (opts.once) entries.delete(entry);
        call(event);
      },
    };
    entries.add(entry);
    add.call(this, type, entry.registered, { capture, once: !!opts.once, passive: opts.passive });
    opts.signal &&
      add.call(
        opts.signal,
        'abort',
        () => {
          entries.delete(entry);
          remove.call(this, type, entry.registered, { capture });
        },
        { once: true },
      );
  };
  holder.removeEventListener = function (
    this: EventTarget,
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: boolean | EventListenerOptions,
  ) {
    const capture = typeof options === 'boolean' ? options : !!options?.capture;
    for (const e of entries) {
      if (e.target === this && e.type === type && e.listener === listener && e.capture === capture) {
        entries.delete(e);
        remove.call(this, type, e.registered, { capture });
      }
    }
  };
}

function patchObserver() {
  class CountedObserver extends OriginalObserver {
    override observe(target: Node, options?: MutationObserverInit) {
      observing.add(this);
      super.observe(target, options);
    }
    override disconnect() {
      observing.delete(this);
      super.disconnect();
    }
  }
  globalThis.MutationObserver = CountedObserver;
  window.MutationObserver = CountedObserver;
}

function restore() {
  for (const [holder, { add, remove }] of patched) {
    holder.addEventListener = add;
    holder.removeEventListener = remove;
  }
  globalThis.MutationObserver = OriginalObserver;
  window.MutationObserver = OriginalObserver;
}

/** Listeners that can still fire: on the window, the document, attached nodes, signals not aborted. */
function liveListeners(): number {
  let count = 0;
  for (const { target } of entries) {
    if ('aborted' in target) count += (target as AbortSignal).aborted ? 0 : 1;
    else if ('isConnected' in target) count += (target as Node).isConnected ? 1 : 0;
    else count += 1;
  }
  return count;
}
const counts = () => ({ observers: observing.size, listeners: liveListeners() });

const one = { viewer: 'alice', with: ['bob'] };
type Stop = { path: string; html: () => string; layers?: () => string; surfaces: Record<string, number> };
const STOPS: Stop[] = [
  { path: '/bob', html: () => profilePage({ viewer: 'alice', profile: 'bob' }), surfaces: { profile: 1 } },
  { path: '/home', html: () => fixture('x-home.html'), layers: () => hoverCardHtml({ person: 'carol' }), surfaces: { hovercard: 1 } },
  { path: `/i/chat/${chatConversationId(one)}`, html: () => chatPage(one), surfaces: { chat: 1 } },
  { path: '/i/chat/pin', html: () => chatPinPage('alice'), surfaces: {} },
  {
    path: '/carol/media',
    html: () => profilePage({ viewer: 'alice', profile: 'carol', theme: 'dark' }),
    layers: () => hoverCardHtml({ person: 'dave' }),
    surfaces: { profile: 1, hovercard: 1 },
  },
  { path: '/carol/status/1000000000000000001', html: () => fixture('x-status.html'), surfaces: {} },
  { path: '/dave', html: () => profilePage({ viewer: 'alice', profile: 'dave', header: 'redesign' }), surfaces: { profile: 1, postmenu: 1 } },
];

function setsBySurface(): Record<string, number> {
  const found: Record<string, number> = {};
  for (const set of document.querySelectorAll('[data-birdcall-set]')) {
    const surface = set.getAttribute('data-birdcall-set')!;
    found[surface] = (found[surface] ?? 0) + 1;
  }
  return found;
}

describe('after 100 in-page navigations', () => {
  beforeAll(instrument);
  afterAll(restore);

  it('every surface had exactly one set, and observers and listeners are back to their baseline', async () => {
    loadPage(STOPS[0]!.html(), 'https://x.com/bob');
    await settle();
    const beforeStart = counts();
    const harness = start();
    await settle();
    const onFirstPage = counts();
    expect(setsBySurface()).toEqual({ profile: 1 });

    const peak = { observers: 0, listeners: 0 };
    for (let i = 1; i <= 100; i++) {
      const stop = STOPS[i % STOPS.length]!;
      history.pushState(null, '', stop.path);
      if (i % 2 === 0) harness.runner.navigate(stop.path); // else noticed from the DOM change alone
      const next = new DOMParser().parseFromString(stop.html(), 'text/html');
      document.title = next.title;
      document.querySelector('main')?.replaceWith(document.importNode(next.querySelector('main')!, true));
      document.body.style.backgroundColor = next.body.style.backgroundColor;
      document.getElementById('layers')!.replaceChildren(...(stop.layers ? [element(stop.layers())] : []));
      await settle();
      if (stop.surfaces.postmenu) {
        document.querySelector<HTMLElement>('article [data-testid="caret"]')!.click();
        document.getElementById('layers')!.append(element(postMenuHtml({ author: 'dave' })));
        await settle();
      }
      // X re-renders a few times after each navigation.
      for (let r = 0; r < 2; r++) {
        document.querySelector('main')!.append(document.createElement('div'));
        await settle();
      }
      expect(setsBySurface(), `navigation ${i} to ${stop.path}`).toEqual(stop.surfaces);
      const now = counts();
      peak.observers = Math.max(peak.observers, now.observers);
      peak.listeners = Math.max(peak.listeners, now.listeners);
    }
    // Back to the first page, to compare like with like.
    history.pushState(null, '', '/bob');
    harness.runner.navigate('/bob');
    document.getElementById('layers')!.replaceChildren();
    const first = new DOMParser().parseFromString(STOPS[0]!.html(), 'text/html');
    document.querySelector('main')!.replaceWith(document.importNode(first.querySelector('main')!, true));
    document.body.style.backgroundColor = first.body.style.backgroundColor;
    await settle();
    const afterNavigations = counts();
    harness.stop();
    await settle();
    const afterStop = counts();

    console.log(
      `[leaks] before start ${JSON.stringify(beforeStart)}, on the first page ${JSON.stringify(onFirstPage)}, ` +
        `peak during 100 navigations ${JSON.stringify(peak)}, back on the first page ${JSON.stringify(afterNavigations)}, after stop ${JSON.stringify(afterStop)}`,
    );
    // The instrument sees the script's listeners (buttons, signals, the caret listener) at all.
    expect(onFirstPage.listeners).toBeGreaterThan(beforeStart.listeners + 5);
    expect(afterNavigations).toEqual(onFirstPage);
    expect(onFirstPage.observers).toBe(1); // one shared MutationObserver for every surface
    expect(peak.observers).toBe(1);
    expect(peak.listeners - onFirstPage.listeners).toBeLessThanOrEqual(10);
    expect(afterStop).toEqual(beforeStart);
    expect(afterStop.observers).toBe(0);
    expect(document.querySelectorAll('[data-birdcall-set]')).toHaveLength(0);
  }, 60_000);
});
