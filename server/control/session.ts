/** A registered control session: one device's live control socket, its identity and its PeerJS pair. */
import type { WebSocket } from 'ws';
import { LIMITS, type Identity, type ServerMessage } from '../../lib/wire';

export interface Session {
  readonly socket: WebSocket;
  readonly deviceId: string;
  /** X mode: the X user this device is bound to, kept in step with the store. */
  xUserId: string | null;
  identity: Identity | null;
  certificate: string | null;
  /** This session's PeerJS id and token; both die with the control socket. */
  readonly peerId: string;
  readonly peerToken: string;
  /** The PeerJS relay socket opened with peerId and peerToken, if any. */
  relay: WebSocket | null;
}

/**
 * A frame the device would refuse as too large is not sent: only a forwarded media-signal can be,
 * after the service adds `peer` to a frame that was just within the limit.
 */
export function send(session: Pick<Session, 'socket'>, message: ServerMessage): void {
  const frame = JSON.stringify(message);
  if (frame.length > LIMITS.controlFrameBytes) return;
  if (session.socket.readyState === session.socket.OPEN) session.socket.send(frame);
}

/** Every registered session, found by PeerJS id or by what it is on the service. */
export class Sessions {
  private readonly byPeerId = new Map<string, Session>();

  add(session: Session): void {
    this.byPeerId.set(session.peerId, session);
  }

  remove(session: Session): void {
    this.byPeerId.delete(session.peerId);
  }

  byPeer(peerId: string): Session | undefined {
    return this.byPeerId.get(peerId);
  }

  /** The sessions that answer to a handle now (X mode: every device of that X user). */
  withHandle(handle: string): Session[] {
    return this.all().filter((s) => s.identity?.handle === handle);
  }

  all(): Session[] {
    return [...this.byPeerId.values()];
  }

  get size(): number {
    return this.byPeerId.size;
  }
}
