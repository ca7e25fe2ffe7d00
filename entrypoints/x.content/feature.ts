/**
 * The shape of one X surface Birdcall touches, and the runner that starts and stops them as X
 * navigates in-page (content scripts are not re-run on history.pushState).
 */
import type { PageRequest } from '@/lib/messages';
import { watchPage, type PageChangeSubscriber } from '@/lib/x/dom';
import { parseRoute, sameRoute, type Route } from '@/lib/x/route';

export type SendToBackground = (message: PageRequest) => Promise<unknown>;

export interface FeatureDeps {
  document: Document;
  route: Route;
  send: SendToBackground;
  /** Calls `listener` after every batch of DOM changes until `signal` aborts. */
  onPageChange: PageChangeSubscriber;
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
  const onPageChange = watchPage(env.document, signal);
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
    const deps: FeatureDeps = { document: env.document, route: next, send: env.send, onPageChange };
    for (const feature of features) {
      if (!feature.include(next)) continue;
      try {
        feature.init(routeController.signal, deps);
      } catch (error) {
        console.error(`[birdcall] ${feature.name} failed to start`, error);
      }
    }
  };

  // A backstop for the navigation event: X re-renders on every route change, so a DOM change
  // with a new pathname means a navigation that was missed or not yet reported (polling browsers).
  onPageChange(() => {
    const pathname = env.document.location.pathname;
    if (pathname !== seenPath) navigate(pathname);
  }, signal);
  navigate(env.document.location.pathname);
  return { navigate };
}
