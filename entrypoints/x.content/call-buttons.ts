/** The pair of round call buttons (audio, video) Birdcall adds next to X's own buttons. */
import type { CallKind } from '@/lib/call-state';
import type { Handle } from '@/lib/handle';
import type { Theme } from '@/lib/x/dom';
import type { SendToBackground } from './feature';

/** Marks a button set; its value is the surface, `data-birdcall-handle` the handle it calls. */
export const BUTTON_SET_ATTRIBUTE = 'data-birdcall-set';
const ERROR_TITLE_MS = 4000;
const SVG_NS = 'http://www.w3.org/2000/svg';

// Outline icons from Feather (https://feathericons.com, MIT License, Copyright (c) 2013-2023 Cole Bemis).
const ICON_PATHS: Record<CallKind, string> = {
  audio:
    'M22 16.92v3a2 2 0 0 1-2.18 2 19.79 19.79 0 0 1-8.63-3.07 19.5 19.5 0 0 1-6-6 19.79 19.79 0 0 1-3.07-8.67A2 2 0 0 1 4.11 2h3a2 2 0 0 1 2 1.72 12.84 12.84 0 0 0 .7 2.81 2 2 0 0 1-.45 2.11L8.09 9.91a16 16 0 0 0 6 6l1.27-1.27a2 2 0 0 1 2.11-.45 12.84 12.84 0 0 0 2.81.7A2 2 0 0 1 22 16.92z',
  video: 'M23 7l-7 5 7 5V7zM3 5h11a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H3a2 2 0 0 1-2-2V7a2 2 0 0 1 2-2z',
};

function callLabel(kind: CallKind, handle: Handle): string {
  return `${kind === 'audio' ? 'Call' : 'Video call'} @${handle}`;
}

export function createButtonSet(options: {
  surface: string;
  handle: Handle;
  theme: Theme;
  send: SendToBackground;
}): HTMLElement {
  const set = document.createElement('div');
  set.className = 'birdcall-set';
  set.setAttribute(BUTTON_SET_ATTRIBUTE, options.surface);
  set.setAttribute('data-birdcall-handle', options.handle);
  set.setAttribute('data-theme', options.theme);
  set.append(createCallButton('audio', options), createCallButton('video', options));
  return set;
}

function createCallButton(
  kind: CallKind,
  { surface, handle, send }: { surface: string; handle: Handle; send: SendToBackground },
): HTMLButtonElement {
  const label = callLabel(kind, handle);
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'birdcall-call';
  button.dataset.testid = `birdcall-call-${kind}`;
  button.dataset.surface = surface;
  button.setAttribute('aria-label', label);
  button.title = label;
  button.append(createIcon(ICON_PATHS[kind]));

  let restoreTitle: ReturnType<typeof setTimeout> | undefined;
  button.addEventListener('click', (event) => {
    // Page scripts can dispatch clicks too; only a real user gesture may start a call.
    if (!event.isTrusted) return;
    // The row sits inside X's header; the click is ours alone.
    event.preventDefault();
    event.stopPropagation();
    send({ to: 'background', type: 'place-call', handle, kind }).then(
      (reply) => {
        const error = refusal(reply);
        if (error === null) return;
        button.title = error;
        clearTimeout(restoreTitle);
        restoreTitle = setTimeout(() => (button.title = label), ERROR_TITLE_MS);
      },
      // The extension was reloaded or the background failed: the button stays as it was.
      (error: unknown) => console.warn(`[birdcall] could not place a call to @${handle}`, error),
    );
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
