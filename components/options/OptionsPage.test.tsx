import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { LOCAL_SIGNAL_URL } from '@/lib/signal-config';
import { alwaysRelay, signalStatus, signalUrlOverride } from '@/lib/store';
import { backgroundInbox, byTestId, click, mount, settle, unmount } from '@/tests/unit/ui/harness';
import { OptionsPage } from './OptionsPage';

const field = (page: HTMLElement) => byTestId(page, 'birdcall-signal-url') as HTMLInputElement;
const saveButton = (page: HTMLElement) => byTestId(page, 'birdcall-save') as HTMLButtonElement;
/** A service other than the build default (which is LOCAL_SIGNAL_URL in unit tests). */
const OTHER_URL = 'https://calls.birdcall.example/';

async function type(input: HTMLInputElement, text: string) {
  await act(() => {
    input.value = text;
    input.dispatchEvent(new Event('input', { bubbles: true }));
  });
  await settle();
}

beforeEach(() => {
  fakeBrowser.reset();
});
afterEach(() => {
  unmount();
});

describe('options page', () => {
  it('shows the build default while nothing is saved', async () => {
    const page = await mount(<OptionsPage />);
    expect(field(page).value).toBe(LOCAL_SIGNAL_URL);
    expect(saveButton(page).disabled).toBe(true);
    expect(page.querySelector('[data-testid="birdcall-use-default"]')).toBeNull();
  });

  it('shows the saved server', async () => {
    await signalUrlOverride.setValue(OTHER_URL);
    const page = await mount(<OptionsPage />);
    expect(field(page).value).toBe(OTHER_URL);
    expect(byTestId(page, 'birdcall-use-default')).toBeTruthy();
  });

  it.each([
    ['127.0.0.1 port 9000', 'is not a URL'],
    ['ws://127.0.0.1:9000/', 'must start with http:// or https://'],
    ['http://127.0.0.1:9000/?key=x', 'must not carry a query'],
  ])('refuses %j: %s', async (text, reason) => {
    const page = await mount(<OptionsPage />);
    await type(field(page), text);
    expect(byTestId(page, 'birdcall-signal-url-error').textContent).toContain(reason);
    expect(field(page).getAttribute('aria-invalid')).toBe('true');
    expect(saveButton(page).disabled).toBe(true);
  });

  it('saves a valid server and tells the background', async () => {
    const inbox = backgroundInbox();
    const page = await mount(<OptionsPage />);
    await type(field(page), ` ${OTHER_URL} `);
    expect(page.querySelector('[data-testid="birdcall-signal-url-error"]')).toBeNull();
    await click(saveButton(page));
    expect(await signalUrlOverride.getValue()).toBe(OTHER_URL);
    expect(inbox).toEqual([{ to: 'background', type: 'signal-url-changed' }]);
    expect(page.textContent).toContain('Saved');
  });

  it('saving the default itself stores no override', async () => {
    backgroundInbox();
    await signalUrlOverride.setValue(OTHER_URL);
    const page = await mount(<OptionsPage />);
    await type(field(page), LOCAL_SIGNAL_URL);
    await click(saveButton(page));
    expect(await signalUrlOverride.getValue()).toBeNull();
  });

  it('goes back to the default', async () => {
    const inbox = backgroundInbox();
    await signalUrlOverride.setValue(OTHER_URL);
    const page = await mount(<OptionsPage />);
    await click(byTestId(page, 'birdcall-use-default'));
    expect(await signalUrlOverride.getValue()).toBeNull();
    expect(field(page).value).toBe(LOCAL_SIGNAL_URL);
    expect(inbox).toEqual([{ to: 'background', type: 'signal-url-changed' }]);
  });

  it('shows the signaling status', async () => {
    await signalStatus.setValue({ status: 'error', detail: 'Cannot reach 127.0.0.1:9000' });
    const page = await mount(<OptionsPage />);
    const status = byTestId(page, 'birdcall-signal-status');
    expect(status.dataset.status).toBe('error');
    expect(status.textContent).toContain('Cannot reach 127.0.0.1:9000');
  });

  it('"Always relay calls" is off by default, explained in a sentence, and stored at once when ticked', async () => {
    const inbox = backgroundInbox();
    const page = await mount(<OptionsPage />);
    const box = byTestId(page, 'birdcall-always-relay') as HTMLInputElement;
    expect(box.checked).toBe(false);
    expect(box.closest('label')?.textContent).toMatch(/never learns your IP address/);
    await click(box);
    expect(await alwaysRelay.getValue()).toBe(true);
    expect(inbox).toEqual([]); // read by each call as it starts: nothing to tell anyone now
    await click(box);
    expect(await alwaysRelay.getValue()).toBe(false);
  });

  it('shows "Always relay calls" as stored', async () => {
    await alwaysRelay.setValue(true);
    const page = await mount(<OptionsPage />);
    expect((byTestId(page, 'birdcall-always-relay') as HTMLInputElement).checked).toBe(true);
  });
});
