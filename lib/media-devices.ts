/**
 * Every browser media global Birdcall touches in the offscreen document, behind one small module
 * (tests and benchmarks can replace it): camera and microphone, the audio output for tones, and
 * RTCPeerConnection.
 */
import type { CallKind } from './call-state';
import type { Phrase } from './i18n';

export interface MediaDevices {
  /** Camera and/or microphone for a call; rejects with a DOMException (NotAllowedError, NotFoundError...). */
  open(kind: CallKind): Promise<MediaStream>;
  /** What open() would do: open without asking (granted), refuse without asking (denied), or maybe ask (ask). */
  permission(kind: CallKind): Promise<CallMediaPermission>;
  createAudioContext(): AudioContext;
  /** A connection Birdcall makes itself (the relay pre-connection); PeerJS makes its own. */
  createPeerConnection(config: RTCConfiguration): RTCPeerConnection;
}

export const browserMediaDevices: MediaDevices = {
  open: (kind) =>
    navigator.mediaDevices.getUserMedia({
      audio: { echoCancellation: true, noiseSuppression: true },
      video: kind === 'video' ? { width: { ideal: 1280 }, height: { ideal: 720 } } : false,
    }),
  permission: (kind) => callMediaPermission(kind),
  createAudioContext: () => new AudioContext(),
  createPeerConnection: (config) => new RTCPeerConnection(config),
};

export type DeviceName = 'camera' | 'microphone';
/**
 * This document's PermissionStatus for a device, asked of the browser once: it keeps its state
 * current, so later reads take no trip to the browser (a dial's ring goes out in the task that
 * asked, before the call window loading in the same process can take the thread). Null where the
 * browser cannot say (the query throws for names it does not know).
 */
const permissionStatuses = new Map<DeviceName, Promise<PermissionStatus | null>>();
export function permissionStatus(name: DeviceName): Promise<PermissionStatus | null> {
  let status = permissionStatuses.get(name);
  if (!status) {
    status = navigator.permissions.query({ name: name as PermissionName }).catch(() => null);
    permissionStatuses.set(name, status);
  }
  return status;
}
const queryPermission = async (name: DeviceName): Promise<PermissionState | 'unknown'> => (await permissionStatus(name))?.state ?? 'unknown';

export type CallMediaPermission = 'granted' | 'denied' | 'ask';

/**
 * Whether this document may use what a call of `kind` needs (the microphone, and the camera for a
 * video call) without asking: granted; denied (blocked: only the browser's settings change that);
 * or ask (it would have to ask first, or the browser cannot say).
 */
export async function callMediaPermission(kind: CallKind, query = queryPermission): Promise<CallMediaPermission> {
  const states = await Promise.all((kind === 'video' ? (['microphone', 'camera'] as const) : (['microphone'] as const)).map((name) => query(name)));
  if (states.includes('denied')) return 'denied';
  return states.every((state) => state === 'granted') ? 'granted' : 'ask';
}

/** Says what went wrong with camera/microphone in words a person can act on. */
export function describeMediaError(error: unknown): { permission: boolean; detail: Phrase } {
  const name = error instanceof Error || (typeof error === 'object' && error !== null && 'name' in error) ? String((error as { name: unknown }).name) : '';
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return { permission: true, detail: { key: 'mediaNotAllowed' } };
    case 'NotFoundError':
    case 'OverconstrainedError':
      return { permission: false, detail: { key: 'mediaNotFound' } };
    case 'NotReadableError':
    case 'AbortError':
      return { permission: false, detail: { key: 'mediaInUse' } };
    default:
      return { permission: false, detail: { key: 'mediaFailed', args: [String(error)] } };
  }
}
