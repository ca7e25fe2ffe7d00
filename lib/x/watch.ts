/**
 * Watching only the parts of X's page where Birdcall's surfaces live. An observer of the whole page
 * would run on every batch of X's timeline (thousands while scrolling) to find nothing; instead
 * every watch names its scopes (the profile header, #layers, the chat header, the navigation), and
 * one MutationObserver sees their subtrees, the child lists of their ancestors (so a scope X
 * removes or replaces is noticed at once), `<html lang>` and `<body style>` (X's language and
 * theme). After every batch the scopes are asked again, so a watch follows its surface as X
 * renders it, and the timeline beside it is never observed.
 */
import { queryAll, queryFirst } from './dom';

export interface Watch {
  /** The elements whose subtrees matter now; asked again after every change. */
  scopes(): readonly Element[];
  /** Runs after every batch of changes in any watched part of the page. */
  onChange(): void;
}

/** Adds `watch` until `signal` aborts. */
export type PageWatcher = (watch: Watch, signal: AbortSignal) => void;

interface Target {
  subtree: boolean;
  attributes: Set<string>;
}

/** One MutationObserver for every watch; stops when `signal` aborts. */
export function watchPage(doc: Document, signal: AbortSignal): PageWatcher {
  const watches = new Set<Watch>();
  const observer = new MutationObserver(() => {
    for (const watch of [...watches]) watch.onChange();
    observe();
  });

  // Re-targets the observer; disconnecting also drops the records of what the watches just changed.
  const observe = () => {
    observer.disconnect();
    if (signal.aborted) return;
    const targets = new Map<Node, Target>();
    const add = (node: Node, subtree: boolean, attributes: readonly string[]) => {
      const target = targets.get(node) ?? { subtree: false, attributes: new Set<string>() };
      target.subtree ||= subtree;
      for (const name of attributes) target.attributes.add(name);
      targets.set(node, target);
    };
    add(doc.documentElement, false, ['lang']);
    if (doc.body) add(doc.body, false, ['style']);
    for (const watch of watches) {
      for (const scope of watch.scopes()) {
        if (!scope.isConnected) continue;
        add(scope, true, ['href']);
        for (let node = scope.parentNode; node && node !== doc; node = node.parentNode) add(node, false, []);
      }
    }
    for (const [node, { subtree, attributes }] of targets) {
      observer.observe(node, { childList: true, subtree, characterData: subtree, ...(attributes.size > 0 ? { attributeFilter: [...attributes] } : {}) });
    }
  };

  signal.addEventListener('abort', () => observer.disconnect(), { once: true });
  return (watch, watchSignal) => {
    if (watchSignal.aborted || signal.aborted) return;
    watches.add(watch);
    watchSignal.addEventListener(
      'abort',
      () => {
        watches.delete(watch);
        observe();
      },
      { once: true },
    );
    observe();
  };
}

/**
 * The first of `candidates` that is there, else X's app root: while X has not drawn what a surface
 * looks for, the whole app is its scope. Nothing without an app (server-rendered pages): the
 * body's child list, always watched, shows when one comes.
 */
export function scopeOrApp(doc: Document, ...candidates: ReadonlyArray<Element | null>): Element[] {
  const found = candidates.find((candidate) => candidate !== null) ?? queryFirst(doc, 'appRoot');
  return found ? [found] : [];
}

/** Where X shows the signed-in user: its navigation bars. */
export function viewerScopes(doc: Document): Element[] {
  const bars = queryAll(doc, 'navigation');
  return bars.length > 0 ? bars : scopeOrApp(doc);
}

/** Where X puts hover cards and menus. */
export function layersScopes(doc: Document): Element[] {
  return scopeOrApp(doc, queryFirst(doc, 'layers'));
}
