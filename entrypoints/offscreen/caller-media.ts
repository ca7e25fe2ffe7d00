/**
 * A caller's camera and microphone before the ring: nobody is rung by a caller who cannot be heard,
 * nor while the browser is still asking the caller for them.
 */
import type { CallKind } from '@/lib/call-state';
import { describeMediaError, type MediaDevices } from '@/lib/media-devices';

export type CallerMedia = { refused: ReturnType<typeof describeMediaError> } | { refused: null; opened: MediaStream | null };

/**
 * Devices that open without asking are opened alongside the ring, so it goes out at once (opened:
 * null); blocked ones fail at once; ones the browser may ask for (in Firefox, any not blocked:
 * visible-prompt.ts) are opened now, and the call goes on with them (opened).
 */
export async function openBeforeRing(devices: MediaDevices, kind: CallKind): Promise<CallerMedia> {
  const permission = await devices.permission(kind);
  if (permission === 'granted') return { refused: null, opened: null };
  if (permission === 'denied') return { refused: { permission: true, detail: { key: 'mediaNotAllowed' } } };
  try {
    return { refused: null, opened: await devices.open(kind) };
  } catch (error) {
    return { refused: describeMediaError(error) };
  }
}
