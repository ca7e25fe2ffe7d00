/**
 * One control socket, from challenge to close: registration first (one hello per socket), then
 * ringing and sign-in frames. Frames are handled one at a time, in order.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { WebSocket } from 'ws';
import { parseClientMessage, type ClientMessage } from '../../lib/wire';
import type { XConfig } from '../config';
import type { ServiceKey } from '../identity/service-key';
import { CLOSE } from '../limits/close-codes';
import { onTextFrames } from '../limits/text-frames';
import { CONTROL_RATE } from '../limits/token-bucket';
import type { Metrics } from '../metrics';
import { randomToken } from '../random';
import type { Calls } from '../ringing/calls';
import type { Tickets } from '../sign-in/tickets';
import type { Store } from '../store/store';
import type { IceRenewals } from '../turn/renewal';
import { register } from './registration';
import { send, type Session, type Sessions } from './session';
import { finishSignIn, startSignIn } from './sign-in-frames';

export interface ControlDeps {
  x: XConfig | null;
  store: Store;
  serviceKey: ServiceKey;
  sessions: Sessions;
  calls: Calls;
  tickets: Tickets;
  metrics: Metrics;
  /** TURN credentials for registered sessions, and their renewal. */
  ice: IceRenewals;
  log: FastifyBaseLogger;
  now: () => number;
  helloTimeoutMs: number;
  publicUrl: () => string;
}

export function acceptControlSocket(ws: WebSocket, deps: ControlDeps): void {
  const nonce = randomToken();
  let helloSeen = false;
  let session: Session | null = null;
  let closed = false;
  let queue = Promise.resolve();

  const refuseRegistration = (detail: string) => {
    deps.metrics.refusedRegistrations.inc();
    send({ socket: ws }, { v: 1, type: 'refused', reason: 'bad-signature', detail });
    ws.close(CLOSE.policyViolation, 'bad-signature');
  };
  const helloTimer = setTimeout(() => refuseRegistration('No hello in time'), deps.helloTimeoutMs);

  const handleFrame = async (text: string) => {
    if (closed) return;
    const parsed = parseClientMessage(text);
    if (!parsed.ok) {
      send({ socket: ws }, { v: 1, type: 'refused', reason: 'bad-frame', detail: parsed.error });
      return ws.close(CLOSE.policyViolation, 'bad-frame');
    }
    const message = parsed.message;
    if (!helloSeen) {
      clearTimeout(helloTimer);
      helloSeen = true;
      if (message.type !== 'hello') return refuseRegistration('The first frame must be hello');
      session = await register(ws, nonce, message, deps);
      if (!session) return refuseRegistration('Bad signature');
      if (closed) endSession(session, deps);
      return;
    }
    if (!session) return;
    if (message.type === 'hello') {
      send(session, { v: 1, type: 'refused', reason: 'bad-frame', detail: 'One hello per socket' });
      return ws.close(CLOSE.policyViolation, 'bad-frame');
    }
    await dispatch(session, message, deps);
  };

  onTextFrames(ws, {
    rate: CONTROL_RATE,
    log: deps.log,
    handle: (text) => {
      queue = queue
        .then(() => handleFrame(text))
        .catch((error) => {
          deps.log.error({ err: error }, 'control frame failed');
          ws.close(CLOSE.internalError, 'internal error');
        });
    },
    onTooMany: () => send({ socket: ws }, { v: 1, type: 'refused', reason: 'too-many', detail: 'Too many frames' }),
  });
  ws.on('close', () => {
    closed = true;
    clearTimeout(helloTimer);
    if (session) endSession(session, deps);
  });
  send({ socket: ws }, { v: 1, type: 'challenge', nonce, signIn: deps.x !== null });
}

async function dispatch(session: Session, message: Exclude<ClientMessage, { type: 'hello' }>, deps: ControlDeps): Promise<void> {
  switch (message.type) {
    case 'ping':
      return send(session, { v: 1, type: 'pong' });
    case 'sign-in-start':
      return startSignIn(session, message.redirectUri, deps);
    case 'sign-in-finish':
      return finishSignIn(session, message.ticket, message.result, deps);
    case 'ring':
      return deps.calls.ring(session, message.callId, message.to, message.kind);
    case 'accept':
      return deps.calls.accept(session, message.callId);
    case 'decline':
      return deps.calls.decline(session, message.callId);
    case 'busy':
      return deps.calls.busy(session, message.callId);
    case 'cancel':
      return deps.calls.cancel(session, message.callId);
    case 'hangup':
      return deps.calls.hangup(session, message.callId, message.reason);
    case 'media-signal':
      return deps.calls.mediaSignal(session, message);
  }
}

/** The session is over: its calls end, its PeerJS id and token stop working, its relay closes. */
function endSession(session: Session, deps: ControlDeps): void {
  deps.sessions.remove(session);
  deps.ice.stop(session);
  deps.calls.sessionClosed(session);
  session.relay?.close(CLOSE.goingAway, 'session ended');
  session.relay = null;
}
