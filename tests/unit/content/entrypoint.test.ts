import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { ContentScriptContext } from 'wxt/utils/content-script-context';
import contentScript from '@/entrypoints/x.content/index';
import { profilePage } from '../../fixtures/x-pages';
import { callButtons, trustedClick } from './harness';
import { loadPage, settle } from './page';

let ctx: ContentScriptContext | undefined;
afterEach(() => {
  ctx?.notifyInvalidated();
  ctx = undefined;
  vi.restoreAllMocks();
  fakeBrowser.reset();
});

describe('x content script', () => {
  it('runs on x.com and twitter.com', () => {
    expect(contentScript.matches).toEqual(['https://x.com/*', 'https://twitter.com/*']);
  });

  it('wires the features to browser.runtime and tears everything down with its context', async () => {
    const sendMessage = vi.spyOn(fakeBrowser.runtime, 'sendMessage').mockResolvedValue({ ok: true });
    loadPage(profilePage({ viewer: 'alice', profile: 'bob' }), 'https://x.com/bob');
    ctx = new ContentScriptContext('x');
    await contentScript.main(ctx);
    expect(sendMessage).toHaveBeenCalledWith({ to: 'background', type: 'signed-in', handle: 'alice' });
    expect(callButtons()).toHaveLength(2);

    trustedClick(callButtons()[1]!);
    expect(sendMessage).toHaveBeenLastCalledWith({ to: 'background', type: 'place-call', handle: 'bob', kind: 'video' });

    ctx.notifyInvalidated();
    expect(callButtons()).toEqual([]);
    document.querySelector('[data-testid="primaryColumn"]')!.append(document.createElement('div'));
    await settle();
    expect(callButtons()).toEqual([]);
  });
});
