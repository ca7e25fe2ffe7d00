import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { chatConversationId, chatPage, hoverCardPage, profilePage, type XTheme } from '../../fixtures/x-pages';
import type { Handle } from '@/lib/handle';
import { label } from '@/lib/x/i18n';
import { callButtons, start, type Harness } from './harness';
import { loadPage, settle } from './page';

let harness: Harness | undefined;
afterEach(() => {
  harness?.stop();
  harness = undefined;
});

const sets = () => [...document.querySelectorAll<HTMLElement>('[data-birdcall-set]')];
const one = { viewer: 'alice', with: ['bob'] };
type Page = (look: { theme?: XTheme; lang?: string }) => readonly [string, string];
const surfaces: Record<'profile' | 'hovercard' | 'chat', Page> = {
  profile: (look: { theme?: XTheme; lang?: string }) => [profilePage({ viewer: 'alice', profile: 'bob', ...look }), 'https://x.com/bob'] as const,
  hovercard: (look: { theme?: XTheme; lang?: string }) => [hoverCardPage({ viewer: 'alice', person: 'bob', ...look }), 'https://x.com/home'] as const,
  chat: (look: { theme?: XTheme; lang?: string }) => [chatPage({ ...one, ...look }), `https://x.com/i/chat/${chatConversationId(one)}`] as const,
};

describe('theme', () => {
  describe.each(Object.entries(surfaces))('%s buttons', (surface, page) => {
    it.each([
      ['light', 'light'],
      ['dark', 'dark'],
      ['contrast', 'contrast'],
      ['dim', 'dark'],
    ] as const)('on the %s theme look %s', (theme, expected) => {
      loadPage(...(page as Page)({ theme }));
      harness = start();
      expect(sets().map((set) => [set.dataset.birdcallSet, set.dataset.theme])).toEqual([[surface, expected]]);
    });

    it('follow a live theme change without a reload, keeping the same buttons', async () => {
      loadPage(...(page as Page)({ theme: 'light' }));
      harness = start();
      const [button] = callButtons();
      for (const [background, theme] of [
        ['rgb(0, 0, 0)', 'dark'],
        ['rgb(5, 5, 5)', 'contrast'],
        ['rgb(255, 255, 255)', 'light'],
      ]) {
        document.body.style.backgroundColor = background!;
        await settle();
        expect(sets()[0]!.dataset.theme).toBe(theme);
      }
      expect(callButtons()[0]).toBe(button);
    });
  });
});

describe('language', () => {
  it.each([
    ['en', 'Call @bob', 'Video call @bob'],
    ['en-GB', 'Call @bob', 'Video call @bob'],
    ['es', 'Llamar a @bob', 'Videollamada con @bob'],
    ['ja', '@bob に音声通話', '@bob にビデオ通話'],
    ['pt', 'Ligar para @bob', 'Chamada de vídeo com @bob'],
    ['ar', 'اتصال بـ \u2068@bob\u2069', 'مكالمة فيديو مع \u2068@bob\u2069'],
    ['de', 'Call @bob', 'Video call @bob'],
  ])('<html lang="%s"> labels and tooltips', (lang, audio, video) => {
    loadPage(...surfaces.profile({ lang }));
    harness = start();
    expect(callButtons().map((b) => [b.getAttribute('aria-label'), b.title])).toEqual([
      [audio, audio],
      [video, video],
    ]);
  });

  it.each(Object.keys(surfaces))('follows a live language change on the %s with fresh buttons, from <html lang> alone', async (surface) => {
    loadPage(...surfaces[surface as keyof typeof surfaces]({ lang: 'en' }));
    harness = start();
    document.documentElement.lang = 'es';
    await settle();
    expect(callButtons().map((b) => b.getAttribute('aria-label'))).toEqual(['Llamar a @bob', 'Videollamada con @bob']);
    expect(sets()).toHaveLength(1);
  });

  it.each(Object.keys(surfaces).flatMap((surface) => ['es', 'ja', 'pt', 'ar'].map((lang) => [surface, lang] as const)))(
    'the %s buttons speak <html lang="%s">',
    (surface, lang) => {
      loadPage(...surfaces[surface as keyof typeof surfaces]({ lang }));
      harness = start();
      const [audio] = callButtons();
      expect(audio!.getAttribute('aria-label')).toBe(label(lang, 'callAudio', 'bob' as Handle));
      expect(sets().map((set) => [set.dataset.birdcallSet, set.dataset.lang])).toEqual([[surface, lang]]);
    },
  );

  it('right-to-left: the set inherits X\'s dir="rtl" and the handle stays an isolated left-to-right run', () => {
    loadPage(...surfaces.chat({ lang: 'ar' }));
    harness = start();
    expect(document.documentElement.dir).toBe('rtl');
    const set = sets()[0]!;
    expect(set.hasAttribute('dir')).toBe(false);
    expect(set.closest('[dir="rtl"]')).toBe(document.documentElement);
    expect(callButtons()[0]!.getAttribute('aria-label')).toMatch(/\u2068@bob\u2069$/);
  });

  it('the style sheet only uses logical (direction-aware) margins and paddings', () => {
    const css = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '../../../entrypoints/x.content/style.css'), 'utf8');
    expect(css).not.toMatch(/(margin|padding)-(left|right)|\b(left|right)\s*:/);
    expect(css).not.toMatch(/\b(margin|padding):\s*[^;\s]+\s+[^;]+;/); // multi-value shorthands are physical
    expect(css).toContain('margin-inline');
    expect(css).toContain('text-align: start');
  });
});

describe('keyboard and screen readers', () => {
  it.each(Object.entries(surfaces))('%s buttons are native buttons in X\'s tab order, named "Call @handle" / "Video call @handle"', (_surface, page) => {
    loadPage(...(page as Page)({}));
    harness = start();
    for (const button of callButtons()) {
      expect(button.tagName).toBe('BUTTON');
      expect(button.type).toBe('button');
      expect(button.hasAttribute('tabindex')).toBe(false);
      expect(button.querySelector('svg')!.getAttribute('aria-hidden')).toBe('true');
    }
    expect(callButtons().map((b) => b.getAttribute('aria-label'))).toEqual(['Call @bob', 'Video call @bob']);
    // In document order, between X's own focusable controls: Tab reaches them where they are shown.
    const focusables = [...document.querySelectorAll('a[href], button')];
    const index = focusables.indexOf(callButtons()[0]!);
    expect(index).toBeGreaterThan(0);
    expect(focusables[index + 1]).toBe(callButtons()[1]);
  });

  it("the focus ring is drawn on :focus-visible like X's buttons, at least 3:1 against each theme's background", () => {
    const css = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '../../../entrypoints/x.content/style.css'), 'utf8');
    expect(css).toMatch(/\.birdcall-call:focus-visible\s*\{\s*box-shadow: 0 0 0 2px var\(--birdcall-focus\)/);
    const focus = [...css.matchAll(/--birdcall-focus: rgb\((\d+), (\d+), (\d+)\)/g)].map((m) => m.slice(1).map(Number) as [number, number, number]);
    expect(focus).toHaveLength(2); // every theme, and white on high contrast
    const [ring, contrastRing] = focus as [[number, number, number], [number, number, number]];
    // Default (white), Lights out (black), the old Dim; high contrast (rgb(5, 5, 5)) has its own ring.
    for (const background of [
      [255, 255, 255],
      [0, 0, 0],
      [21, 32, 43],
    ] as const)
      expect(contrast(ring, background)).toBeGreaterThanOrEqual(3);
    expect(contrast(contrastRing, [5, 5, 5])).toBeGreaterThanOrEqual(3);
  });
});

/** WCAG 2 contrast ratio of two sRGB colours. */
function contrast(a: readonly [number, number, number], b: readonly [number, number, number]): number {
  const luminance = (rgb: readonly number[]) => {
    const [r, g, bl] = rgb.map((c) => (c / 255 <= 0.03928 ? c / 255 / 12.92 : ((c / 255 + 0.055) / 1.055) ** 2.4)) as [number, number, number];
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (light + 0.05) / (dark + 0.05);
}
