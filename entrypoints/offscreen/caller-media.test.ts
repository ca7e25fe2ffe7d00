import { describe, expect, it, vi } from 'vitest';
import type { CallMediaPermission, MediaDevices } from '@/lib/media-devices';
import { openBeforeRing } from './caller-media';

const stream = {} as MediaStream;

function devicesSaying(permission: CallMediaPermission, open: () => Promise<MediaStream> = async () => stream) {
  return { permission: vi.fn(async () => permission), open: vi.fn(open) } as unknown as MediaDevices;
}

describe("a caller's camera and microphone before the ring", () => {
  it('granted (as Chromium says it): the ring goes out at once, the devices open alongside it', async () => {
    const devices = devicesSaying('granted');
    expect(await openBeforeRing(devices, 'video')).toEqual({ refused: null, opened: null });
    expect(devices.open).not.toHaveBeenCalled();
  });

  it('the browser may ask: they open first, and the call goes on with what opened', async () => {
    const devices = devicesSaying('ask');
    expect(await openBeforeRing(devices, 'audio')).toEqual({ refused: null, opened: stream });
    expect(devices.open).toHaveBeenCalledWith('audio');
  });

  it('blocked: refused at once, saying the permission is missing', async () => {
    const devices = devicesSaying('denied');
    expect(await openBeforeRing(devices, 'video')).toEqual({ refused: { permission: true, detail: { key: 'mediaNotAllowed' } } });
    expect(devices.open).not.toHaveBeenCalled();
  });

  it('asked and refused, or no device: refused with what went wrong', async () => {
    const refusedByPerson = devicesSaying('ask', async () => Promise.reject(new DOMException('no', 'NotAllowedError')));
    expect(await openBeforeRing(refusedByPerson, 'video')).toEqual({ refused: { permission: true, detail: { key: 'mediaNotAllowed' } } });
    const noCamera = devicesSaying('ask', async () => Promise.reject(new DOMException('none', 'NotFoundError')));
    expect(await openBeforeRing(noCamera, 'video')).toEqual({ refused: { permission: false, detail: { key: 'mediaNotFound' } } });
  });
});
