/**
 * The permission page's view model: says first when the camera or microphone is blocked (and how to
 * unblock it, noticing when that is done); else asks once for both and says how it went.
 */
import { signal, type ReadonlySignal } from '@preact/signals';
import { t } from '@/lib/i18n';
import { sendToBackground } from '../background';
import { getUserMedia, watchPermission } from '../browser-media';
import type { Scope } from '../view-model';

/**
 * checking: reading the current permission; blocked: the browser refuses without asking (only its
 * settings can change that); prompt: waiting for the button; asking: the browser's prompt is up;
 * unsure: Firefox says granted, which it also says after an Allow it did not remember, so Birdcall's
 * pinned tab may still have to ask (measured in Firefox 153).
 */
type PermissionPhase = 'checking' | 'blocked' | 'prompt' | 'asking' | 'granted' | 'unsure' | 'denied' | 'error';

interface PermissionViewModel {
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

  // What the browser says now, and whenever the person changes it in its settings.
  const known: Partial<Record<'camera' | 'microphone', PermissionState | 'unknown'>> = {};
  const review = () => {
    const { camera, microphone } = known;
    // Not both read yet, or the browser's prompt is up: its answer decides.
    if (!camera || !microphone || phase.peek() === 'asking') return;
    if (camera === 'denied' || microphone === 'denied') {
      return settle(
        'blocked',
        t(camera !== 'denied' ? 'permissionBlockedMicrophone' : microphone !== 'denied' ? 'permissionBlockedCamera' : 'permissionBlockedBoth'),
      );
    }
    if (camera === 'granted' && microphone === 'granted') {
      if (phase.peek() === 'granted') return;
      if (import.meta.env.FIREFOX) settle('unsure', t('permissionFirefoxSaysAllowed'));
      else settle('granted', t('permissionAlreadyAllowed'));
    } else if (['checking', 'blocked', 'unsure'].includes(phase.peek())) settle('prompt', null);
  };
  const watching = new AbortController();
  scope.onDispose(() => watching.abort());
  for (const name of ['camera', 'microphone'] as const) {
    watchPermission(
      name,
      (state) => {
        known[name] = state;
        review();
      },
      watching.signal,
    );
  }

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
      settle('denied', t('permissionBlocked'));
      // Refused for good (not just a dismissed prompt): say what is blocked and how to unblock it.
      return review();
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
