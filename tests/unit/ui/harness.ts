/** Rendering pages into happy-dom against WXT's fake browser, and hearing what they ask the background. */
import { render, type ComponentChild } from 'preact';
import { act } from 'preact/test-utils';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { BackgroundReply } from '@/components/background';
import type { UiRequest } from '@/lib/messages';

let root: HTMLElement | null = null;

/** Lets storage reads, watches and message replies land, and Preact re-render after them. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) {
    await act(async () => {
      await new Promise((resolve) => setTimeout(resolve, 0));
    });
  }
}

export async function mount(page: ComponentChild): Promise<HTMLElement> {
  unmount();
  root = document.createElement('div');
  document.body.append(root);
  const target = root;
  await act(() => render(page, target));
  await settle();
  return target;
}

export function unmount(): void {
  if (!root) return;
  const target = root;
  act(() => render(null, target));
  target.remove();
  root = null;
}

/** Answers every message like the background would, and keeps them for the test to inspect. */
export function backgroundInbox(reply: BackgroundReply = { ok: true }): UiRequest[] {
  const received: UiRequest[] = [];
  fakeBrowser.runtime.onMessage.addListener((message: unknown) => {
    received.push(message as UiRequest);
    return Promise.resolve(reply);
  });
  return received;
}

export function byTestId(container: ParentNode, testId: string): HTMLElement {
  const element = container.querySelector<HTMLElement>(`[data-testid="${testId}"]`);
  if (!element) throw new Error(`no element with data-testid="${testId}"`);
  return element;
}

export async function click(element: HTMLElement): Promise<void> {
  await act(() => element.click());
  await settle();
}
