/**
 * The orchestrator's logic: applies events to the stored call state and acts on what changed
 * (notification, call window, history, badge, offscreen commands). The service worker can be
 * stopped at any moment, so every handler starts from storage, and updates run one at a time.
 */
import { isActive, transition, type CallEvent, type CallKind, type CallState } from '@/lib/call-state';
import type { Handle } from '@/lib/handle';
import { markAllSeen, recordOf, unseenMissed, withRecord } from '@/lib/history';
import { say, t } from '@/lib/i18n';
import type { BackgroundMessage, ServiceConfig } from '@/lib/messages';
import { parseSignalUrl } from '@/lib/signal-config';
import { newCallId } from '@/lib/wire';
import * as store from '@/lib/store';
import type { NotificationSubject, Platform } from './platform';

type Reply = { ok: true; config?: ServiceConfig | null } | { ok: false; error: string };

interface CallController {
  handle(message: BackgroundMessage): Promise<Reply>;
  onNotificationButton(subject: NotificationSubject, buttonIndex: number): Promise<void>;
  onNotificationClicked(subject: NotificationSubject): Promise<void>;
  onWindowRemoved(windowId: number): Promise<void>;
  /** Brings the offscreen document up with the current identity (browser start, install, wake), unless someone closed it. */
  start(): Promise<void>;
  /** The media host may have been closed by hand (Firefox's pinned tab): then Birdcall is offline and says why. */
  hostClosed(): Promise<void>;
}

async function attempt(what: string, action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (error) {
    console.error(`Birdcall: could not ${what}:`, error);
  }
}

export function createCallController(platform: Platform, now: () => number = Date.now): CallController {
  let queue: Promise<unknown> = Promise.resolve();
  /** Runs fn after every earlier update, so two events never read the same old state. */
  function serially<T>(fn: () => Promise<T>): Promise<T> {
    const run = queue.then(fn, fn);
    queue = run.catch(() => undefined);
    return run;
  }

  async function dispatch(event: CallEvent): Promise<{ prev: CallState; next: CallState }> {
    const prev = await store.callState.getValue();
    const next = transition(prev, event);
    if (next !== prev) {
      await store.callState.setValue(next);
      await afterChange(prev, next);
    }
    return { prev, next };
  }

  /** Side effects of a state change; one failing (say, a notification) must not stop the others. */
  async function afterChange(prev: CallState, next: CallState): Promise<void> {
    if (next.phase === 'incoming' && prev.phase !== 'incoming') {
      await attempt('show the notification', () => platform.showIncomingNotification(next.call));
    }
    if (prev.phase === 'incoming' && next.phase !== 'incoming') {
      await attempt('clear the notification', () => platform.clearIncomingNotification(prev.call.callId));
    }
    if (next.phase === 'ended' && isActive(prev)) {
      const record = recordOf(next);
      const history = withRecord(await store.callHistory.getValue(), record);
      await store.callHistory.setValue(history);
      await attempt('set the badge', () => platform.setMissedBadge(unseenMissed(history)));
      // The top row is this call, with the missed calls from the same person collapsed into it.
      const row = history[0];
      if (record.outcome === 'missed' && row?.callId === record.callId) {
        await attempt('show the missed-call notification', () => platform.showMissedNotification(row));
      }
    }
  }

  /** A call the offscreen document no longer holds (it crashed or was closed) cannot go on. */
  async function endOrphanedCall(): Promise<void> {
    const state = await store.callState.getValue();
    if (isActive(state) && !(await platform.offscreenExists())) {
      await dispatch({ type: 'end', callId: state.call.callId, reason: 'failed', at: now(), detail: t('callEngineStopped') });
    }
  }

  /** Offline because the host was closed: the popup says so with Retry, X's call buttons are disabled with it. */
  async function sayHostClosed(): Promise<void> {
    await store.signalStatus.setValue({ status: 'offline', detail: t('offlineHostClosed') });
  }

  async function serviceConfig(): Promise<ServiceConfig | null> {
    const url = (await store.signalUrlOverride.getValue()) ?? __BIRDCALL_SIGNAL_URL__;
    const parsed = parseSignalUrl(url);
    if (!parsed.ok) {
      await store.signalStatus.setValue({ status: 'error', detail: say(parsed.error) });
      return null;
    }
    return { url, claim: await store.pageHandle.getValue() };
  }

  async function configureOffscreen(): Promise<void> {
    // A host someone closed stays closed until they ask for it (Retry): no wake opens it against their will.
    if (await platform.hostWasClosed()) return;
    await platform.sendToOffscreen({ to: 'offscreen', type: 'configure', config: await serviceConfig() });
  }

  async function openCallWindow(): Promise<void> {
    const id = await platform.openCallWindow(await store.callWindowId.getValue());
    await store.callWindowId.setValue(id);
  }

  /** Ends the call locally and tells the offscreen document, which tells the other side. */
  async function endLocally(command: 'hangup' | 'decline'): Promise<Reply> {
    const state = await store.callState.getValue();
    if (!isActive(state)) return { ok: false, error: t('noCallToEnd') };
    const callId = state.call.callId;
    const reason = state.phase === 'incoming' ? 'declined' : 'hung-up';
    await dispatch({ type: 'end', callId, reason, at: now() });
    await platform.sendToOffscreen({ to: 'offscreen', type: state.phase === 'incoming' ? 'decline' : command, callId });
    return { ok: true };
  }

  async function placeCall(peer: Handle, kind: CallKind): Promise<Reply> {
    const state = await store.callState.getValue();
    if (isActive(state)) {
      await openCallWindow();
      return { ok: false, error: t('alreadyInCall') };
    }
    // The service is known to be unreachable: fail at once with why, rather than ring nobody.
    const signal = await store.signalStatus.getValue();
    if (signal.status === 'offline' || signal.status === 'error') return { ok: false, error: signal.detail ?? t('serviceUnreachable') };
    const account = await store.account.getValue();
    const self = account?.identity?.handle;
    if (!self) {
      return {
        ok: false,
        error: account?.signIn ? t('signInBeforeCalling') : t('openXPrompt'),
      };
    }
    if (self === peer) return { ok: false, error: t('cannotCallYourself') };
    const callId = newCallId();
    // With X sign-in, the service only reaches handles that X vouched for; the callee's certificate confirms it on accept.
    await dispatch({ type: 'dial', callId, peer, kind, verified: account.signIn, at: now() });
    // Calling them, from wherever, answers their missed calls' notification.
    await attempt('clear the missed-call notification', () => platform.clearMissedNotifications(peer));
    const alwaysRelay = await store.alwaysRelay.getValue();
    const dial = () =>
      platform.sendToOffscreen({ to: 'offscreen', type: 'dial', callId, peer, kind, alwaysRelay }).catch(async (error: unknown) => {
        await dispatch({ type: 'end', callId, reason: 'failed', at: now(), detail: t('technicalError', String(error)) });
      });
    if (platform.callWindowBeforeDial) {
      await openCallWindow();
      await dial();
    } else await Promise.all([dial(), openCallWindow()]);
    return { ok: true };
  }

  /** "Call back" on a missed-call notification: the same person, the way they last called. */
  async function callBack(handle: Handle): Promise<void> {
    const latest = (await store.callHistory.getValue()).find((r) => r.handle === handle && r.outcome === 'missed');
    const reply = await placeCall(handle, latest?.kind ?? 'audio');
    if (!reply.ok) console.warn('Birdcall: could not call back:', reply.error);
  }

  async function accept(): Promise<Reply> {
    const state = await store.callState.getValue();
    if (state.phase !== 'incoming') return { ok: false, error: t('noIncomingCall') };
    const callId = state.call.callId;
    await dispatch({ type: 'accept', callId });
    const alwaysRelay = await store.alwaysRelay.getValue();
    await Promise.all([platform.sendToOffscreen({ to: 'offscreen', type: 'accept', callId, alwaysRelay }), openCallWindow()]);
    return { ok: true };
  }

  async function setMedia(change: { muted: boolean } | { cameraOff: boolean }): Promise<Reply> {
    const state = await store.callState.getValue();
    if (!isActive(state)) return { ok: false, error: t('noCall') };
    const callId = state.call.callId;
    if ('muted' in change) {
      await dispatch({ type: 'set-muted', callId, muted: change.muted });
      await platform.sendToOffscreen({ to: 'offscreen', type: 'set-muted', muted: change.muted });
    } else {
      await dispatch({ type: 'set-camera-off', callId, cameraOff: change.cameraOff });
      await platform.sendToOffscreen({ to: 'offscreen', type: 'set-camera-off', cameraOff: change.cameraOff });
    }
    return { ok: true };
  }

  async function handle(message: BackgroundMessage): Promise<Reply> {
    switch (message.type) {
      case 'signed-in': {
        // What x.com shows: a claim while this device has no handle, afterwards only a notice.
        if ((await store.pageHandle.getValue()) === message.handle) return { ok: true };
        await store.pageHandle.setValue(message.handle);
        if (!(await store.account.getValue())?.identity) await configureOffscreen();
        return { ok: true };
      }
      case 'account':
        await store.account.setValue({ identity: message.identity, signIn: message.signIn });
        if (message.identity) await store.signInError.setValue(null);
        return { ok: true };
      case 'sign-in':
        await store.signInError.setValue(null);
        await platform.sendToOffscreen({ to: 'offscreen', type: 'sign-in-start', redirectUri: platform.signInRedirectUri() });
        return { ok: true };
      case 'retry-service':
        // A closed host opens again for this; until it reports, it is connecting.
        if (await platform.hostWasClosed()) await store.signalStatus.setValue({ status: 'connecting' });
        await platform.sendToOffscreen({ to: 'offscreen', type: 'reconnect' });
        return { ok: true };
      case 'sign-in-url': {
        // Not serialized with other updates: the flow waits on X, calls must not wait with it.
        void platform.launchSignIn(message.url).then(
          (redirectedTo) => platform.sendToOffscreen({ to: 'offscreen', type: 'sign-in-finish', redirectedTo }),
          (error: unknown) => store.signInError.setValue(t('signInNotFinishedBecause', error instanceof Error ? error.message : String(error))),
        );
        return { ok: true };
      }
      case 'sign-in-failed':
        await store.signInError.setValue(say(message.detail));
        return { ok: true };
      case 'signal-url-changed':
        await configureOffscreen();
        return { ok: true };
      case 'offscreen-ready':
        return { ok: true, config: await serviceConfig() };
      case 'place-call':
        return placeCall(message.handle, message.kind);
      case 'accept':
        return accept();
      case 'decline':
        return endLocally('decline');
      case 'hangup':
        return endLocally('hangup');
      case 'set-muted':
        return setMedia({ muted: message.muted });
      case 'set-camera-off':
        return setMedia({ cameraOff: message.cameraOff });
      case 'history-seen': {
        const history = markAllSeen(await store.callHistory.getValue());
        await store.callHistory.setValue(history);
        await platform.setMissedBadge(0);
        // Seen in the popup: the notifications about them have said what they had to.
        await attempt('clear the missed-call notifications', () => platform.clearMissedNotifications());
        return { ok: true };
      }
      case 'media-permission-granted':
        return { ok: true };
      case 'layout-changed': {
        // One entry per surface and path (the newest), newest first, only the latest few.
        const { surface, path, anchors } = message;
        const others = (await store.layoutIssues.getValue()).filter((issue) => issue.surface !== surface || issue.path !== path);
        await store.layoutIssues.setValue([{ surface, path, anchors, at: now() }, ...others].slice(0, store.MAX_LAYOUT_ISSUES));
        return { ok: true };
      }
      case 'permission-needed':
        await platform.openPermissionPage();
        return { ok: true };
      case 'signal-status':
        // The last word of a host closed by hand must not hide why Birdcall is offline.
        if (await platform.hostWasClosed()) return { ok: true };
        await store.signalStatus.setValue({ status: message.status, ...(message.detail ? { detail: say(message.detail) } : {}) });
        return { ok: true };
      case 'incoming': {
        const { callId, from, kind, verified } = message;
        const { next } = await dispatch({ type: 'ring', callId, peer: from, kind, verified, at: now() });
        if (next.phase !== 'incoming' || next.call.callId !== message.callId) {
          // Busy here even though the offscreen document was not: turn the caller away.
          await platform.sendToOffscreen({ to: 'offscreen', type: 'decline', callId: message.callId });
        }
        return { ok: true };
      }
      case 'remote-accepted':
        await dispatch({ type: 'remote-accepted', callId: message.callId, verified: message.verified });
        return { ok: true };
      case 'media-connected':
        await dispatch({ type: 'media-connected', callId: message.callId, at: now() });
        return { ok: true };
      case 'media-interrupted':
        await dispatch({ type: 'media-interrupted', callId: message.callId });
        return { ok: true };
      case 'ended':
        await dispatch({ type: 'end', callId: message.callId, reason: message.reason, at: now(), ...(message.detail ? { detail: say(message.detail) } : {}) });
        return { ok: true };
    }
  }

  return {
    handle: (message) => serially(() => handle(message)),

    onNotificationButton: (subject, buttonIndex) =>
      serially(async () => {
        if (subject.type === 'missed') {
          if (buttonIndex === 0) await callBack(subject.handle);
          return;
        }
        const state = await store.callState.getValue();
        if (state.phase !== 'incoming' || state.call.callId !== subject.callId) return;
        if (buttonIndex === 0) await accept();
        else await endLocally('decline');
      }),

    onNotificationClicked: (subject) =>
      serially(async () => {
        if (subject.type === 'missed') {
          await attempt('clear the missed-call notification', () => platform.clearMissedNotifications(subject.handle));
          await attempt('open the popup', () => platform.openPopup());
          return;
        }
        const state = await store.callState.getValue();
        if (state.phase === 'incoming' && state.call.callId === subject.callId) await openCallWindow();
      }),

    onWindowRemoved: (windowId) =>
      serially(async () => {
        if ((await store.callWindowId.getValue()) !== windowId) return;
        await store.callWindowId.setValue(null);
        if (isActive(await store.callState.getValue())) await endLocally('hangup');
      }),

    start: () =>
      serially(async () => {
        await endOrphanedCall();
        if (await platform.hostWasClosed()) await sayHostClosed();
        else await configureOffscreen();
        await platform.setMissedBadge(unseenMissed(await store.callHistory.getValue()));
      }),

    hostClosed: () =>
      serially(async () => {
        if (!(await platform.hostWasClosed())) return;
        await endOrphanedCall();
        await sayHostClosed();
      }),
  };
}
