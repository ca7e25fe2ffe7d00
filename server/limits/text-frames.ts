/**
 * The gate every incoming frame passes on any socket: text only, within the socket's message rate.
 * (Frame size is capped earlier by ws's maxPayload, which closes with 1009.)
 */
import type { WebSocket } from 'ws';
import { CLOSE } from './close-codes';
import { TokenBucket } from './token-bucket';

export function onTextFrames(
  ws: WebSocket,
  rate: { perSecond: number; burst: number },
  handle: (text: string) => void,
  onTooMany: () => void = () => {},
): void {
  const bucket = new TokenBucket(rate.perSecond, rate.burst);
  ws.on('message', (data, isBinary) => {
    if (ws.readyState !== ws.OPEN) return;
    if (isBinary) return ws.close(CLOSE.unsupportedData, 'binary frames are not accepted');
    if (!bucket.take()) {
      onTooMany();
      return ws.close(CLOSE.policyViolation, 'too-many');
    }
    handle(data.toString());
  });
}
