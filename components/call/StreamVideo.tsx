import { useEffect, useRef } from 'preact/hooks';
import { showStream } from '../browser-media';

interface Props {
  stream: MediaStream | null;
  testId: string;
  class: string;
  /** The local preview is muted so we do not hear ourselves. */
  muted?: boolean;
  hidden?: boolean;
}

/** A video element playing a stream it is handed; srcObject cannot be set from markup. */
export function StreamVideo({ stream, testId, class: className, muted = false, hidden = false }: Props) {
  const video = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    if (video.current) showStream(video.current, stream);
  }, [stream]);
  return <video ref={video} data-testid={testId} class={className} autoplay playsinline muted={muted} hidden={hidden} />;
}
