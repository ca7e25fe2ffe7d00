/**
 * The shape of one X surface Birdcall touches, and the runner that starts and stops them as X
 * navigates in-page (content scripts are not re-run on history.pushState).
 */
import type { PageRequest } from '@/lib/messages';
import { parseRoute, sameRoute, type Route } from '@/lib/x/route';
import { watchPage, type PageWatcher } from '@/lib/x/watch';

export type SendToBackground = (message: PageRequest) => Promise<unknown>;

export interface FeatureDeps {
  document: Document;
  route: Route;
  send: SendToBackground;
  /** Watches the parts of the page a feature names (never the whole page) until its signal aborts. */
  watch: PageWatcher;
}

export interface Feature {
  name: string;
  include(route: Route): boolean;
  /** Sets the feature up for `deps.route`; everything it adds must be undone when `signal` aborts. */
  init(signal: AbortSignal, deps: FeatureDeps): void;
}

export interface FeatureRunner {
  /** Reports the new pathname; features restart only if the route changed. */
  navigate(pathname: string): void;
}

/** Runs the included features for the current route until `signal` aborts, restarting them on route changes. */
export function startFeatures(features: readonly Feature[], env: { document: Document; send: SendToBackground }, signal: AbortSignal): FeatureRunner {
  const watch = watchPage(env.document, signal);
  let route: Route | null = null;
  let seenPath = '';
  let routeController: AbortController | null = null;
  signal.addEventListener('abort', () => routeController?.abort(), { once: true });

  const navigate = (pathname: string) => {
    seenPath = pathname;
    const next = parseRoute(pathname);
    if (signal.aborted || (route && sameRoute(route, next))) return;
    route = next;
    routeController?.abort();
    routeController = new AbortController();
    const deps: FeatureDeps = { document: env.document, route: next, send: env.send, watch };
    for (const feature of features) {
      if (!feature.include(next)) continue;
      try {
        feature.init(routeController.signal, deps);
      } catch (error) {
        console.error(`[birdcall] ${feature.name} failed to start`, error);
      }
    }
  };

  // A backstop for the navigation event: X sets the title on every route change, so a change
  // with a new pathname means a navigation that was missed or not yet reported (polling browsers).
  watch(
    {
      scopes: () => [...env.document.getElementsByTagName('title')],
      onChange: () => {
        const pathname = env.document.location.pathname;
        if (pathname !== seenPath) navigate(pathname);
      },
    },
    signal,
  );
  navigate(env.document.location.pathname);
  return { navigate };
}
