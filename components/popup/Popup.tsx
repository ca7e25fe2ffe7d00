/** The toolbar popup: my status, a way back to a running call, and recent calls to call back. */
import { useEffect } from 'preact/hooks';
import { useViewModel } from '../view-model';
import { signalStatusText } from '../words';
import { LayoutNotice } from './LayoutNotice';
import { createPopupViewModel, type PopupViewModel } from './popup-view-model';
import { RecentCallRow } from './RecentCallRow';

export function Popup() {
  const vm = useViewModel(createPopupViewModel);
  return (
    <main class="popup">
      <OwnStatus vm={vm} />
      {vm.inCall.value && (
        <button type="button" class="return-to-call" data-testid="birdcall-return-to-call" onClick={vm.returnToCall}>
          Return to call
        </button>
      )}
      <LayoutNotice issues={vm.layoutIssues.value} onDismiss={vm.dismissLayoutNotice} />
      {vm.error.value && (
        <p class="popup-error" role="alert">
          {vm.error.value}
        </p>
      )}
      <RecentCalls vm={vm} />
    </main>
  );
}

function OwnStatus({ vm }: { vm: PopupViewModel }) {
  const account = vm.account.value;
  const signal = vm.signal.value;
  if (account === undefined || signal === undefined) return <header class="own-status" />;
  const identity = account?.identity ?? null;
  const mismatch = vm.pageMismatch.value;
  const signInError = vm.signInError.value;
  return (
    <header class="own-status" data-testid="birdcall-own-status" data-status={signal.status}>
      <div data-testid="birdcall-account" data-handle={identity?.handle ?? ''} data-verified={String(identity?.verified ?? false)}>
        {identity ? (
          <h1 class="own-handle">
            @{identity.handle}{' '}
            <span class={identity.verified ? 'badge verified' : 'badge unverified'}>{identity.verified ? 'verified by X' : 'unverified'}</span>
          </h1>
        ) : account?.signIn ? (
          <p>Sign in with X so people can call you, and so they know it is you.</p>
        ) : (
          <p>Open x.com while signed in so Birdcall learns your handle</p>
        )}
      </div>
      <p class="signal">
        <span class={`dot ${signal.status}`} aria-hidden="true" />
        {signalStatusText(signal)}
      </p>
      {!identity && account?.signIn && (
        <button type="button" class="pill" data-testid="birdcall-sign-in" onClick={vm.signIn}>
          Sign in with X
        </button>
      )}
      {!identity && !account?.signIn && (
        <button type="button" class="pill" onClick={vm.openX}>
          Open x.com
        </button>
      )}
      {mismatch && identity && (
        <div class="notice" role="status">
          <p data-testid="birdcall-identity-notice">
            X shows you as @{mismatch}; Birdcall is signed in as @{identity.handle}
          </p>
          {/* Renamed on X, or another X account: only X can say so, never the page. */}
          {account?.signIn && (
            <button type="button" class="pill" data-testid="birdcall-sign-in-again" onClick={vm.signIn}>
              Sign in with X again
            </button>
          )}
        </div>
      )}
      {signInError && (
        <p class="popup-error" data-testid="birdcall-sign-in-error" role="alert">
          {signInError}
        </p>
      )}
    </header>
  );
}

function RecentCalls({ vm }: { vm: PopupViewModel }) {
  const calls = vm.recentCalls.value;
  const loaded = calls !== undefined;
  // After the first paint with the list, so the new-call marks have been on screen before storage clears them.
  useEffect(() => {
    if (loaded) vm.markSeen();
  }, [loaded]);
  if (!calls) return null;
  return (
    <section class="recent" aria-label="Recent calls">
      <h2>Recent calls</h2>
      {calls.length === 0 ? (
        <p class="empty">No calls yet</p>
      ) : (
        <ul>
          {calls.map(({ record, isNew }) => (
            <RecentCallRow key={record.callId} record={record} isNew={isNew} now={vm.now.value} onCallBack={vm.callBack} />
          ))}
        </ul>
      )}
    </section>
  );
}
