/** The toolbar popup's view model: who I am and whether I can be called, an active call, and recent calls. */
import { computed, signal, type ReadonlySignal } from '@preact/signals';
import { browser } from 'wxt/browser';
import { isActive } from '@/lib/call-state';
import { t } from '@/lib/i18n';
import type { Handle } from '@/lib/handle';
import type { CallRecord } from '@/lib/history';
import {
  account as storedAccount,
  callHistory,
  callState,
  callWindowId,
  layoutIssues,
  pageHandle,
  signalStatus,
  signInError,
  type Account,
  type StoredLayoutIssue,
} from '@/lib/store';
import { sendToBackground } from '../background';
import { storedSignal, type Stored } from '../stored';
import type { Scope } from '../view-model';
import type { SignalState } from '../words';

interface RecentCall {
  readonly record: CallRecord;
  /** A missed call not seen before this popup opened. */
  readonly isNew: boolean;
}

export interface PopupViewModel {
  /** Who the service says this device is; null before it has said. */
  readonly account: Stored<Account | null>;
  /** The handle x.com shows, when it differs from the one Birdcall is signed in as: a notice, never an identity. */
  readonly pageMismatch: ReadonlySignal<Handle | null>;
  readonly signInError: Stored<string | null>;
  readonly signal: Stored<SignalState>;
  /** Undefined until storage has answered; newest first. */
  readonly recentCalls: ReadonlySignal<readonly RecentCall[] | undefined>;
  readonly inCall: ReadonlySignal<boolean>;
  /** Re-read now and then, so "just now" does not stay just now while the popup is open. */
  readonly now: ReadonlySignal<number>;
  readonly error: ReadonlySignal<string | null>;
  /** "X layout changed" reports from the content script, newest first. */
  readonly layoutIssues: Stored<StoredLayoutIssue[]>;
  dismissLayoutNotice(): void;
  markSeen(): void;
  signIn(): void;
  /** Tries Birdcall's service again now (offered while it cannot be reached). */
  retryService(): void;
  callBack(record: CallRecord): void;
  returnToCall(): void;
  openX(): void;
}

const CLOCK_REFRESH_MS = 30_000;

export function createPopupViewModel(scope: Scope): PopupViewModel {
  const account = storedSignal(scope, storedAccount);
  const shownByX = storedSignal(scope, pageHandle);
  const signalState = storedSignal(scope, signalStatus);
  const history = storedSignal(scope, callHistory);
  const call = storedSignal(scope, callState);
  const windowId = storedSignal(scope, callWindowId);
  const error = signal<string | null>(null);

  // Opening the popup marks missed calls seen in storage at once; they stay marked for this visit
  // so the person actually sees which ones are new.
  const newCallIds = signal<ReadonlySet<string>>(new Set());
  scope.effect(() => {
    const unseen = (history.value ?? []).filter((r) => !r.seen).map((r) => r.callId);
    const known = newCallIds.peek();
    if (unseen.some((id) => !known.has(id))) newCallIds.value = new Set([...known, ...unseen]);
  });
  const recentCalls = computed(() => history.value?.map((record) => ({ record, isNew: !record.seen || newCallIds.value.has(record.callId) })));

  const now = signal(Date.now());
  const clock = setInterval(() => (now.value = Date.now()), CLOCK_REFRESH_MS);
  scope.onDispose(() => clearInterval(clock));

  let seenSent = false;

  return {
    account,
    pageMismatch: computed(() => {
      const own = account.value?.identity?.handle;
      const page = shownByX.value;
      return own && page && page !== own ? page : null;
    }),
    signInError: storedSignal(scope, signInError),
    signal: signalState,
    recentCalls,
    inCall: computed(() => call.value !== undefined && isActive(call.value)),
    now,
    error,
    layoutIssues: storedSignal(scope, layoutIssues),
    dismissLayoutNotice() {
      void layoutIssues.setValue([]);
    },
    signIn() {
      void sendToBackground({ to: 'background', type: 'sign-in' }).then((reply) => {
        if (!reply.ok && !scope.isDisposed) error.value = reply.error;
      });
    },
    retryService() {
      void sendToBackground({ to: 'background', type: 'retry-service' }).then((reply) => {
        if (!reply.ok && !scope.isDisposed) error.value = reply.error;
      });
    },
    markSeen() {
      if (seenSent) return;
      seenSent = true;
      void sendToBackground({ to: 'background', type: 'history-seen' });
    },
    callBack({ handle, kind }) {
      void sendToBackground({ to: 'background', type: 'place-call', handle, kind }).then((reply) => {
        if (reply.ok) window.close();
        else if (!scope.isDisposed) error.value = reply.error;
      });
    },
    returnToCall() {
      const id = windowId.value;
      const focused = id == null ? Promise.reject() : browser.windows.update(id, { focused: true });
      focused.then(
        () => window.close(),
        () => (error.value = t('callWindowClosed')),
      );
    },
    openX() {
      void browser.tabs.create({ url: 'https://x.com/' }).then(() => window.close());
    },
  };
}
