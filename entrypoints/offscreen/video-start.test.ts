import { afterEach, describe, expect, it, vi } from 'vitest';
import { fullResolution, startSmall } from './video-start';

function fakeSender({ refuses = false } = {}) {
  let encodings: RTCRtpEncodingParameters[] = [{}];
  return {
    track: null as MediaStreamTrack | null,
    get scale() {
      return encodings[0]?.scaleResolutionDownBy;
    },
    getParameters: () => ({ encodings: encodings.map((encoding) => ({ ...encoding })) }) as RTCRtpSendParameters,
    setParameters: vi.fn(async (parameters: RTCRtpSendParameters) => {
      if (refuses) throw new DOMException('refused', 'InvalidModificationError');
      encodings = parameters.encodings;
    }),
  };
}
const camera = (height: number, kind = 'video') => ({ kind, getSettings: () => ({ height }) }) as unknown as MediaStreamTrack;
const asSender = (sender: ReturnType<typeof fakeSender>) => sender as unknown as RTCRtpSender;

afterEach(() => vi.restoreAllMocks());

describe('video-start', () => {
  it('scales the first frames to at most 360 lines; a smaller camera and audio are left as they are', async () => {
    for (const [track, scale] of [
      [camera(720), 2],
      [camera(1080), 3],
      [camera(360), undefined],
      [camera(720, 'audio'), undefined],
    ] as const) {
      const sender = fakeSender();
      await startSmall(asSender(sender), track);
      expect(sender.scale).toBe(scale);
    }
  });

  it("the full resolution again for the connection's video senders only", async () => {
    const video = Object.assign(fakeSender(), { track: camera(720) });
    const audio = Object.assign(fakeSender(), { track: camera(0, 'audio') });
    await startSmall(asSender(video), video.track);
    await fullResolution({ getSenders: () => [video, audio] } as unknown as RTCPeerConnection);
    expect([video.scale, audio.scale]).toEqual([1, undefined]);
    expect(audio.setParameters).not.toHaveBeenCalled();
  });

  it('a sender that refuses to be scaled sends as it is: nothing is thrown', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const sender = fakeSender({ refuses: true });
    await expect(startSmall(asSender(sender), camera(720))).resolves.toBeUndefined();
    expect(sender.scale).toBeUndefined();
    expect(warn).toHaveBeenCalledOnce();
  });
});
