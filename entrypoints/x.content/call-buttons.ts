/**
 * The call buttons (voice, video) Birdcall adds next to a person on X, and keeping exactly one set
 * of them per place ("slot") however often X re-renders.
 */
import type { CallKind } from '@/lib/call-state';
import type { Handle } from '@/lib/handle';
import { t } from '@/lib/i18n';
import type { SignalStatus, Surface } from '@/lib/messages';
import { signalStatus } from '@/lib/store';
import { pageTheme, queryFirst, readSignedInHandle, type Theme } from '@/lib/x/dom';
import { label, pageLanguage } from '@/lib/x/i18n';
import { viewerScopes } from '@/lib/x/watch';
import type { FeatureDeps, SendToBackground } from './feature';

/** Marks a button set; its value is the surface, `data-birdcall-handle` the handle it calls. */
const BUTTON_SET_ATTRIBUTE = 'data-birdcall-set';
const ERROR_TITLE_MS = 4000;
const SVG_NS = 'http://www.w3.org/2000/svg';

// Outline icons from Feather (https://feathericons.com, MIT License, Copyright (c) 2013-2023 Cole Bemis).
const ICON_PATHS: Record<CallKind, string> = {
  audio:
    'M22 16.92v3a2 2 0 0 1-2.18 2 19.79 19.79 0 0 1-8.63-3.07 19.5 19.5 0 0 1-6-6 19.79 19.79 0 0 1-3.07-8.67A2 2 0 0 1 4.11 2h3a2 2 0 0 1 2 1.72 12.84 12.84 0 0 0 .7 2.81 2 2 0 0 1-.45 2.11L8.09 9.91a16 16 0 0 0 6 6l1.27-1.27a2 2 0 0 1 2.11-.45 12.84 12.84 0 0 0 2.81.7A2 2 0 0 1 22 16.92z',
  video: 'M23 7l-7 5 7 5V7zM3 5h11a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H3a2 2 0 0 1-2-2V7a2 2 0 0 1 2-2z',
};

/** round: the profile header's 36px icon buttons; compact: 32px, for hover cards and the chat header; menu: menu entries with text. */
type Variant = 'round' | 'compact' | 'menu';

/** What the page looks like now: X's theme and UI language. */
interface Look {
  theme: Theme;
  language: string;
}

function pageLook(doc: Document): Look {
  return { theme: pageTheme(doc), language: pageLanguage(doc) };
}

/** A place for one button set: inserted into `parent` before `before` (null appends), calling `handle`. */
interface ButtonSlot {
  parent: Element;
  before: Element | null;
  handle: Handle;
}

interface ButtonSetOptions {
  surface: Surface;
  variant: Variant;
  handle: Handle;
  look: Look;
  send: SendToBackground;
  /** Runs after a user clicked one of the buttons (the post menu closes itself). */
  afterClick?: () => void;
}

/** Sets this script made: a copy X made of one (cloneNode keeps no listeners) is stale. */
const created = new WeakSet<Element>();

/** Why no call can be placed now (Birdcall's service cannot be reached), or null: every call button shows it. */
let unavailable: string | null = null;
/** Each call button's way of showing `unavailable`. */
const availabilityShown = new WeakMap<Element, () => void>();

/**
 * Keeps the call buttons in step with Birdcall's service until `signal` aborts: while it cannot be
 * reached they are aria-disabled, their tooltip says why, and a click starts nothing.
 */
export function watchServiceAvailability(doc: Document, signal: AbortSignal): void {
  let heard = false;
  const apply = ({ status, detail }: { status: SignalStatus; detail?: string }) => {
    heard = true;
    unavailable = status === 'offline' || status === 'error' ? (detail ?? t('serviceUnreachable')) : null;
    for (const button of doc.querySelectorAll('.birdcall-call')) availabilityShown.get(button)?.();
  };
  // Watch before reading, so a change between the two is not lost; the read never overrides it.
  signal.addEventListener('abort', signalStatus.watch(apply), { once: true });
  void signalStatus.getValue().then((first) => !heard && !signal.aborted && apply(first));
}

function createButtonSet(options: ButtonSetOptions): HTMLElement {
  const set = document.createElement('div');
  created.add(set);
  set.className = `birdcall-set birdcall-${options.variant}`;
  set.setAttribute(BUTTON_SET_ATTRIBUTE, options.surface);
  set.setAttribute('data-birdcall-handle', options.handle);
  set.setAttribute('data-theme', options.look.theme);
  set.setAttribute('data-lang', options.look.language);
  if (options.variant === 'menu') set.setAttribute('role', 'group');
  set.append(createCallButton('audio', options), createCallButton('video', options));
  return set;
}

function createCallButton(kind: CallKind, options: ButtonSetOptions): HTMLButtonElement {
  const { surface, variant, handle, look, send, afterClick } = options;
  const text = label(look.language, kind === 'audio' ? 'callAudio' : 'callVideo', handle);
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'birdcall-call';
  button.dataset.testid = `birdcall-call-${kind}`;
  button.dataset.surface = surface;
  button.setAttribute('aria-label', text);
  button.append(createIcon(ICON_PATHS[kind]));
  if (variant === 'menu') {
    button.setAttribute('role', 'menuitem');
    const span = document.createElement('span');
    span.textContent = text;
    button.append(span);
  }
  const showAvailability = () => {
    button.title = unavailable ?? (variant === 'menu' ? '' : text);
    if (unavailable === null) button.removeAttribute('aria-disabled');
    else button.setAttribute('aria-disabled', 'true');
  };
  availabilityShown.set(button, showAvailability);
  showAvailability();

  let restoreTitle: ReturnType<typeof setTimeout> | undefined;
  button.addEventListener('click', (event) => {
    // Page scripts can dispatch clicks too; only a real user gesture may start a call.
    if (!event.isTrusted) return;
    // The buttons sit inside X's own clickable areas (header, card, menu); the click is ours alone.
    event.preventDefault();
    event.stopPropagation();
    if (unavailable !== null) return;
    send({ to: 'background', type: 'place-call', handle, kind }).then(
      (reply) => {
        const error = refusal(reply);
        if (error === null) return;
        button.title = error;
        clearTimeout(restoreTitle);
        restoreTitle = setTimeout(showAvailability, ERROR_TITLE_MS);
      },
      // The extension was reloaded or the background failed: the button stays as it was.
      (error: unknown) => console.warn(`[birdcall] could not place a call to @${handle}`, error),
    );
    afterClick?.();
  });
  return button;
}

/** The error text of a `{ ok: false, error }` reply, else null. */
function refusal(reply: unknown): string | null {
  if (typeof reply !== 'object' || reply === null) return null;
  const { ok, error } = reply as { ok?: unknown; error?: unknown };
  return ok === false && typeof error === 'string' && error.length > 0 ? error.slice(0, 200) : null;
}

function createIcon(pathData: string): SVGSVGElement {
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  const path = document.createElementNS(SVG_NS, 'path');
  path.setAttribute('d', pathData);
  svg.append(path);
  return svg;
}

const setsOf = (doc: Document, surface: Surface) => doc.querySelectorAll(`[${BUTTON_SET_ATTRIBUTE}="${surface}"]`);

/**
 * Leaves exactly one set of `surface` in each slot and none anywhere else: stale sets (a slot
 * that is gone, another handle, another language, a copy X made of ours) are removed, the theme
 * is updated in place, missing sets are created.
 */
function syncButtonSets(doc: Document, slots: readonly ButtonSlot[], options: Omit<ButtonSetOptions, 'handle'>): void {
  const wanted = new Map<Element, ButtonSlot>();
  for (const slot of slots) if (!wanted.has(slot.parent)) wanted.set(slot.parent, slot);
  const filled = new Set<Element>();
  for (const set of setsOf(doc, options.surface)) {
    const slot = set.parentElement ? wanted.get(set.parentElement) : undefined;
    const current =
      slot !== undefined &&
      created.has(set) &&
      !filled.has(slot.parent) &&
      set.getAttribute('data-birdcall-handle') === slot.handle &&
      set.getAttribute('data-lang') === options.look.language;
    if (!current) {
      set.remove();
      continue;
    }
    filled.add(slot.parent);
    if (set.getAttribute('data-theme') !== options.look.theme) set.setAttribute('data-theme', options.look.theme);
  }
  for (const slot of wanted.values()) {
    if (filled.has(slot.parent)) continue;
    const before = slot.before?.parentElement === slot.parent ? slot.before : null;
    slot.parent.insertBefore(createButtonSet({ ...options, handle: slot.handle }), before);
  }
}

function removeButtonSets(doc: Document, surface: Surface): void {
  for (const set of setsOf(doc, surface)) set.remove();
}

/** The signed-in viewer inside X's app, or null (logged out, server-rendered, not drawn yet). */
export function signedInViewer(doc: Document): Handle | null {
  return queryFirst(doc, 'appRoot') ? readSignedInHandle(doc) : null;
}

/**
 * Runs one surface until `signal` aborts: after every change in `scopes` (where the surface lives)
 * or in the navigation (who the viewer is), `findSlots` says where sets belong (never for the
 * viewer themself), and they are synced; on abort they are all removed. The cheap question (any
 * slot? any set of ours?) comes first, and the viewer and the page's look are only read when
 * there is something to do.
 */
export function runSurface(
  signal: AbortSignal,
  { document, send, watch }: FeatureDeps,
  surface: Surface,
  variant: Variant,
  scopes: () => readonly Element[],
  findSlots: (viewer: () => Handle | null) => readonly ButtonSlot[],
  afterClick?: () => void,
): () => void {
  const sync = () => {
    if (signal.aborted) return;
    let viewer: Handle | null | undefined;
    const getViewer = () => (viewer === undefined ? (viewer = signedInViewer(document)) : viewer);
    const found = findSlots(getViewer);
    const me = found.length > 0 ? getViewer() : null;
    const slots = me === null ? [] : found.filter((slot) => slot.handle !== me);
    if (slots.length === 0 && setsOf(document, surface).length === 0) return;
    syncButtonSets(document, slots, { surface, variant, look: pageLook(document), send, afterClick });
  };
  // Removing on abort and syncing before watching: the watch never sees these changes of its own.
  signal.addEventListener('abort', () => removeButtonSets(document, surface), { once: true });
  sync();
  watch({ scopes: () => [...scopes(), ...viewerScopes(document)], onChange: sync }, signal);
  return sync;
}
