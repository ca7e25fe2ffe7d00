/** The permission page's view model: asks once for camera and microphone and says how it went. */
import { signal, type ReadonlySignal } from '@preact/signals';
import { t } from '@/lib/i18n';
import { sendToBackground } from '../background';
import { getUserMedia, permissionState } from '../browser-media';
import type { Scope } from '../view-model';

/** checking: reading the current permission; prompt: waiting for the button; asking: the browser's prompt is up. */
export type PermissionPhase = 'checking' | 'prompt' | 'asking' | 'granted' | 'denied' | 'error';

export interface PermissionViewModel {
  readonly phase: ReadonlySignal<PermissionPhase>;
  readonly message: ReadonlySignal<string | null>;
  allow(): Promise<void>;
}

/** A DOMException's name, or '' for anything else that was thrown. */
const errorName = (error: unknown) => (error instanceof Error ? error.name : '');

const DENIED_ERRORS = ['NotAllowedError', 'SecurityError', 'PermissionDeniedError'];

export function createPermissionViewModel(scope: Scope): PermissionViewModel {
  const phase = signal<PermissionPhase>('checking');
  const message = signal<string | null>(null);
  const settle = (next: PermissionPhase, words: string | null) => {
    if (scope.isDisposed) return;
    phase.value = next;
    message.value = words;
  };

  void Promise.all([permissionState('camera'), permissionState('microphone')]).then(([camera, microphone]) => {
    // The button may have been pressed while we were reading.
    if (phase.peek() !== 'checking') return;
    if (camera === 'granted' && microphone === 'granted') settle('granted', t('permissionAlreadyAllowed'));
    else settle('prompt', null);
  });

  /** Opens and at once stops the devices: we only want the browser to remember the answer. */
  const tryDevices = async (constraints: MediaStreamConstraints) => {
    const stream = await getUserMedia(constraints);
    for (const track of stream.getTracks()) track.stop();
  };

  const granted = async (words: string) => {
    settle('granted', words);
    const reply = await sendToBackground({ to: 'background', type: 'media-permission-granted' });
    if (!reply.ok) settle('granted', t('permissionNotHeard', words, reply.error));
  };

  const failed = (error: unknown) => {
    if (DENIED_ERRORS.includes(errorName(error))) {
      return settle('denied', t('permissionBlocked'));
    }
    if (errorName(error) === 'NotReadableError') {
      return settle('error', t('permissionInUse'));
    }
    settle('error', t('permissionFailed', error instanceof Error ? error.message : String(error)));
  };

  return {
    phase,
    message,
    async allow() {
      settle('asking', null);
      try {
        await tryDevices({ audio: true, video: true });
        return granted(t('permissionAllowed'));
      } catch (error) {
        if (errorName(error) !== 'NotFoundError') return failed(error);
      }
      // No camera, or no microphone: a microphone alone is enough for voice calls.
      try {
        await tryDevices({ audio: true });
        return granted(t('permissionMicOnly'));
      } catch (error) {
        if (errorName(error) === 'NotFoundError') return settle('error', t('permissionNoMic'));
        return failed(error);
      }
    },
  };
}
