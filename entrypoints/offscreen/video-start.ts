/**
 * A call's video starts small. A new connection's bandwidth estimate starts low (about 300 kbps),
 * and for a 720p camera Chromium's encoder then drops the first frames and asks for smaller ones
 * before it sends anything: measured between two Chromium browsers, the first frame arrived 330-460 ms
 * after the camera was attached, against 80-115 ms when the first frames are at most 360 lines. So
 * the first frames are that small, and the camera's full resolution follows once the estimate had
 * time to grow (the encoder then adapts as usual).
 */

/** The height of the first frames: what a start bitrate carries without dropping. */
const START_LINES = 360;
/** When the camera's full resolution is sent, counted from the first frames. */
export const FULL_RESOLUTION_AFTER_MS = 2_000;

/** Before `track` goes out on `sender`: its first frames at most START_LINES high. */
export async function startSmall(sender: RTCRtpSender, track: MediaStreamTrack): Promise<void> {
  const height = track.getSettings().height ?? 0;
  if (track.kind === 'video' && height > START_LINES) await scaleDownBy(sender, height / START_LINES);
}

/** The video senders of `pc` at the camera's own resolution again. */
export async function fullResolution(pc: RTCPeerConnection): Promise<void> {
  for (const sender of pc.getSenders()) if (sender.track?.kind === 'video') await scaleDownBy(sender, 1);
}

/** Never refuses: a sender that cannot be scaled sends as it is. */
async function scaleDownBy(sender: RTCRtpSender, factor: number): Promise<void> {
  try {
    const parameters = sender.getParameters();
    if (!parameters.encodings?.length || parameters.encodings.every((encoding) => (encoding.scaleResolutionDownBy ?? 1) === factor)) return;
    for (const encoding of parameters.encodings) encoding.scaleResolutionDownBy = factor;
    await sender.setParameters(parameters);
  } catch (error) {
    console.warn('Birdcall: could not scale the video sent:', error);
  }
}
