/**
 * One call, from this browser's side: the ringing through Birdcall's service, then the PeerJS
 * MediaConnection, the local stream and every timer. `dispose` is the one place that releases it.
 *
 * Caller: ring (service) ... connect {callee's session peer id} -> send camera/mic on the relay
 * pre-connection with that device when it is connected, else PeerJS call() to it.
 * Callee: incoming (service) -> notification, and a relay pre-connection offered to the caller (when
 * the service offers TURN) ... accept -> send on that pre-connection; a PeerJS call from the caller's
 * session peer id (connect), and only that one, replaces it.
 *
 * Before Accept, the only RTCPeerConnection is the relay-only pre-connection (PreparedConnection):
 * it carries no media and no address of either side. Host and server-reflexive candidates are
 * gathered only after Accept, when the caller restarts ICE with each side's own policy (direct, or
 * relay-only with "Always relay calls"). The service relays PeerJS signaling only between the two
 * session ids of an accepted call.
 */
import type { MediaConnection } from 'peerjs';
import type { CallKind, EndReason } from '@/lib/call-state';
import type { Handle } from '@/lib/handle';
import type { Phrase } from '@/lib/i18n';
import type { CallMedia } from '@/lib/media-bridge';
import { describeMediaError, type MediaDevices } from '@/lib/media-devices';
import type { OffscreenEvent } from '@/lib/messages';
import type { ClientMessage, EndedReason, ServerMessage } from '@/lib/wire';
import { PreparedConnection, type PreparedSignal } from './prepared-connection';
import { startRingtone } from './ringtone';
import { FULL_RESOLUTION_AFTER_MS, fullResolution, startSmall } from './video-start';

type Report = OffscreenEvent extends infer E ? (E extends { to: 'background' } ? Omit<E, 'to'> : never) : never;

export interface SessionHost {
  readonly devices: MediaDevices;
  report(event: Report): void;
  publishMedia(media: CallMedia): void;
  disposed(session: CallSession): void;
  /** Sends to Birdcall's service; false when it is not reachable now. */
  send(message: ClientMessage): boolean;
  /** The call's media path went away: make sure the way to the service still works (it carries the restart). */
  checkService(): void;
  /** Places the PeerJS media call to a session peer id (caller side). */
  call(peerId: string, stream: MediaStream, callId: string): MediaConnection | null;
  /** What this call's connection is made with now: the service's ICE servers, relay-only when chosen. */
  callConfiguration(): RTCConfiguration | null;
  /** A relay pre-connection's: the service's TURN servers, relay-only; null when it offers none. */
  relayConfiguration(): RTCConfiguration | null;
}

/** How long the caller rings before giving up; the service says "no answer" first, this is a backstop. */
export const RING_TIMEOUT_MS = 50_000;
const MEDIA_TIMEOUT_MS = 20_000;
/** A connected call whose network path is gone has this long to come back before it has failed. */
export const RECONNECT_DEADLINE_MS = 30_000;
/** The caller restarts ICE this long after the path went "disconnected" (it often comes back alone), and again every RESTART_EVERY_MS. */
const RESTART_AFTER_MS = 1_500;
const RESTART_EVERY_MS = 5_000;
/** Relay pre-connections a caller answers at most (one per ringing device of the callee). */
const MAX_PREPARED = 4;
/** An accepted call waits this long for its pre-connection to finish connecting before it places a PeerJS call instead. */
const PREPARED_WAIT_MS = 2_000;
/** A call on the relay pre-connection moves to the path each side allows this long after media flowed. */
const UPGRADE_AFTER_MS = 2_000;
/** The callee's pre-connection, to the caller. */
const TO_CALLER = 'caller';

type MediaSignal = Extract<ServerMessage, { type: 'media-signal' }>;
type MediaSignalCandidate = NonNullable<MediaSignal['candidate']>;

export class CallSession {
  private local: Promise<MediaStream | null> | null = null;
  private localStream: MediaStream | null = null;
  private remoteStream: MediaStream | null = null;
  private media: MediaConnection | null = null;
  /** The other side's session peer id, once the service connected the call. */
  private remotePeerId: string | null = null;
  /** A callee's media call that arrived before the service's connect. */
  private earlyCall: MediaConnection | null = null;
  private accepted = false;
  private connected = false;
  private ended = false;
  /** The call's RTCPeerConnection once Birdcall, not PeerJS, looks after its ICE: once media flowed, or from Accept on an adopted pre-connection. */
  private pc: RTCPeerConnection | null = null;
  /** Relay pre-connections while ringing: the caller's by ringing device's session peer id, the callee's under TO_CALLER. */
  private readonly prepared = new Map<string, PreparedConnection>();
  /** The pre-connection the call's media goes on, once accepted. */
  private adopted: PreparedConnection | null = null;
  private interruption: { deadline: ReturnType<typeof setTimeout>; restarts: ReturnType<typeof setInterval> | null } | null = null;
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private stopRingtone: (() => void) | null = null;

  private constructor(
    private readonly host: SessionHost,
    readonly callId: string,
    readonly remote: Handle,
    readonly direction: 'outgoing' | 'incoming',
    readonly kind: CallKind,
  ) {}

  /** `opened`: the camera/mic when they were opened before the ring (the browser may have asked); else they open alongside it. */
  static dial(host: SessionHost, callId: string, remote: Handle, kind: CallKind, opened: MediaStream | null = null): CallSession {
    const session = new CallSession(host, callId, remote, 'outgoing', kind);
    // Adopted first, so a ring that cannot go out stops them with everything else.
    if (opened) session.local = Promise.resolve(session.adopt(opened));
    if (!host.send({ v: 1, type: 'ring', callId, to: remote, kind })) {
      session.end('failed', { key: 'serviceUnreachable' });
      return session;
    }
    session.openLocalMedia();
    session.after(RING_TIMEOUT_MS, () => {
      if (session.accepted) return;
      session.host.send({ v: 1, type: 'cancel', callId });
      session.end('no-answer');
    });
    return session;
  }

  static ring(host: SessionHost, callId: string, from: Handle, kind: CallKind, verified: boolean): CallSession {
    const session = new CallSession(host, callId, from, 'incoming', kind);
    host.report({ type: 'incoming', callId, from, kind, verified });
    // After the report: creating an AudioContext can take 100 ms, the notification must not wait.
    session.stopRingtone = startRingtone(host.devices);
    if (kind === 'video') session.previewCamera();
    session.prepareToCaller();
    session.after(RING_TIMEOUT_MS, () => {
      if (!session.accepted) session.end('no-answer');
    });
    return session;
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /**
   * The control socket this call rang on is gone. The service dropped a call nobody accepted yet
   * (the caller's ring is cancelled, a ringing device drops out), and an Accept sent on the next
   * socket would find nothing: such a call ends now rather than wait on the other side. An
   * accepted call goes on; the service keeps it for the device's next socket.
   */
  serviceLost(): void {
    if (!this.accepted) this.end('failed', { key: 'serviceLostWhileRinging' });
  }

  accept(): void {
    if (this.direction !== 'incoming' || this.accepted || this.ended) return;
    this.accepted = true;
    this.silenceRingtone();
    if (!this.host.send({ v: 1, type: 'accept', callId: this.callId })) {
      this.end('failed', { key: 'serviceUnreachable' });
      return;
    }
    this.expectMediaSoon();
    this.openLocalMedia();
    const prepared = this.prepared.get(TO_CALLER);
    if (prepared?.usable) this.usePrepared(prepared);
  }

  decline(): void {
    this.host.send({ v: 1, type: 'decline', callId: this.callId });
    this.dispose();
  }

  hangup(): void {
    const ringing = this.direction === 'outgoing' && !this.accepted;
    this.host.send({ v: 1, type: ringing ? 'cancel' : 'hangup', callId: this.callId });
    this.dispose();
  }

  /** The service connected the call: the other side is `peerId`. */
  connect(peerId: string, verified: boolean): void {
    if (this.ended || this.remotePeerId) return;
    this.remotePeerId = peerId;
    if (this.direction === 'outgoing') {
      this.accepted = true;
      this.host.report({ type: 'remote-accepted', callId: this.callId, verified });
      this.expectMediaSoon();
      const prepared = this.prepared.get(peerId);
      if (prepared?.usable) {
        this.usePrepared(prepared);
        if (!prepared.ready) this.after(PREPARED_WAIT_MS, () => this.adopted === prepared && !prepared.ready && this.preparedFailed());
      } else {
        this.closePrepared();
        void this.placeMediaCall(peerId);
      }
    } else if (this.earlyCall) {
      const call = this.earlyCall;
      this.earlyCall = null;
      this.answer(call);
    }
  }

  /** A PeerJS media call reached this browser while this session was on. */
  answer(call: MediaConnection): void {
    const metadata = call.metadata as { callId?: unknown } | undefined;
    if (this.direction !== 'incoming' || !this.accepted || this.ended || this.media || metadata?.callId !== this.callId) {
      call.close();
      return;
    }
    if (!this.remotePeerId) {
      this.earlyCall?.close();
      this.earlyCall = call;
      return;
    }
    if (call.peer !== this.remotePeerId) {
      call.close();
      return;
    }
    // The caller's pre-connection was not ready: its PeerJS call replaces ours.
    if (this.adopted) this.dropAdopted();
    this.useMedia(call);
    void this.local?.then((stream) => {
      if (!stream || this.ended) return;
      call.answer(stream);
      // PeerJS makes the answering side's RTCPeerConnection in answer(), before it applies the offer.
      if (!call.peerConnection) return;
      this.startVideoSmall(call.peerConnection);
      this.watchMedia(call.peerConnection);
    });
  }

  /** The service ended the call. */
  endedByService(reason: EndedReason): void {
    this.end(reason);
  }

  setMuted(muted: boolean): void {
    for (const track of this.localStream?.getAudioTracks() ?? []) track.enabled = !muted;
  }

  setCameraOff(cameraOff: boolean): void {
    for (const track of this.localStream?.getVideoTracks() ?? []) track.enabled = !cameraOff;
  }

  private async placeMediaCall(peerId: string): Promise<void> {
    const stream = await this.local;
    if (this.ended || !stream) return;
    const call = this.host.call(peerId, stream, this.callId);
    if (!call) {
      this.fail({ key: 'serviceUnreachable' });
      return;
    }
    if (call.peerConnection) this.startVideoSmall(call.peerConnection);
    this.useMedia(call);
  }

  private useMedia(call: MediaConnection): void {
    this.media = call;
    call.on('close', () => this.end(this.connected ? 'remote-hung-up' : 'failed', { key: 'connectionLost' }));
    call.on('error', (error) => console.warn('Birdcall: media connection error:', error));
    if (call.peerConnection) this.watchMedia(call.peerConnection);
  }

  /** Callee, while ringing: offers the caller a relay pre-connection, when the service offers TURN. */
  private prepareToCaller(): void {
    const config = this.host.relayConfiguration();
    if (!config) return;
    this.prepared.set(
      TO_CALLER,
      PreparedConnection.offer(this.host.devices.createPeerConnection(config), this.kind, (signal) => this.sendSignal(signal)),
    );
  }

  /** Caller, while ringing: the pre-connection a ringing device offers (made on its first signal, an offer). */
  private preparedFrom(peer: string, message: MediaSignal): PreparedConnection | null {
    const known = this.prepared.get(peer);
    if (known || message.description?.type !== 'offer' || this.prepared.size >= MAX_PREPARED) return known ?? null;
    const config = this.host.relayConfiguration();
    if (!config) return null;
    const prepared = PreparedConnection.answering(this.host.devices.createPeerConnection(config), (signal) => this.sendSignal(signal, peer));
    this.prepared.set(peer, prepared);
    return prepared;
  }

  /**
   * Accepted: the call's media goes on the pre-connection. From now on Birdcall looks after its ICE,
   * with this side's own policy for the candidates gathered from here on (the caller's ICE restart
   * once media flows moves the call off the relay unless "Always relay calls" keeps it there).
   */
  private usePrepared(prepared: PreparedConnection): void {
    this.adopted = prepared;
    this.closePrepared(prepared);
    const config = this.host.callConfiguration();
    if (config) prepared.pc.setConfiguration(config);
    this.takeOver(prepared.pc);
    this.watchMedia(prepared.pc, prepared.remoteTracks());
    void this.local?.then((stream) => {
      if (stream && !this.ended && this.adopted === prepared) return prepared.transmit(stream);
    });
  }

  /** The pre-connection cannot carry the call: the caller places the PeerJS call; the callee answers it when it comes. */
  private preparedFailed(): void {
    this.dropAdopted();
    if (this.direction === 'outgoing' && this.remotePeerId) void this.placeMediaCall(this.remotePeerId);
  }

  private dropAdopted(): void {
    this.adopted?.close();
    this.adopted = null;
    this.pc = null;
    this.remoteStream = null;
    this.publish();
  }

  /** Closes the pre-connections, but the one kept. */
  private closePrepared(kept?: PreparedConnection): void {
    for (const prepared of this.prepared.values()) if (prepared !== kept) prepared.close();
    this.prepared.clear();
  }

  private sendSignal(signal: PreparedSignal, peer?: string): void {
    this.host.send({ v: 1, type: 'media-signal', callId: this.callId, ...(peer ? { peer } : {}), ...signal });
  }

  /**
   * A ringing video call opens the camera (a preview on the incoming screen, as WhatsApp does), so
   * Accept connects without waiting for it. Nothing is sent anywhere before Accept; a camera that
   * does not open now is tried again, and explained, on Accept.
   */
  private previewCamera(): void {
    this.local = this.host.devices.open(this.kind).then(
      (stream) => this.adopt(stream),
      () => null,
    );
  }

  /** The call's camera/mic: the preview's (or the caller's opened before the ring) when it opened, else opened now. */
  private openLocalMedia(): void {
    const preview = this.local ?? Promise.resolve(null);
    this.local = preview.then(
      (stream) =>
        stream ??
        this.host.devices.open(this.kind).then(
          (opened) => this.adopt(opened),
          (error: unknown) => {
            const { permission, detail } = describeMediaError(error);
            if (permission) this.host.report({ type: 'permission-needed' });
            this.fail(detail, 'media-unavailable');
            return null;
          },
        ),
    );
  }

  private adopt(stream: MediaStream): MediaStream | null {
    if (this.ended) {
      for (const track of stream.getTracks()) track.stop();
      return null;
    }
    this.localStream = stream;
    this.publish();
    return stream;
  }

  /** Remote tracks as they arrive (or already there); the call is connected when the first one carries media. */
  private watchMedia(pc: RTCPeerConnection, existing: MediaStreamTrack[] = []): void {
    const tracks: MediaStreamTrack[] = [];
    const add = (track: MediaStreamTrack) => {
      if (this.ended || tracks.includes(track)) return;
      tracks.push(track);
      // A new stream object, so the call window re-attaches it with every track.
      this.remoteStream = new MediaStream(tracks);
      this.publish();
      if (track.muted) track.addEventListener('unmute', () => this.markConnected(), { once: true });
      else this.markConnected();
    };
    for (const track of existing) add(track);
    pc.addEventListener('track', ({ track }) => add(track));
    pc.addEventListener('connectionstatechange', () => {
      const state = pc.connectionState;
      if (state === 'connected') this.resumed();
      else if (state === 'disconnected' || state === 'failed') {
        if (this.connected) this.interrupted(state);
        else if (state === 'failed' && this.adopted?.pc === pc) this.preparedFailed();
        else if (state === 'failed') this.fail({ key: 'couldNotConnect' });
      }
    });
  }

  /** Media flowed once: take ICE over from PeerJS, which would close the call on "failed" and never restarts. */
  private takeOver(pc: RTCPeerConnection): void {
    this.pc = pc;
    pc.oniceconnectionstatechange = null;
    pc.onicecandidate = ({ candidate }) => {
      if (candidate) this.host.send({ v: 1, type: 'media-signal', callId: this.callId, candidate: candidate.toJSON() as MediaSignalCandidate });
    };
  }

  /** The path is gone: say so, restart ICE (the caller offers; the callee answers), give up after the deadline. */
  private interrupted(state: 'disconnected' | 'failed'): void {
    if (!this.interruption) {
      this.host.report({ type: 'media-interrupted', callId: this.callId });
      this.host.checkService();
      this.interruption = {
        deadline: this.after(RECONNECT_DEADLINE_MS, () => this.fail({ key: 'networkPathLost' })),
        restarts: null,
      };
    }
    if (this.direction !== 'outgoing' || this.interruption.restarts) return;
    const restart = () => void this.restartIce().catch((error: unknown) => console.warn('Birdcall: ICE restart failed:', error));
    this.interruption.restarts = setInterval(restart, RESTART_EVERY_MS);
    if (state === 'failed') restart();
    else this.after(RESTART_AFTER_MS, () => this.interruption && restart());
  }

  private resumed(): void {
    if (!this.interruption) return;
    this.clear(this.interruption.deadline);
    if (this.interruption.restarts) clearInterval(this.interruption.restarts);
    this.interruption = null;
    this.host.report({ type: 'media-connected', callId: this.callId });
  }

  private async restartIce(): Promise<void> {
    const pc = this.pc;
    if (!pc || this.ended) return;
    pc.restartIce();
    await pc.setLocalDescription(await pc.createOffer({ iceRestart: true }));
    this.sendDescription(pc);
  }

  private sendDescription(pc: RTCPeerConnection): void {
    const description = pc.localDescription;
    if (!description || (description.type !== 'offer' && description.type !== 'answer')) return;
    this.host.send({ v: 1, type: 'media-signal', callId: this.callId, description: { type: description.type, sdp: description.sdp } });
  }

  /** The other side's pre-connection signal or renegotiation, through the service. */
  async mediaSignal(message: MediaSignal): Promise<void> {
    if (this.ended) return;
    const pc = this.pc;
    if (!pc) {
      const prepared =
        this.direction === 'incoming' ? this.prepared.get(TO_CALLER) : !this.accepted && message.peer ? this.preparedFrom(message.peer, message) : null;
      await prepared?.signal(message);
      return;
    }
    // Accepted on a pre-connection whose own negotiation may still be under way: after it.
    await this.adopted?.settled();
    if (this.ended || this.pc !== pc) return;
    try {
      if (message.description?.type === 'offer' && this.direction === 'incoming') {
        await pc.setRemoteDescription(message.description);
        await pc.setLocalDescription(await pc.createAnswer());
        this.sendDescription(pc);
      } else if (message.description?.type === 'answer' && pc.signalingState === 'have-local-offer') {
        await pc.setRemoteDescription(message.description);
      }
      if (message.candidate) await pc.addIceCandidate(message.candidate);
    } catch (error) {
      console.warn('Birdcall: renegotiation step refused:', error);
    }
  }

  /** A PeerJS media call's senders, given their tracks before the connection is up: the first frames small (video-start). */
  private startVideoSmall(pc: RTCPeerConnection): void {
    for (const sender of pc.getSenders()) {
      if (sender.track) void startSmall(sender, sender.track);
    }
  }

  /** Once both said yes, media must flow within MEDIA_TIMEOUT_MS, or the call has failed. */
  private expectMediaSoon(): void {
    this.after(MEDIA_TIMEOUT_MS, () => {
      if (!this.connected) this.fail({ key: 'couldNotConnect' });
    });
  }

  private markConnected(): void {
    if (this.connected || this.ended) return;
    this.connected = true;
    const pc = this.media?.peerConnection;
    if (pc && !this.pc) this.takeOver(pc);
    this.host.report({ type: 'media-connected', callId: this.callId });
    this.after(FULL_RESOLUTION_AFTER_MS, () => {
      if (this.pc) void fullResolution(this.pc);
    });
    // Media flows on the relay pre-connection: once the first frames are through (a restart under them would hold them up), look for the path each side's policy allows.
    if (this.adopted && this.direction === 'outgoing') {
      this.after(UPGRADE_AFTER_MS, () => void this.restartIce().catch((error: unknown) => console.warn('Birdcall: ICE restart failed:', error)));
    }
  }

  /** `reason` tells an accepted call's other side why it ends (for a call still ringing there is nothing to tell). */
  private fail(detail: Phrase, reason?: 'media-unavailable'): void {
    if (!this.ended) {
      const { callId } = this;
      this.host.send(
        this.accepted
          ? { v: 1, type: 'hangup', callId, ...(reason ? { reason } : {}) }
          : { v: 1, type: this.direction === 'outgoing' ? 'cancel' : 'decline', callId },
      );
    }
    this.end('failed', detail);
  }

  /** Ends the call because of something that happened here or remotely, and tells the background. */
  private end(reason: EndReason, detail?: Phrase): void {
    if (this.ended) return;
    this.host.report({ type: 'ended', callId: this.callId, reason, ...(reason === 'failed' && detail ? { detail } : {}) });
    this.dispose();
  }

  private dispose(): void {
    if (this.ended) return;
    this.ended = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    if (this.interruption?.restarts) clearInterval(this.interruption.restarts);
    this.interruption = null;
    this.silenceRingtone();
    for (const track of this.localStream?.getTracks() ?? []) track.stop();
    this.localStream = null;
    this.remoteStream = null;
    this.publish();
    this.media?.close();
    this.earlyCall?.close();
    this.adopted?.close();
    this.closePrepared();
    this.host.disposed(this);
  }

  private silenceRingtone(): void {
    this.stopRingtone?.();
    this.stopRingtone = null;
  }

  private publish(): void {
    this.host.publishMedia({ local: this.localStream, remote: this.remoteStream });
  }

  private after(ms: number, action: () => void): ReturnType<typeof setTimeout> {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      action();
    }, ms);
    this.timers.add(timer);
    return timer;
  }

  private clear(timer: ReturnType<typeof setTimeout>): void {
    clearTimeout(timer);
    this.timers.delete(timer);
  }
}
