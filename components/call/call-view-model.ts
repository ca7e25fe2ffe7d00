/** The call window's view model: the stored call state, its streams, a running clock and the call's actions. */
import { computed, signal, type ReadonlySignal } from '@preact/signals';
import { isActive, type CallState } from '@/lib/call-state';
import type { CallMedia } from '@/lib/media-bridge';
import type { UiRequest } from '@/lib/messages';
import { callState } from '@/lib/store';
import { sendToBackground } from '../background';
import { formatClock } from '../format';
import { storedSignal } from '../stored';
import type { Scope } from '../view-model';
import { offscreenMedia } from './offscreen-media';

export interface CallViewModel {
  /** Undefined until storage has answered. */
  readonly state: ReadonlySignal<CallState | undefined>;
  readonly media: ReadonlySignal<CallMedia>;
  /** "mm:ss" since connecting while connected, the call's length once ended, else null. */
  readonly clock: ReadonlySignal<string | null>;
  /** The background's answer when it refused a button. */
  readonly error: ReadonlySignal<string | null>;
  accept(): void;
  decline(): void;
  hangUp(): void;
  toggleMute(): void;
  toggleCamera(): void;
  close(): void;
}

const TICK_MS = 1000;

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

  return {
    state,
    media,
    clock,
    error,
    accept: () => send({ to: 'background', type: 'accept' }),
    decline: () => send({ to: 'background', type: 'decline' }),
    hangUp: () => send({ to: 'background', type: 'hangup' }),
    toggleMute() {
      const call = activeCall();
      if (call) send({ to: 'background', type: 'set-muted', muted: !call.muted });
    },
    toggleCamera() {
      const call = activeCall();
      if (call?.kind === 'video') send({ to: 'background', type: 'set-camera-off', cameraOff: !call.cameraOff });
    },
    close: () => window.close(),
  };
}
