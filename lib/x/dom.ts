/** Reading X's DOM through the selector registry. */
import { parseHandle, type Handle } from '../handle';
import { parseRoute, type Route } from './route';
import { selectors, type SelectorName } from './selectors';

const AVATAR_PREFIX = 'UserAvatar-Container-';
const LIST_ITEM = selectors.listItem.join(',');

/** All matches of an anchor, best selector first, each element once. */
export function queryAll(root: ParentNode, name: SelectorName): Element[] {
  const found = new Set<Element>();
  for (const selector of selectors[name]) for (const element of root.querySelectorAll(selector)) found.add(element);
  return [...found];
}

export function queryFirst(root: ParentNode, name: SelectorName): Element | null {
  for (const selector of selectors[name]) {
    const element = root.querySelector(selector);
    if (element) return element;
  }
  return null;
}

/** Whether a post, user cell or timeline cell is inside `root`. */
export function containsListItem(root: ParentNode): boolean {
  return root.querySelector(LIST_ITEM) !== null;
}

/** The first match that is not part of a post, user cell or timeline cell. */
export function queryOutsideListItems(root: ParentNode, name: SelectorName): Element | null {
  return queryAll(root, name).find((element) => !element.closest(LIST_ITEM)) ?? null;
}

/** The handle an element points at: its `/<handle>` link, or a `UserAvatar-Container-<handle>` test id on it or inside it. */
export function handleOfElement(element: Element): Handle | null {
  const href = element.getAttribute('href');
  if (href !== null) {
    const route = routeOfLink(href);
    if (route?.kind === 'profile') return route.handle;
  }
  const avatar = element.matches(`[data-testid^="${AVATAR_PREFIX}"]`) ? element : element.querySelector(`[data-testid^="${AVATAR_PREFIX}"]`);
  const parsed = parseHandle(avatar?.getAttribute('data-testid')?.slice(AVATAR_PREFIX.length));
  return parsed.ok ? parsed.handle : null;
}

/** The person a people link is about: `/<handle>/following`, `/<handle>/followers`... */
export function handleOfPeopleLink(element: Element): Handle | null {
  const path = pathOfLink(element.getAttribute('href') ?? '');
  const route = path === null ? null : parseRoute(`/${path.split('/')[1] ?? ''}`);
  return route?.kind === 'profile' ? route.handle : null;
}

/** The pathname of an x.com or twitter.com link, else null. */
function pathOfLink(href: string): string | null {
  try {
    const url = new URL(href, 'https://x.com/');
    return /^(x|twitter)\.com$/.test(url.hostname) ? url.pathname : null;
  } catch {
    return null; // a malformed href points nowhere
  }
}

function routeOfLink(href: string): Route | null {
  const path = pathOfLink(href);
  return path === null ? null : parseRoute(path);
}

/** The signed-in user, or null when logged out or while X has not drawn its navigation yet. */
export function readSignedInHandle(doc: Document): Handle | null {
  for (const element of queryAll(doc, 'signedInUser')) {
    const handle = handleOfElement(element);
    if (handle) return handle;
  }
  return null;
}

/** Default, Lights out (and the old Dim), Lights out with high contrast. */
export type Theme = 'light' | 'dark' | 'contrast';

/**
 * X paints the body with the theme's background: white (Default), black (Lights out), rgb(5, 5, 5)
 * (Lights out, high contrast), or the old Dim blue, treated as Lights out.
 */
export function pageTheme(doc: Document): Theme {
  const color = doc.body?.style.backgroundColor || doc.querySelector('meta[name="theme-color"]')?.getAttribute('content') || '';
  const rgb =
    /rgba?\(\s*(\d+)\D+(\d+)\D+(\d+)/.exec(color)?.slice(1).map(Number) ??
    /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i
      .exec(color.trim())
      ?.slice(1)
      .map((hex) => parseInt(hex, 16));
  if (!rgb) return 'light';
  const [red, green, blue] = rgb as [number, number, number];
  if (red === 5 && green === 5 && blue === 5) return 'contrast';
  return red * 0.299 + green * 0.587 + blue * 0.114 < 128 ? 'dark' : 'light';
}
