/** The pages' one way to ask the background for something. */
import { browser } from 'wxt/browser';
import { t } from '@/lib/i18n';
import type { UiRequest } from '@/lib/messages';

export type BackgroundReply = { ok: true } | { ok: false; error: string };

/** Never throws: a background that is not there or answers oddly becomes an error reply the page can show. */
export async function sendToBackground(request: UiRequest): Promise<BackgroundReply> {
  try {
    const reply: unknown = await browser.runtime.sendMessage(request);
    if (isReply(reply)) return reply;
    return { ok: false, error: t('noAnswerFromBirdcall') };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

function isReply(value: unknown): value is BackgroundReply {
  if (typeof value !== 'object' || value === null) return false;
  const reply = value as Record<string, unknown>;
  return reply.ok === true || (reply.ok === false && typeof reply.error === 'string');
}
