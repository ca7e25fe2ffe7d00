/**
 * Ringing: who is calling whom, on which devices, and when the two PeerJS ids may talk.
 * A device takes part in at most one call at a time (as caller, ringing callee or answerer).
 * Frames about a call a device is not part of are ignored without a reply, to reveal nothing.
 *
 * An accepted call outlives a lost control socket for a grace period: when the same device (same
 * key, so same deviceId) registers again in time, the call moves to its new session; otherwise the
 * other side gets `ended remote-hung-up`, as on a hangup.
 */
import { isRelayOnlySignal, type CallKind, type ClientMessage, type EndedReason, type ServerMessage } from '../../lib/wire';
import { send, type Session, type Sessions } from '../control/session';
import type { Metrics } from '../metrics';
import { RingRateLimiter } from './rate-limits';

interface RingTimeouts {
  /** No answer after this long: everyone gets `ended no-answer`. */
  ringMs: number;
  /** Offline, unknown and self-calls all answer `unavailable` after this fixed delay, so they look alike. */
  unavailableDelayMs: number;
  /** A participant of an accepted call whose control socket was lost has this long to register again. */
  reconnectGraceMs: number;
}

type MediaSignal = Extract<ClientMessage, { type: 'media-signal' }>;

interface Call {
  id: string;
  /** Caller and answerer are rebound to a new session when their device comes back within grace. */
  caller: Session;
  kind: CallKind;
  /** Callee devices still ringing. */
  ringing: Set<Session>;
  answeredBy: Session | null;
  timer: NodeJS.Timeout | null;
}

/** A participant of an accepted call whose control socket was lost, until it registers again or grace ends. */
interface Away {
  call: Call;
  /** The lost session, still the call's caller or answeredBy until the device comes back. */
  session: Session;
  /** The call ended meanwhile: nothing to rebind (lastEnded tells the device when it registers again). */
  ended: boolean;
  timer: NodeJS.Timeout;
}

export class Calls {
  private readonly calls = new Map<string, Call>();
  private readonly callOf = new Map<Session, Call>();
  /** Rings that will be answered `unavailable` once the fixed delay has passed. */
  private readonly doomed = new Map<string, { caller: Session; timer: NodeJS.Timeout }>();
  /** Participants of accepted calls waiting for their device to register again, by deviceId. */
  private readonly away = new Map<string, Away>();
  /**
   * The `ended` last sent to the other party of an accepted call, by deviceId, for reconnectGraceMs.
   * A device may have given up that socket before the frame arrived (its check of the socket timed
   * out) while the service had not yet seen it close: it is told again on its next socket, or it
   * would wait out its reconnect deadline in a call that is over.
   */
  private readonly lastEnded = new Map<string, { callId: string; reason: EndedReason; timer: NodeJS.Timeout }>();
  readonly limiter: RingRateLimiter;

  constructor(
    private readonly sessions: Sessions,
    private readonly metrics: Metrics,
    private readonly timeouts: RingTimeouts,
    now: () => number,
  ) {
    this.limiter = new RingRateLimiter(now);
  }

  ring(caller: Session, callId: string, to: string, kind: CallKind): void {
    if (!caller.identity || !caller.certificate) {
      send(caller, { v: 1, type: 'refused', reason: 'sign-in-failed', detail: 'Sign in before calling' });
      return;
    }
    if (this.calls.has(callId) || this.doomed.has(callId)) return;
    if (!this.limiter.allow(caller.identity.handle, to)) {
      this.metrics.rateLimitedRings.inc();
      this.end(caller, callId, 'rate-limited');
      return;
    }
    this.metrics.rings.inc();
    if (this.callOf.has(caller)) return this.end(caller, callId, 'busy');
    const callees = to === caller.identity.handle ? [] : this.sessions.withHandle(to).filter((s) => s.certificate);
    if (callees.length === 0) return this.answerUnavailableLater(caller, callId);
    if (callees.some((s) => this.callOf.has(s))) return this.end(caller, callId, 'busy');

    const call: Call = { id: callId, caller, kind, ringing: new Set(callees), answeredBy: null, timer: null };
    call.timer = setTimeout(() => this.finish(call, 'no-answer', 'no-answer'), this.timeouts.ringMs);
    this.calls.set(callId, call);
    this.callOf.set(caller, call);
    for (const callee of callees) {
      this.callOf.set(callee, call);
      send(callee, { v: 1, type: 'incoming', callId, from: caller.identity, certificate: caller.certificate, kind });
    }
  }

  accept(device: Session, callId: string): void {
    const call = this.ringingFor(device, callId);
    if (!call || !device.identity || !device.certificate || !call.caller.identity || !call.caller.certificate) return;
    this.stopTimer(call);
    call.ringing.delete(device);
    call.answeredBy = device;
    this.limiter.answered(call.caller.identity.handle, device.identity.handle);
    this.dropRinging(call, 'answered-elsewhere');
    send(call.caller, { v: 1, type: 'connect', callId, peerId: device.peerId, remote: device.identity, certificate: device.certificate });
    send(device, { v: 1, type: 'connect', callId, peerId: call.caller.peerId, remote: call.caller.identity, certificate: call.caller.certificate });
  }

  decline(device: Session, callId: string): void {
    const call = this.ringingFor(device, callId);
    if (!call) return;
    call.ringing.delete(device);
    this.callOf.delete(device);
    this.finish(call, 'declined', 'declined-elsewhere');
  }

  /** A callee device says it is busy: it drops out; the call is busy once no device rings. */
  busy(device: Session, callId: string): void {
    const call = this.ringingFor(device, callId);
    if (!call) return;
    call.ringing.delete(device);
    this.callOf.delete(device);
    if (call.ringing.size === 0) this.finish(call, 'busy', 'busy');
  }

  cancel(caller: Session, callId: string): void {
    const doomed = this.doomed.get(callId);
    if (doomed?.caller === caller) {
      clearTimeout(doomed.timer);
      this.doomed.delete(callId);
      return;
    }
    const call = this.calls.get(callId);
    if (call?.caller === caller && !call.answeredBy) this.finish(call, null, 'cancelled');
  }

  /** `reason` media-unavailable: the device could not open its camera or microphone, and the other side hears so. */
  hangup(device: Session, callId: string, reason?: 'media-unavailable'): void {
    const call = this.calls.get(callId);
    if (!call) return;
    if (!call.answeredBy) return this.cancel(device, callId);
    const said: EndedReason = reason === 'media-unavailable' ? 'remote-media-unavailable' : 'remote-hung-up';
    if (device === call.caller) this.finish(call, null, null, call.answeredBy, said);
    else if (device === call.answeredBy) this.finish(call, null, null, call.caller, said);
  }

  /**
   * A session description or ICE candidate between the sides of a call. While it rings: between the
   * caller and one ringing device (the relay pre-connection), relay-only signals only, `peer` naming
   * the ringing device's session. Once accepted: between the two participants (renegotiation).
   * Anything else (not this device's call, a non-relay signal while ringing, a device that is not
   * ringing) is dropped without a reply.
   */
  mediaSignal(from: Session, message: MediaSignal): void {
    const call = this.calls.get(message.callId);
    if (!call || this.callOf.get(from) !== call) return;
    const frame: ServerMessage = { v: 1, type: 'media-signal', callId: call.id };
    if (message.description) frame.description = message.description;
    if (message.candidate) frame.candidate = message.candidate;
    if (!call.answeredBy) {
      if (!isRelayOnlySignal(message)) return;
      if (call.ringing.has(from)) return send(call.caller, { ...frame, peer: from.peerId });
      const device = from === call.caller ? [...call.ringing].find((s) => s.peerId === message.peer) : undefined;
      if (device) send(device, frame);
      return;
    }
    if (from === call.caller) {
      // A late signal for a device that did not answer goes nowhere.
      if (message.peer === undefined || message.peer === call.answeredBy.peerId) send(call.answeredBy, frame);
    } else if (from === call.answeredBy) send(call.caller, frame);
  }

  /**
   * A control socket closed: a ringing call goes on as if it cancelled or dropped out; an accepted
   * call waits reconnectGraceMs for the same device to register again, then ends as on a hangup.
   */
  sessionClosed(session: Session): void {
    for (const [callId, doomed] of this.doomed) if (doomed.caller === session) this.cancel(session, callId);
    const call = this.callOf.get(session);
    if (!call) return;
    if (call.answeredBy && (call.caller === session || call.answeredBy === session)) this.awaitReturn(call, session);
    else if (call.caller === session) this.cancel(session, call.id);
    else {
      // A ringing device gone: the others keep ringing; with none left, the caller must not wait for no-answer.
      call.ringing.delete(session);
      this.callOf.delete(session);
      if (call.ringing.size === 0) this.finish(call, 'unavailable', null);
    }
  }

  /**
   * A device registered on a new control socket. If it was a participant of an accepted call (its
   * socket lost within grace, or not yet noticed as lost), the call moves to the new session; if
   * that call ended meanwhile, the new session is told so.
   */
  deviceRegistered(session: Session): void {
    const ended = this.lastEnded.get(session.deviceId);
    if (ended) {
      this.forgetEnded(session.deviceId);
      this.end(session, ended.callId, ended.reason);
    }
    const away = this.away.get(session.deviceId);
    if (away) {
      this.away.delete(session.deviceId);
      clearTimeout(away.timer);
      if (!away.ended) this.rebind(away.call, away.session, session);
      return;
    }
    // A network change the service has not noticed yet: the old socket is still open (half-open TCP).
    for (const call of this.calls.values()) {
      if (!call.answeredBy) continue;
      const stale = [call.caller, call.answeredBy].find((s) => s !== session && s.deviceId === session.deviceId);
      if (stale && this.callOf.get(stale) === call) return this.rebind(call, stale, session);
    }
  }

  /** The other side of this session's accepted call: the only PeerJS id it may signal. */
  peerOf(session: Session): Session | null {
    const call = this.callOf.get(session);
    if (!call?.answeredBy) return null;
    return call.caller === session ? call.answeredBy : call.caller;
  }

  close(): void {
    for (const call of this.calls.values()) this.stopTimer(call);
    for (const { timer } of this.doomed.values()) clearTimeout(timer);
    for (const { timer } of this.away.values()) clearTimeout(timer);
    for (const deviceId of [...this.lastEnded.keys()]) this.forgetEnded(deviceId);
    this.calls.clear();
    this.callOf.clear();
    this.doomed.clear();
    this.away.clear();
  }

  /** The lost session stays the call's party (frames to it go nowhere) until its device returns or grace ends. */
  private awaitReturn(call: Call, session: Session): void {
    this.callOf.delete(session);
    const previous = this.away.get(session.deviceId);
    if (previous) clearTimeout(previous.timer);
    const away: Away = {
      call,
      session,
      ended: false,
      timer: setTimeout(() => {
        if (this.away.get(session.deviceId) === away) this.away.delete(session.deviceId);
        if (!away.ended) this.hangup(session, call.id);
      }, this.timeouts.reconnectGraceMs),
    };
    this.away.set(session.deviceId, away);
  }

  private rebind(call: Call, from: Session, to: Session): void {
    if (call.caller === from) call.caller = to;
    else if (call.answeredBy === from) call.answeredBy = to;
    else return;
    if (this.callOf.get(from) === call) this.callOf.delete(from);
    this.callOf.set(to, call);
  }

  private ringingFor(device: Session, callId: string): Call | null {
    const call = this.calls.get(callId);
    return call && !call.answeredBy && call.ringing.has(device) ? call : null;
  }

  private answerUnavailableLater(caller: Session, callId: string): void {
    const timer = setTimeout(() => {
      this.doomed.delete(callId);
      this.end(caller, callId, 'unavailable');
    }, this.timeouts.unavailableDelayMs);
    this.doomed.set(callId, { caller, timer });
  }

  /** Ends a call: tells the caller, the still-ringing devices and optionally the other party (`toOther`) why. */
  private finish(call: Call, toCaller: EndedReason | null, toRinging: EndedReason | null, hungUpOn?: Session, toOther: EndedReason = 'remote-hung-up'): void {
    this.stopTimer(call);
    if (toCaller) this.end(call.caller, call.id, toCaller);
    if (toRinging) this.dropRinging(call, toRinging);
    if (hungUpOn) this.endRemembered(hungUpOn, call.id, toOther);
    for (const party of [call.caller, call.answeredBy, ...call.ringing]) {
      if (party && this.callOf.get(party) === call) this.callOf.delete(party);
    }
    for (const away of this.away.values()) if (away.call === call) away.ended = true;
    this.calls.delete(call.id);
  }

  private dropRinging(call: Call, reason: EndedReason): void {
    for (const device of call.ringing) {
      this.callOf.delete(device);
      this.end(device, call.id, reason);
    }
    call.ringing.clear();
  }

  private end(session: Session, callId: string, reason: EndedReason): void {
    send(session, { v: 1, type: 'ended', callId, reason });
  }

  /** Ends the call for the other party of an accepted call, and keeps the frame for its device's next socket (lastEnded). */
  private endRemembered(session: Session, callId: string, reason: EndedReason): void {
    this.end(session, callId, reason);
    this.forgetEnded(session.deviceId);
    const timer = setTimeout(() => this.lastEnded.delete(session.deviceId), this.timeouts.reconnectGraceMs);
    this.lastEnded.set(session.deviceId, { callId, reason, timer });
  }

  private forgetEnded(deviceId: string): void {
    clearTimeout(this.lastEnded.get(deviceId)?.timer);
    this.lastEnded.delete(deviceId);
  }

  private stopTimer(call: Call): void {
    if (call.timer) clearTimeout(call.timer);
    call.timer = null;
  }
}
