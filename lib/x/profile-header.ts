/** Finding the profile header's action row (More, Message, Follow buttons) on a profile page. */
import { parseHandle, type Handle } from '../handle';
import { containsListItem, queryFirst, queryOutsideListItems } from './dom';
import { scopeOrApp } from './watch';

interface ActionRowSlot {
  row: Element;
  /** The row child to insert before (the message button, else the follow button's wrapper); null appends. */
  before: Element | null;
}

/** The `@handle` shown in the header's UserName block, if it is there yet. */
export function shownProfileHandle(column: ParentNode): Handle | null {
  const userName = queryOutsideListItems(column, 'profileUserName');
  if (!userName) return null;
  // The display name comes first and may itself look like "@something": the handle is the last match.
  const walker = userName.ownerDocument.createTreeWalker(userName, NodeFilter.SHOW_TEXT);
  let handleText: string | undefined;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent?.trim() ?? '';
    if (/^@[A-Za-z0-9_]{1,15}$/.test(text)) handleText = text;
  }
  const parsed = parseHandle(handleText);
  return parsed.ok ? parsed.handle : null;
}

function isOwnProfileHeader(column: ParentNode): boolean {
  return queryOutsideListItems(column, 'editProfile') !== null;
}

/** The anchors that find the action row, by meaning, in order: the More button, the Message button, the Follow button. */
const ACTION_ROW_ANCHORS = ['profileMoreButton', 'messageButton', 'followButton'] as const;

/**
 * The header's action row: the parent of the first anchor found outside posts and cells (for the
 * follow button, of its placementTracking wrapper when it has one). Null while not rendered.
 */
function findActionRow(column: ParentNode): Element | null {
  for (const name of ACTION_ROW_ANCHORS) {
    const anchor = queryOutsideListItems(column, name);
    if (!anchor) continue;
    const wrapper = name === 'followButton' ? (anchor.closest('[data-testid="placementTracking"]') ?? anchor) : anchor;
    if (wrapper.parentElement) return wrapper.parentElement;
  }
  return null;
}

/**
 * Where call buttons go in the header of `handle`'s profile, or null while that header's action
 * row is not rendered (X draws the name first), when it still shows the previous profile after an
 * in-page navigation, or when it is the viewer's own profile.
 */
export function findActionRowSlot(doc: Document, handle: Handle): ActionRowSlot | null {
  const column = queryFirst(doc, 'primaryColumn');
  if (!column || isOwnProfileHeader(column)) return null;
  const shown = shownProfileHandle(column);
  if (shown !== null && shown !== handle) return null;
  const row = findActionRow(column);
  if (!row) return null;
  const anchor = queryFirst(row, 'messageButton') ?? queryFirst(row, 'followButton');
  return { row, before: anchor ? childOf(row, anchor) : null };
}

/**
 * Why a loaded profile page has no place for buttons: the anchors that were not found, or null
 * when nothing is wrong (row found, own profile, or a profile that does not exist).
 */
export function missingActionRowAnchors(doc: Document): string[] | null {
  const column = queryFirst(doc, 'primaryColumn');
  if (!column || isOwnProfileHeader(column) || queryFirst(column, 'profileEmptyState') || findActionRow(column)) return null;
  const missing: string[] = [...ACTION_ROW_ANCHORS];
  if (!queryOutsideListItems(column, 'profileUserName')) missing.push('profileUserName');
  return missing;
}

/**
 * The part of the page the profile header lives in, to watch: the highest ancestor of its first
 * part found (action row, name block, Edit profile, empty state) below the column that holds no
 * post or cell, so the timeline beside it stays unwatched. While none is drawn, the column (or the
 * app).
 */
export function profileHeaderScope(doc: Document): Element[] {
  const column = queryFirst(doc, 'primaryColumn');
  if (!column) return scopeOrApp(doc);
  const part =
    findActionRow(column) ??
    queryOutsideListItems(column, 'profileUserName') ??
    queryOutsideListItems(column, 'editProfile') ??
    queryFirst(column, 'profileEmptyState');
  if (!part) return [column];
  let scope = part;
  while (scope.parentElement && scope.parentElement !== column && !containsListItem(scope.parentElement)) scope = scope.parentElement;
  return [scope];
}

function childOf(parent: Element, descendant: Element): Element {
  let child = descendant;
  while (child.parentElement !== parent) child = child.parentElement!;
  return child;
}
