/**
 * The PeerJS signaling relay (PeerJS client 1.5.x protocol), with the privacy rule: a frame goes
 * from one session's peer id to another's only once a call between the two has been accepted.
 * Before that nothing (no SDP, no ICE candidate, no address) reaches the other side.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import { parseRelayFrame } from '../../lib/wire';
import type { Session, Sessions } from '../control/session';
import { CLOSE } from '../limits/close-codes';
import { onTextFrames } from '../limits/text-frames';
import { RELAY_RATE } from '../limits/token-bucket';
import { sameSecret } from '../random';
import type { Calls } from '../ringing/calls';

interface RelayDeps {
  sessions: Sessions;
  calls: Calls;
  log: FastifyBaseLogger;
}

export function acceptRelaySocket(ws: WebSocket, request: IncomingMessage, deps: RelayDeps): void {
  const session = sessionFor(request, deps.sessions);
  if (!session) {
    // PeerJS aborts on ERROR with 'server-error' and this message; a refused upgrade would look like a network fault.
    ws.send(JSON.stringify({ type: 'ERROR', payload: { msg: 'Unknown or expired Birdcall session' } }));
    ws.close(CLOSE.policyViolation, 'unknown session');
    return;
  }
  // Same id and token again: PeerJS reconnecting. The newest socket wins.
  session.relay?.close(CLOSE.normal, 'replaced');
  session.relay = ws;
  ws.on('close', () => {
    if (session.relay === ws) session.relay = null;
  });
  onTextFrames(ws, { rate: RELAY_RATE, log: deps.log, handle: (text) => forward(session, text, ws, deps.calls) });
  ws.send(JSON.stringify({ type: 'OPEN' }));
}

function sessionFor(request: IncomingMessage, sessions: Sessions): Session | null {
  const query = new URL(request.url ?? '/', 'http://service').searchParams;
  const session = sessions.byPeer(query.get('id') ?? '');
  return session && sameSecret(session.peerToken, query.get('token') ?? '') ? session : null;
}

function forward(from: Session, text: string, ws: WebSocket, calls: Calls): void {
  const parsed = parseRelayFrame(text);
  if (!parsed.ok) return ws.close(CLOSE.policyViolation, 'bad-frame');
  const frame = parsed.message;
  if (frame.type === 'HEARTBEAT') return;
  const peer = calls.peerOf(from);
  if (!peer || peer.peerId !== frame.dst) return;
  if (!peer.relay || peer.relay.readyState !== peer.relay.OPEN) {
    ws.send(JSON.stringify({ type: 'EXPIRE', src: frame.dst, dst: from.peerId }));
    return;
  }
  // src is always the sender's own session id, whatever the frame said.
  peer.relay.send(JSON.stringify({ type: frame.type, src: from.peerId, dst: frame.dst, payload: frame.payload }));
}
