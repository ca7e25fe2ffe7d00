import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { Handle } from '@/lib/handle';
import type { CallRecord } from '@/lib/history';
import { callHistory, callState, callWindowId, ownHandle, signalStatus } from '@/lib/store';
import { backgroundInbox, byTestId, click, mount, settle, unmount } from '@/tests/unit/ui/harness';
import { Popup } from './Popup';

const NOW = Date.now();
const record = (overrides: Partial<CallRecord> & Pick<CallRecord, 'callId'>): CallRecord => ({
  handle: 'alice' as Handle,
  direction: 'outgoing',
  kind: 'video',
  outcome: 'answered',
  startedAt: NOW - 120_000,
  endedAt: NOW - 60_000,
  durationMs: 55_000,
  seen: true,
  ...overrides,
});

const history: CallRecord[] = [
  record({ callId: 'c3', handle: 'bob_2' as Handle, direction: 'incoming', kind: 'audio', outcome: 'missed', durationMs: undefined, seen: false, startedAt: NOW - 10_000 }),
  record({ callId: 'c2' }),
  record({ callId: 'c1', handle: 'carol' as Handle, outcome: 'declined', durationMs: undefined, startedAt: NOW - 3 * 86_400_000 }),
];

const rows = (page: HTMLElement) => [...page.querySelectorAll<HTMLElement>('[data-testid="birdcall-recent-call"]')];

let close: ReturnType<typeof vi.spyOn>;
beforeEach(() => {
  fakeBrowser.reset();
  close = vi.spyOn(window, 'close').mockImplementation(() => {});
});
afterEach(() => {
  unmount();
  close.mockRestore();
});

describe('popup recent calls', () => {
  it('lists one row per call, newest first, with its attributes', async () => {
    await callHistory.setValue(history);
    const page = await mount(<Popup />);
    expect(rows(page).map((row) => ({ ...row.dataset }))).toEqual([
      { testid: 'birdcall-recent-call', handle: 'bob_2', direction: 'incoming', kind: 'audio', outcome: 'missed' },
      { testid: 'birdcall-recent-call', handle: 'alice', direction: 'outgoing', kind: 'video', outcome: 'answered' },
      { testid: 'birdcall-recent-call', handle: 'carol', direction: 'outgoing', kind: 'video', outcome: 'declined' },
    ]);
    const [missed, answered, declined] = rows(page).map((row) => row.textContent);
    expect(missed).toContain('@bob_2');
    expect(missed).toContain('Missed');
    expect(missed).toContain('just now');
    expect(answered).toContain('00:55');
    expect(answered).toContain('2 min ago');
    expect(declined).toContain('Declined');
  });

  it('marks missed calls not seen yet, and keeps the mark after telling the background they were seen', async () => {
    const inbox = backgroundInbox();
    await callHistory.setValue(history);
    const page = await mount(<Popup />);
    expect(inbox).toContainEqual({ to: 'background', type: 'history-seen' });
    expect(inbox.filter((m) => m.type === 'history-seen')).toHaveLength(1);

    // What the background does on history-seen.
    await callHistory.setValue(history.map((r) => ({ ...r, seen: true })));
    await settle();
    const [missed, answered] = rows(page);
    expect(missed.classList.contains('new')).toBe(true);
    expect(missed.querySelector('[aria-label="new"]')).not.toBeNull();
    expect(answered.classList.contains('new')).toBe(false);
  });

  it('calls back with the row\'s handle and kind, then closes', async () => {
    const inbox = backgroundInbox();
    await callHistory.setValue(history);
    const page = await mount(<Popup />);
    const button = byTestId(rows(page)[0], 'birdcall-call-back');
    expect(button.getAttribute('aria-label')).toBe('Call @bob_2 back');
    await click(button);
    expect(inbox).toContainEqual({ to: 'background', type: 'place-call', handle: 'bob_2', kind: 'audio' });
    expect(close).toHaveBeenCalled();
  });

  it('stays open and says why when the background refuses the call', async () => {
    backgroundInbox({ ok: false, error: 'Birdcall is not connected yet' });
    await callHistory.setValue(history);
    const page = await mount(<Popup />);
    await click(byTestId(rows(page)[1], 'birdcall-call-back'));
    expect(close).not.toHaveBeenCalled();
    expect(page.querySelector('[role="alert"]')?.textContent).toBe('Birdcall is not connected yet');
  });

  it('says so when there are no calls', async () => {
    const page = await mount(<Popup />);
    expect(rows(page)).toHaveLength(0);
    expect(page.textContent).toContain('No calls yet');
  });
});

describe('popup status', () => {
  it('asks to open x.com while no handle is known', async () => {
    const page = await mount(<Popup />);
    const status = byTestId(page, 'birdcall-own-status');
    expect(status.dataset.status).toBe('no-handle');
    expect(status.textContent).toContain('Open x.com while signed in so Birdcall learns your handle');
    await click(status.querySelector('button')!);
    const tabs = await fakeBrowser.tabs.query({});
    expect(tabs.map((t) => t.url)).toContain('https://x.com/');
  });

  it.each([
    [{ status: 'offline' as const }, 'Offline'],
    [{ status: 'connecting' as const }, 'Connecting'],
    [{ status: 'connected' as const }, 'Online'],
    [{ status: 'id-taken' as const }, 'This handle is online in another browser'],
    [{ status: 'error' as const, detail: 'Server at 127.0.0.1:9000 refused' }, 'Server at 127.0.0.1:9000 refused'],
  ])('shows my handle and %j', async (signal, words) => {
    await ownHandle.setValue('me_too' as Handle);
    await signalStatus.setValue(signal);
    const page = await mount(<Popup />);
    const status = byTestId(page, 'birdcall-own-status');
    expect(status.dataset.status).toBe(signal.status);
    expect(status.textContent).toContain('@me_too');
    expect(status.textContent).toContain(words);
  });

  it('offers a way back to an active call only', async () => {
    const page = await mount(<Popup />);
    expect(page.querySelector('[data-testid="birdcall-return-to-call"]')).toBeNull();
    const window = await fakeBrowser.windows.create({});
    await callWindowId.setValue(window.id!);
    await callState.setValue({
      phase: 'connected',
      connectedAt: NOW,
      call: { callId: 'c9', peer: 'dan' as Handle, direction: 'outgoing', kind: 'audio', startedAt: NOW, muted: false, cameraOff: true },
    });
    await settle();
    const update = vi.spyOn(fakeBrowser.windows, 'update');
    await click(byTestId(page, 'birdcall-return-to-call'));
    expect(update).toHaveBeenCalledWith(window.id, { focused: true });
    expect(close).toHaveBeenCalled();
  });
});
