/**
 * Using a page by keyboard only, as a person without a mouse does: where focus is, Tab to a
 * control, and what a control is called in Chromium's accessibility tree (what a screen reader gets).
 */
import type { Page } from 'puppeteer-core';
import { poll } from './poll';

/** The data-testid (else the tag) of the focused element, through open shadow roots; null when nothing has focus. */
export function focusedControl(page: Page): Promise<string | null> {
  return page.evaluate(() => {
    let focused: Element | null = document.activeElement;
    while (focused?.shadowRoot?.activeElement) focused = focused.shadowRoot.activeElement;
    if (!focused || focused === document.body) return null;
    return focused.getAttribute('data-testid') ?? focused.tagName.toLowerCase();
  });
}

/** Waits until the control with `testId` has focus (focus moves when the state it follows changes). */
export async function waitForFocus(page: Page, testId: string, timeoutMs = 10_000): Promise<void> {
  let last: string | null = null;
  await poll(
    async () => {
      last = await focusedControl(page);
      return last === testId ? true : undefined;
    },
    `focus on ${testId} in ${page.url()}`,
    { timeoutMs, describe: () => `focus is on ${last ?? 'the page body'}` },
  );
}

/** Presses Tab (Shift+Tab with `backwards`) until the control with `testId` has focus; fails after `max` presses. */
export async function tabTo(page: Page, testId: string, { backwards = false, max = 60 } = {}): Promise<void> {
  const passed: string[] = [];
  for (let i = 0; i < max; i++) {
    if (backwards) {
      await page.keyboard.down('Shift');
      await page.keyboard.press('Tab');
      await page.keyboard.up('Shift');
    } else {
      await page.keyboard.press('Tab');
    }
    const focused = await focusedControl(page);
    if (focused === testId) return;
    passed.push(focused ?? '(body)');
  }
  throw new Error(`${max} ${backwards ? 'Shift+Tab' : 'Tab'} presses on ${page.url()} never reached ${testId}; focus went: ${passed.join(' -> ')}`);
}

export interface AccessibleNode {
  role: string;
  name: string;
}

/** Role and accessible name Chromium computes for the first element matching `selector`, or null when there is none. */
export async function accessibleNode(page: Page, selector: string): Promise<AccessibleNode | null> {
  const element = await page.$(selector);
  if (!element) return null;
  try {
    const node = await page.accessibility.snapshot({ root: element, interestingOnly: false });
    return node ? { role: node.role, name: node.name ?? '' } : null;
  } finally {
    await element.dispose();
  }
}

/** Role and accessible name of every element matching `selector`, in document order. */
export async function accessibleNodes(page: Page, selector: string): Promise<AccessibleNode[]> {
  const elements = await page.$$(selector);
  const nodes: AccessibleNode[] = [];
  for (const element of elements) {
    try {
      const node = await page.accessibility.snapshot({ root: element, interestingOnly: false });
      if (node) nodes.push({ role: node.role, name: node.name ?? '' });
    } finally {
      await element.dispose();
    }
  }
  return nodes;
}
