/** The toolbar popup: my status, a way back to a running call, and recent calls to call back. */
import { useEffect } from 'preact/hooks';
import { t } from '@/lib/i18n';
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
          {t('returnToCall')}
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
            <bdi>@{identity.handle}</bdi>{' '}
            <span class={identity.verified ? 'badge verified' : 'badge unverified'}>{identity.verified ? t('verifiedByX') : t('unverified')}</span>
          </h1>
        ) : account?.signIn ? (
          <p>{t('signInPrompt')}</p>
        ) : (
          <p>{t('openXPrompt')}</p>
        )}
      </div>
      <p class="signal">
        <span class={`dot ${signal.status}`} aria-hidden="true" />
        {signalStatusText(signal)}
      </p>
      {signal.status === 'offline' && (
        <button type="button" class="pill" data-testid="birdcall-retry-service" onClick={vm.retryService}>
          {t('retryService')}
        </button>
      )}
      {!identity && account?.signIn && (
        <button type="button" class="pill" data-testid="birdcall-sign-in" onClick={vm.signIn}>
          {t('signInWithX')}
        </button>
      )}
      {!identity && !account?.signIn && (
        <button type="button" class="pill" onClick={vm.openX}>
          {t('openX')}
        </button>
      )}
      {mismatch && identity && (
        <div class="notice" role="status">
          <p data-testid="birdcall-identity-notice">{t('identityMismatch', mismatch, identity.handle)}</p>
          {/* Renamed on X, or another X account: only X can say so, never the page. */}
          {account?.signIn && (
            <button type="button" class="pill" data-testid="birdcall-sign-in-again" onClick={vm.signIn}>
              {t('signInAgain')}
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
    <section class="recent" aria-labelledby="recent-calls">
      <h2 id="recent-calls">{t('recentCalls')}</h2>
      {calls.length === 0 ? (
        <p class="empty">{t('noCallsYet')}</p>
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
