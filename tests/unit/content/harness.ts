/** Runs the content script's features against happy-dom's document with a recording background. */
import { vi } from 'vitest';
import { startFeatures, type Feature, type FeatureRunner } from '@/entrypoints/x.content/feature';
import { createFeatures } from '@/entrypoints/x.content/features';
import type { PageRequest } from '@/lib/messages';

export interface Harness {
  runner: FeatureRunner;
  send: ReturnType<typeof vi.fn<(message: PageRequest) => Promise<unknown>>>;
  stop(): void;
}

export function start(
  features: readonly Feature[] = createFeatures(),
  reply: (message: PageRequest) => Promise<unknown> = async () => ({ ok: true }),
): Harness {
  const controller = new AbortController();
  const send = vi.fn(reply);
  const runner = startFeatures(features, { document, send }, controller.signal);
  return { runner, send, stop: () => controller.abort() };
}

export function callButtons(): HTMLButtonElement[] {
  return [...document.querySelectorAll<HTMLButtonElement>('[data-testid^="birdcall-call-"]')];
}

/** A click as a user would make it; happy-dom has no isTrusted, so it is set by hand. */
export function trustedClick(target: Element): void {
  const event = new MouseEvent('click', { bubbles: true, cancelable: true });
  Object.defineProperty(event, 'isTrusted', { value: true });
  target.dispatchEvent(event);
}
