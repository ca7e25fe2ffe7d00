/**
 * The call window's view model: the stored call state, its streams, a running clock, what the
 * window is titled and announces, the hang-up question, and the call's actions (keys included).
 */
import { computed, signal, type ReadonlySignal } from '@preact/signals';
import { isActive, type CallState } from '@/lib/call-state';
import type { CallMedia } from '@/lib/media-bridge';
import type { UiRequest } from '@/lib/messages';
import { callState } from '@/lib/store';
import { sendToBackground } from '../background';
import { formatClock } from '../format';
import { storedSignal } from '../stored';
import type { Scope } from '../view-model';
import { callHeadline, callTitle } from '../words';
import { offscreenMedia } from './offscreen-media';

export interface CallViewModel {
  /** Undefined until storage has answered. */
  readonly state: ReadonlySignal<CallState | undefined>;
  readonly media: ReadonlySignal<CallMedia>;
  /** "mm:ss" since connecting while connected, the call's length once ended, else null. */
  readonly clock: ReadonlySignal<string | null>;
  /** The background's answer when it refused a button. */
  readonly error: ReadonlySignal<string | null>;
  /** The window's title: who, how the call stands, and the clock. */
  readonly title: ReadonlySignal<string>;
  /**
   * What the live region says: empty at first and filled a moment after, so a screen reader
   * hears even the first state (a region filled before it is in the page is never announced).
   */
  readonly announcement: ReadonlySignal<string>;
  /** Esc during a call asks before hanging up; true while that question is on screen. */
  readonly confirmingHangUp: ReadonlySignal<boolean>;
  /**
   * What the person is looking at: the phase of which call, or the hang-up question. Focus goes
   * to the screen's safe default control whenever it changes.
   */
  readonly screen: ReadonlySignal<string>;
  /** The ended screen offers to call the same person again, unless that cannot help. */
  readonly canCallAgain: ReadonlySignal<boolean>;
  accept(): void;
  decline(): void;
  hangUp(): void;
  toggleMute(): void;
  toggleCamera(): void;
  /** Esc: declines a ringing call, asks before hanging up (or takes the question back), closes an ended window. */
  escape(): void;
  /** Takes the hang-up question back. */
  stayInCall(): void;
  callAgain(): void;
  close(): void;
}

const TICK_MS = 1000;
/** Long enough for a screen reader to have registered the empty live region. */
export const ANNOUNCE_DELAY_MS = 150;

export function createCallViewModel(scope: Scope): CallViewModel {
  const state = storedSignal(scope, callState);
  const media = offscreenMedia(scope, state);
  const error = signal<string | null>(null);

  const now = signal(Date.now());
  const connectedAt = computed(() => (state.value?.phase === 'connected' || state.value?.phase === 'reconnecting' ? state.value.connectedAt : null));
  // Tick only while connected: nothing else on screen changes with time.
  scope.effect(() => {
    if (connectedAt.value === null) return;
    now.value = Date.now();
    const ticker = setInterval(() => (now.value = Date.now()), TICK_MS);
    return () => clearInterval(ticker);
  });

  const clock = computed(() => {
    const current = state.value;
    if (current?.phase === 'connected' || current?.phase === 'reconnecting') return formatClock(now.value - current.connectedAt);
    if (current?.phase === 'ended' && current.connectedAt !== undefined) return formatClock(current.endedAt - current.connectedAt);
    return null;
  });

  const send = (request: UiRequest) => {
    void sendToBackground(request).then((reply) => {
      if (!scope.isDisposed) error.value = reply.ok ? null : reply.error;
    });
  };
  /** The call that buttons act on; a click that raced the call ending does nothing. */
  const activeCall = () => {
    const current = state.value;
    return current && isActive(current) ? current.call : null;
  };

  const title = computed(() => (state.value ? callTitle(state.value, clock.value) : ''));
  scope.effect(() => {
    if (title.value) document.title = title.value;
  });

  const headline = computed(() => (state.value ? callHeadline(state.value) : ''));
  const announcement = signal('');
  scope.effect(() => {
    const words = headline.value;
    const timer = setTimeout(() => (announcement.value = words), ANNOUNCE_DELAY_MS);
    return () => clearTimeout(timer);
  });

  /** The call the hang-up question is about: a question about a call that has ended is gone with it. */
  const askedAbout = signal<string | null>(null);
  const confirmingHangUp = computed(() => askedAbout.value !== null && activeCall()?.callId === askedAbout.value);

  const screen = computed(() => {
    const current = state.value;
    if (!current) return 'loading';
    if (current.phase === 'idle') return 'idle';
    return `${current.phase}:${current.call.callId}${confirmingHangUp.value ? ':confirm-hang-up' : ''}`;
  });

  const canCallAgain = computed(() => {
    const current = state.value;
    // Calling again cannot help while the service turns calls away, or while they talk on another device.
    return current?.phase === 'ended' && current.reason !== 'rate-limited' && current.reason !== 'answered-elsewhere';
  });

  const hangUp = () => {
    askedAbout.value = null;
    send({ to: 'background', type: 'hangup' });
  };
  const decline = () => send({ to: 'background', type: 'decline' });
  const close = () => window.close();

  function escape() {
    const current = state.value;
    if (!current) return;
    if (current.phase === 'incoming') decline();
    else if (!isActive(current)) close();
    else if (confirmingHangUp.value) askedAbout.value = null;
    else askedAbout.value = current.call.callId;
  }

  const onKeyDown = (event: KeyboardEvent) => {
    // A held key acts once: a repeat must not press whatever button took focus after the first press.
    if (event.repeat && (event.key === 'Enter' || event.key === ' ' || event.key === 'Escape')) {
      event.preventDefault();
      return;
    }
    if (event.key === 'Escape' && !event.defaultPrevented) {
      event.preventDefault();
      escape();
    }
  };
  window.addEventListener('keydown', onKeyDown);
  scope.onDispose(() => window.removeEventListener('keydown', onKeyDown));

  return {
    state,
    media,
    clock,
    error,
    title,
    announcement,
    confirmingHangUp,
    screen,
    canCallAgain,
    accept: () => send({ to: 'background', type: 'accept' }),
    decline,
    hangUp,
    toggleMute() {
      const call = activeCall();
      if (call) send({ to: 'background', type: 'set-muted', muted: !call.muted });
    },
    toggleCamera() {
      const call = activeCall();
      if (call?.kind === 'video') send({ to: 'background', type: 'set-camera-off', cameraOff: !call.cameraOff });
    },
    escape,
    stayInCall: () => (askedAbout.value = null),
    callAgain() {
      const current = state.value;
      if (current?.phase === 'ended') send({ to: 'background', type: 'place-call', handle: current.call.peer, kind: current.call.kind });
    },
    close,
  };
}
