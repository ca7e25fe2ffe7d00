/**
 * TURN credentials per session: issued with `registered`, renewed by an `ice-servers` frame at
 * RENEW_AT of their lifetime, one timer per session, stopped when the session ends.
 */
import type { IceServer } from '../../lib/wire';
import type { TurnConfig } from '../config';
import { send, type Session } from '../control/session';
import { iceServersFor, renewalDelayMs } from './credentials';

export class IceRenewals {
  private readonly timers = new Map<Session, NodeJS.Timeout>();

  constructor(
    private readonly turn: TurnConfig | null,
    /** The service's clock: expiries are computed from it. */
    private readonly now: () => number,
  ) {}

  /**
   * Fresh ICE servers for a session: only a signed-in device (one with a handle) gets TURN
   * credentials, so a key pair alone does not make the relay anyone's. [] without TURN.
   */
  iceServers(session: Session): IceServer[] {
    return session.identity ? iceServersFor(this.turn, session.deviceId, this.now()) : [];
  }

  /** (Re)starts the session's renewal timer; call it whenever the session was sent fresh credentials. */
  schedule(session: Session): void {
    const turn = this.turn;
    this.stop(session);
    if (!turn || !session.identity) return;
    const timer = setTimeout(() => {
      this.timers.delete(session);
      if (session.socket.readyState !== session.socket.OPEN) return;
      send(session, { v: 1, type: 'ice-servers', iceServers: this.iceServers(session) });
      this.schedule(session);
    }, renewalDelayMs(turn));
    timer.unref();
    this.timers.set(session, timer);
  }

  stop(session: Session): void {
    clearTimeout(this.timers.get(session));
    this.timers.delete(session);
  }

  /** Timers running now (one per session with TURN). */
  get size(): number {
    return this.timers.size;
  }

  close(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}
