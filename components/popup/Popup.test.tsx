import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { Handle } from '@/lib/handle';
import type { CallRecord } from '@/lib/history';
import { account, callHistory, callState, callWindowId, pageHandle, signalStatus, signInError } from '@/lib/store';
import { backgroundInbox, byTestId, click, mount, settle, unmount } from '@/tests/unit/ui/harness';
import { formatWhen } from '../format';
import { Popup } from './Popup';

const NOW = Date.now();
const record = (overrides: Partial<CallRecord> & Pick<CallRecord, 'callId'>): CallRecord => ({
  handle: 'alice' as Handle,
  direction: 'outgoing',
  kind: 'video',
  outcome: 'answered',
  verified: true,
  startedAt: NOW - 120_000,
  endedAt: NOW - 60_000,
  durationMs: 55_000,
  seen: true,
  ...overrides,
});

const history: CallRecord[] = [
  record({
    callId: 'c3',
    handle: 'bob_2' as Handle,
    direction: 'incoming',
    kind: 'audio',
    outcome: 'missed',
    verified: false,
    durationMs: undefined,
    seen: false,
    startedAt: NOW - 10_000,
    count: 3,
  }),
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
      { testid: 'birdcall-recent-call', handle: 'bob_2', direction: 'incoming', kind: 'audio', outcome: 'missed', count: '3', verified: 'false' },
      { testid: 'birdcall-recent-call', handle: 'alice', direction: 'outgoing', kind: 'video', outcome: 'answered', count: '1', verified: 'true' },
      { testid: 'birdcall-recent-call', handle: 'carol', direction: 'outgoing', kind: 'video', outcome: 'declined', count: '1', verified: 'true' },
    ]);
    const [missed, answered, declined] = rows(page).map((row) => row.textContent);
    expect(missed).toContain('@bob_2 (3)');
    expect(missed).toContain('unverified');
    expect(answered).not.toContain('unverified');
    expect(answered).not.toContain('(1)');
    expect(missed).toContain('Missed');
    expect(missed).toContain('just now');
    expect(answered).toContain('00:55');
    expect(answered).toContain('2 min ago');
    expect(declined).toContain('Declined');
  });

  it('names each row in one sentence for screen readers: which way, voice or video, who, how it went, when', async () => {
    await callHistory.setValue(history);
    const page = await mount(<Popup />);
    expect(rows(page).map((row) => row.getAttribute('aria-label'))).toEqual([
      'Incoming voice call from @bob_2, unverified, missed, 3 times, new, just now',
      'Outgoing video call to @alice, answered, 55 seconds, 2 minutes ago',
      `Outgoing video call to @carol, declined, ${formatWhen(NOW - 3 * 86_400_000, Date.now())}`,
    ]);
    // The icons and fragments the name replaces are hidden from screen readers; the call-back button is not.
    for (const row of rows(page)) {
      expect([...row.children].map((child) => child.getAttribute('aria-hidden'))).toEqual(['true', 'true', null]);
    }
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
    expect(missed.querySelector('.new-dot')).not.toBeNull();
    expect(missed.getAttribute('aria-label')).toContain(', new,');
    expect(answered.classList.contains('new')).toBe(false);
  });

  it("calls back with the row's handle and kind, then closes", async () => {
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
  const accountOf = (page: HTMLElement) => byTestId(page, 'birdcall-account');
  /** getAttribute, not dataset: happy-dom's dataset leaves out empty values. */
  const accountAttributes = (page: HTMLElement) => ({
    handle: accountOf(page).getAttribute('data-handle'),
    verified: accountOf(page).getAttribute('data-verified'),
  });
  const signInButton = (page: HTMLElement) => page.querySelector<HTMLElement>('[data-testid="birdcall-sign-in"]');
  const notice = (page: HTMLElement) => page.querySelector<HTMLElement>('[data-testid="birdcall-identity-notice"]');

  it('asks to open x.com while the service has given no identity and offers no X sign-in', async () => {
    const page = await mount(<Popup />);
    const status = byTestId(page, 'birdcall-own-status');
    expect(status.dataset.status).toBe('connecting');
    expect(accountAttributes(page)).toEqual({ handle: '', verified: 'false' });
    expect(status.textContent).toContain('Open x.com while signed in so Birdcall learns your handle');
    expect(signInButton(page)).toBeNull();
    await click(status.querySelector('button')!);
    const tabs = await fakeBrowser.tabs.query({});
    expect(tabs.map((t) => t.url)).toContain('https://x.com/');
  });

  it('marks a handle X verified', async () => {
    await account.setValue({ identity: { handle: 'alice' as Handle, verified: true }, signIn: true });
    const page = await mount(<Popup />);
    expect(accountAttributes(page)).toEqual({ handle: 'alice', verified: 'true' });
    expect(accountOf(page).textContent).toContain('@alice');
    expect(accountOf(page).textContent).toContain('verified by X');
    expect(accountOf(page).textContent).not.toContain('unverified');
    expect(signInButton(page)).toBeNull();
  });

  it('marks a first-come handle unverified', async () => {
    await account.setValue({ identity: { handle: 'alice' as Handle, verified: false }, signIn: false });
    const page = await mount(<Popup />);
    expect(accountAttributes(page)).toEqual({ handle: 'alice', verified: 'false' });
    expect(accountOf(page).textContent).toContain('unverified');
    expect(signInButton(page)).toBeNull();
  });

  it('offers "Sign in with X" when the service does and the device has no identity; a click asks the background', async () => {
    const inbox = backgroundInbox();
    await account.setValue({ identity: null, signIn: true });
    const page = await mount(<Popup />);
    expect(accountAttributes(page)).toEqual({ handle: '', verified: 'false' });
    expect(page.textContent).not.toContain('Open x.com');
    await click(signInButton(page)!);
    expect(inbox).toContainEqual({ to: 'background', type: 'sign-in' });
  });

  it('shows what the background refused when sign-in cannot start', async () => {
    backgroundInbox({ ok: false, error: 'The offscreen document did not answer' });
    await account.setValue({ identity: null, signIn: true });
    const page = await mount(<Popup />);
    await click(signInButton(page)!);
    expect(page.textContent).toContain('The offscreen document did not answer');
  });

  it('shows why the last sign-in did not finish', async () => {
    await account.setValue({ identity: null, signIn: true });
    await signInError.setValue('X sign-in was cancelled.');
    const page = await mount(<Popup />);
    expect(byTestId(page, 'birdcall-sign-in-error').textContent).toBe('X sign-in was cancelled.');
    await signInError.setValue(null);
    await settle();
    expect(page.querySelector('[data-testid="birdcall-sign-in-error"]')).toBeNull();
  });

  it('notices when x.com shows another handle than the one Birdcall is signed in as, and never switches', async () => {
    await account.setValue({ identity: { handle: 'alice' as Handle, verified: true }, signIn: true });
    await pageHandle.setValue('bob' as Handle);
    const page = await mount(<Popup />);
    expect(notice(page)?.textContent).toBe('X shows you as @bob; Birdcall is signed in as @alice');
    expect(accountOf(page).dataset.handle).toBe('alice');
    await pageHandle.setValue('alice' as Handle);
    await settle();
    expect(notice(page)).toBeNull();
  });

  it('offers signing in with X again from the notice (renamed on X), never in open mode', async () => {
    const inbox = backgroundInbox();
    await account.setValue({ identity: { handle: 'alice' as Handle, verified: true }, signIn: true });
    await pageHandle.setValue('alice_new' as Handle);
    const page = await mount(<Popup />);
    await click(byTestId(page, 'birdcall-sign-in-again'));
    expect(inbox).toContainEqual({ to: 'background', type: 'sign-in' });
    await account.setValue({ identity: { handle: 'alice' as Handle, verified: false }, signIn: false });
    await settle();
    expect(notice(page)?.textContent).toBe('X shows you as @alice_new; Birdcall is signed in as @alice');
    expect(page.querySelector('[data-testid="birdcall-sign-in-again"]')).toBeNull();
  });

  it('has no notice without an identity, whatever x.com shows', async () => {
    await account.setValue({ identity: null, signIn: true });
    await pageHandle.setValue('bob' as Handle);
    const page = await mount(<Popup />);
    expect(notice(page)).toBeNull();
  });

  it.each([
    [{ status: 'offline' as const }, 'Offline'],
    [
      { status: 'offline' as const, detail: "Offline: Birdcall's service (127.0.0.1:9000) cannot be reached." },
      "Offline: Birdcall's service (127.0.0.1:9000) cannot be reached.",
    ],
    [{ status: 'connecting' as const }, 'Connecting'],
    [{ status: 'connected' as const }, 'Online'],
    [{ status: 'id-taken' as const }, 'This handle is in use elsewhere'],
    [
      // The service's own (English) words stay out: the page says it in the person's language.
      { status: 'id-taken' as const, detail: '@me_too is registered on another device' },
      'This handle is in use elsewhere',
    ],
    [{ status: 'error' as const, detail: 'Server at 127.0.0.1:9000 refused' }, 'Server at 127.0.0.1:9000 refused'],
    [{ status: 'error' as const }, "Cannot reach Birdcall's service"],
  ])('shows my handle and %j', async (signal, words) => {
    await account.setValue({ identity: { handle: 'me_too' as Handle, verified: false }, signIn: false });
    await signalStatus.setValue(signal);
    const page = await mount(<Popup />);
    const status = byTestId(page, 'birdcall-own-status');
    expect(status.dataset.status).toBe(signal.status);
    expect(status.textContent).toContain('@me_too');
    expect(status.textContent).toContain(words);
  });

  it('offers Retry only while offline, and Retry asks the background to try the service again now', async () => {
    const inbox = backgroundInbox();
    await signalStatus.setValue({ status: 'connected' });
    const page = await mount(<Popup />);
    expect(page.querySelector('[data-testid="birdcall-retry-service"]')).toBeNull();
    await signalStatus.setValue({ status: 'offline', detail: "Offline: the connection to Birdcall's service (127.0.0.1:9000) was lost." });
    await settle();
    await click(byTestId(page, 'birdcall-retry-service'));
    expect(inbox).toContainEqual({ to: 'background', type: 'retry-service' });
    await signalStatus.setValue({ status: 'connecting' });
    await settle();
    expect(page.querySelector('[data-testid="birdcall-retry-service"]')).toBeNull();
  });

  it('offers a way back to an active call only', async () => {
    const page = await mount(<Popup />);
    expect(page.querySelector('[data-testid="birdcall-return-to-call"]')).toBeNull();
    const window = await fakeBrowser.windows.create({});
    await callWindowId.setValue(window.id!);
    await callState.setValue({
      phase: 'connected',
      connectedAt: NOW,
      call: { callId: 'c9', peer: 'dan' as Handle, direction: 'outgoing', kind: 'audio', verified: true, startedAt: NOW, muted: false, cameraOff: true },
    });
    await settle();
    const update = vi.spyOn(fakeBrowser.windows, 'update');
    await click(byTestId(page, 'birdcall-return-to-call'));
    expect(update).toHaveBeenCalledWith(window.id, { focused: true });
    expect(close).toHaveBeenCalled();
  });
});
