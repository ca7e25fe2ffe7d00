/**
 * The gate every incoming frame passes on any socket: text only, within the socket's message rate.
 * (Frame size is capped earlier by ws's maxPayload, which closes with 1009.) A handler that throws
 * closes only that socket: no input may take the service down.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { WebSocket } from 'ws';
import { CLOSE } from './close-codes';
import { TokenBucket } from './token-bucket';

interface TextFrameOptions {
  rate: { perSecond: number; burst: number };
  log: FastifyBaseLogger;
  handle: (text: string) => void;
  /** Said to the socket just before it is closed for going over its rate. */
  onTooMany?: () => void;
}

export function onTextFrames(ws: WebSocket, { rate, log, handle, onTooMany }: TextFrameOptions): void {
  const bucket = new TokenBucket(rate.perSecond, rate.burst);
  ws.on('message', (data, isBinary) => {
    if (ws.readyState !== ws.OPEN) return;
    if (isBinary) return ws.close(CLOSE.unsupportedData, 'binary frames are not accepted');
    if (!bucket.take()) {
      onTooMany?.();
      return ws.close(CLOSE.policyViolation, 'too-many');
    }
    try {
      handle(data.toString());
    } catch (error) {
      log.error({ err: error }, 'frame handler failed');
      ws.close(CLOSE.internalError, 'internal error');
    }
  });
}
