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
  const handle = vm.handle.value;
  const signal = vm.signal.value;
  if (handle === undefined || signal === undefined) return <header class="own-status" />;
  if (handle === null) {
    return (
      <header class="own-status" data-testid="birdcall-own-status" data-status="no-handle">
        <p>Open x.com while signed in so Birdcall learns your handle</p>
        <button type="button" class="pill" onClick={vm.openX}>
          Open x.com
        </button>
      </header>
    );
  }
  return (
    <header class="own-status" data-testid="birdcall-own-status" data-status={signal.status}>
      <h1 class="own-handle">@{handle}</h1>
      <p class="signal">
        <span class={`dot ${signal.status}`} aria-hidden="true" />
        {signalStatusText(signal)}
      </p>
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
