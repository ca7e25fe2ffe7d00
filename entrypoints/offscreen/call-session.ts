/**
 * One call, from this browser's side: the control DataConnection, the MediaConnection, the local
 * stream and every timer. `dispose` is the one place that releases all of it.
 *
 * Caller: connect with "ring" ... "accept" + "offer" -> answer with its camera/mic.
 * Callee: "ring" -> notification ... accept -> "accept" + "offer" at once, its own camera/mic
 * joining the offered senders as soon as they open (no renegotiation needed).
 *
 * Media rides on the control connection's RTCPeerConnection, already connected while ringing:
 * a second PeerJS MediaConnection would cost another relayed offer/answer and another ICE and
 * DTLS setup after Accept. PeerJS never renegotiates that connection itself, so we can.
 */
import type Peer from 'peerjs';
import type { DataConnection } from 'peerjs';
import type { CallKind, EndReason } from '@/lib/call-state';
import { peerIdForHandle, type Handle } from '@/lib/handle';
import type { CallMedia } from '@/lib/media-bridge';
import { describeMediaError, type MediaDevices } from '@/lib/media-devices';
import type { OffscreenEvent } from '@/lib/messages';
import { parseWireMessage, type WireMessage } from '@/lib/protocol';
import { startRingtone } from './ringtone';

type Report = OffscreenEvent extends infer E ? (E extends { to: 'background' } ? Omit<E, 'to'> : never) : never;

export interface SessionHost {
  readonly self: Handle;
  readonly devices: MediaDevices;
  report(event: Report): void;
  publishMedia(media: CallMedia): void;
  disposed(session: CallSession): void;
}

/** How long the caller rings before giving up ("no answer"); the callee waits a little longer. */
export const RING_TIMEOUT_MS = 45_000;
const CALLEE_RING_TIMEOUT_MS = RING_TIMEOUT_MS + 5_000;
/** The server expires undelivered offers after 5 s; an unopened control channel by then means offline. */
const UNAVAILABLE_AFTER_MS = 5_500;
const MEDIA_TIMEOUT_MS = 20_000;
const DISCONNECTED_GRACE_MS = 5_000;
/** Lets a last control message leave before its channel closes. */
const CLOSE_DELAY_MS = 1_000;

export class CallSession {
  private local: Promise<MediaStream> | null = null;
  private localStream: MediaStream | null = null;
  private remoteStream: MediaStream | null = null;
  /** The offered senders, filled with our tracks once camera/mic are open. */
  private senders: RTCRtpSender[] = [];
  private accepted = false;
  private connected = false;
  private ended = false;
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private stopRingtone: (() => void) | null = null;
  /** Messages said before the control channel opened (a cancel right after dialing, say). */
  private readonly unsent: WireMessage[] = [];

  private constructor(
    private readonly host: SessionHost,
    readonly callId: string,
    readonly remote: Handle,
    readonly direction: 'outgoing' | 'incoming',
    readonly kind: CallKind,
    private readonly control: DataConnection,
  ) {
    control.on('data', (data) => this.onWire(data));
    control.on('open', () => {
      for (const message of this.unsent.splice(0)) void control.send(message);
    });
    control.on('close', () => this.end(this.connected ? 'remote-hung-up' : 'failed', 'The connection was lost.'));
    control.on('error', (error) => console.warn('Birdcall: control channel error:', error));
  }

  static dial(host: SessionHost, peer: Pick<Peer, 'connect'>, callId: string, remote: Handle, kind: CallKind): CallSession {
    // The ring rides on the connection's metadata: it reaches the callee with the offer, through
    // the signaling server, without waiting for the peer-to-peer channel to open.
    const ring: WireMessage = { v: 1, type: 'ring', callId, from: host.self, kind };
    const control = peer.connect(peerIdForHandle(remote), { reliable: true, metadata: ring });
    const session = new CallSession(host, callId, remote, 'outgoing', kind, control);
    session.openLocalMedia();
    session.after(UNAVAILABLE_AFTER_MS, () => {
      if (!control.open) session.end('unavailable');
    });
    session.after(RING_TIMEOUT_MS, () => {
      if (session.accepted) return;
      session.send({ v: 1, type: 'cancel', callId, reason: 'no-answer' });
      session.end('no-answer');
    });
    return session;
  }

  static ring(host: SessionHost, control: DataConnection, ring: Extract<WireMessage, { type: 'ring' }>): CallSession {
    const session = new CallSession(host, ring.callId, ring.from, 'incoming', ring.kind, control);
    host.report({ type: 'incoming', callId: ring.callId, from: ring.from, kind: ring.kind });
    // After the report: creating an AudioContext can take 100 ms, the notification must not wait.
    session.stopRingtone = startRingtone(host.devices);
    session.after(CALLEE_RING_TIMEOUT_MS, () => {
      if (!session.accepted) session.end('no-answer');
    });
    return session;
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /** Answers someone else ringing while this call goes on. */
  static turnAwayBusy(control: DataConnection, callId: string): void {
    sendThenClose(control, { v: 1, type: 'busy', callId });
  }

  async accept(): Promise<void> {
    if (this.direction !== 'incoming' || this.accepted || this.ended) return;
    this.accepted = true;
    this.silenceRingtone();
    this.expectMediaSoon();
    const local = this.openLocalMedia();
    await this.controlOpen();
    const pc = this.control.peerConnection;
    if (this.ended || !pc) return;
    this.watchMedia(pc);
    this.senders = this.mediaKinds().map((kind) => pc.addTransceiver(kind, { direction: 'sendrecv' }).sender);
    await pc.setLocalDescription(await pc.createOffer());
    this.send({ v: 1, type: 'accept', callId: this.callId });
    this.send({ v: 1, type: 'offer', callId: this.callId, sdp: pc.localDescription?.sdp ?? '' });
    await this.attachLocalTracks(await local);
  }

  decline(): void {
    this.send({ v: 1, type: 'decline', callId: this.callId });
    this.dispose();
  }

  hangup(): void {
    this.send(
      this.direction === 'outgoing' && !this.accepted
        ? { v: 1, type: 'cancel', callId: this.callId, reason: 'hung-up' }
        : { v: 1, type: 'hangup', callId: this.callId },
    );
    this.dispose();
  }

  peerUnavailable(peerId: string): void {
    if (this.direction === 'outgoing' && peerId === peerIdForHandle(this.remote) && !this.control.open) this.end('unavailable');
  }

  setMuted(muted: boolean): void {
    for (const track of this.localStream?.getAudioTracks() ?? []) track.enabled = !muted;
  }

  setCameraOff(cameraOff: boolean): void {
    for (const track of this.localStream?.getVideoTracks() ?? []) track.enabled = !cameraOff;
  }

  /** The caller's half of the media: answer the callee's offer with our camera/mic. */
  private async answerOffer(sdp: string): Promise<void> {
    const pc = this.control.peerConnection;
    if (!pc || this.senders.length > 0) return;
    this.watchMedia(pc);
    await pc.setRemoteDescription({ type: 'offer', sdp });
    const transceivers = pc.getTransceivers().filter((t) => t.receiver.track && this.mediaKinds().includes(t.receiver.track.kind as 'audio'));
    for (const transceiver of transceivers) transceiver.direction = 'sendrecv';
    this.senders = transceivers.map((t) => t.sender);
    await this.attachLocalTracks(await this.local?.catch(() => null) ?? null);
    if (this.ended) return;
    await pc.setLocalDescription(await pc.createAnswer());
    this.send({ v: 1, type: 'answer', callId: this.callId, sdp: pc.localDescription?.sdp ?? '' });
  }

  private mediaKinds(): Array<'audio' | 'video'> {
    return this.kind === 'video' ? ['audio', 'video'] : ['audio'];
  }

  private async attachLocalTracks(local: MediaStream | null): Promise<void> {
    if (!local || this.ended) return;
    await Promise.all(
      this.senders.map((sender, index) => {
        const track = local.getTracks().find((t) => t.kind === this.mediaKinds()[index]) ?? null;
        return sender.replaceTrack(track);
      }),
    );
  }

  private controlOpen(): Promise<void> {
    return this.control.open ? Promise.resolve() : new Promise((resolve) => this.control.once('open', () => resolve()));
  }

  private onWire(data: unknown): void {
    const parsed = parseWireMessage(data);
    if (!parsed.ok) {
      console.warn('Birdcall: dropped message from', this.remote, ':', parsed.error);
      return;
    }
    const message = parsed.message;
    if (message.callId !== this.callId) return;
    const fromCallee = this.direction === 'outgoing';
    switch (message.type) {
      case 'accept':
        if (!fromCallee || this.accepted) return;
        this.accepted = true;
        this.host.report({ type: 'remote-accepted', callId: this.callId });
        this.expectMediaSoon();
        return;
      case 'decline':
        if (fromCallee) this.end('declined');
        return;
      case 'busy':
        if (fromCallee) this.end('busy');
        return;
      case 'cancel':
        if (!fromCallee) this.end(message.reason === 'no-answer' ? 'no-answer' : 'cancelled');
        return;
      case 'hangup':
        this.end('remote-hung-up');
        return;
      case 'offer':
        if (fromCallee && this.accepted) this.answerOffer(message.sdp).catch((error: unknown) => this.fail(`Media setup failed: ${String(error)}`));
        return;
      case 'answer':
        if (!fromCallee && this.accepted) {
          this.control.peerConnection
            ?.setRemoteDescription({ type: 'answer', sdp: message.sdp })
            .catch((error: unknown) => this.fail(`Media setup failed: ${String(error)}`));
        }
        return;
      case 'ring':
        return;
    }
  }

  private openLocalMedia(): Promise<MediaStream | null> {
    this.local ??= this.host.devices.open(this.kind).then(
      (stream) => {
        if (this.ended) {
          for (const track of stream.getTracks()) track.stop();
          return stream;
        }
        this.localStream = stream;
        this.publish();
        return stream;
      },
      (error: unknown) => {
        const { permission, detail } = describeMediaError(error);
        if (permission) this.host.report({ type: 'permission-needed' });
        this.fail(detail);
        throw error;
      },
    );
    return this.local.catch(() => null);
  }

  /** Remote tracks as they arrive; the call is connected when the first one carries media. */
  private watchMedia(pc: RTCPeerConnection): void {
    const tracks: MediaStreamTrack[] = [];
    pc.addEventListener('track', ({ track }) => {
      if (this.ended) return;
      tracks.push(track);
      // A new stream object, so the call window re-attaches it with every track.
      this.remoteStream = new MediaStream(tracks);
      this.publish();
      if (track.muted) track.addEventListener('unmute', () => this.markConnected(), { once: true });
      else this.markConnected();
    });
    let grace: ReturnType<typeof setTimeout> | null = null;
    pc.addEventListener('connectionstatechange', () => {
      if (grace) this.clear(grace);
      grace = null;
      if (pc.connectionState === 'failed') this.fail('The network path between you was lost.');
      else if (pc.connectionState === 'disconnected') {
        grace = this.after(DISCONNECTED_GRACE_MS, () => this.fail('The network path between you was lost.'));
      }
    });
  }

  /** Once both said yes, media must flow within MEDIA_TIMEOUT_MS, or the call has failed. */
  private expectMediaSoon(): void {
    this.after(MEDIA_TIMEOUT_MS, () => {
      if (!this.connected) this.fail('The call could not connect.');
    });
  }

  private markConnected(): void {
    if (this.connected || this.ended) return;
    this.connected = true;
    this.host.report({ type: 'media-connected', callId: this.callId });
  }

  private send(message: WireMessage): void {
    if (!this.control.open) {
      this.unsent.push(message);
      return;
    }
    try {
      void this.control.send(message);
    } catch (error) {
      console.warn('Birdcall: could not send', message.type, error);
    }
  }

  private fail(detail: string): void {
    if (!this.ended) this.send({ v: 1, type: 'hangup', callId: this.callId });
    this.end('failed', detail);
  }

  /** Ends the call because of something that happened here or remotely, and tells the background. */
  private end(reason: EndReason, detail?: string): void {
    if (this.ended) return;
    this.host.report({ type: 'ended', callId: this.callId, reason, ...(reason === 'failed' && detail ? { detail } : {}) });
    this.dispose();
  }

  private dispose(): void {
    if (this.ended) return;
    this.ended = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.silenceRingtone();
    for (const track of this.localStream?.getTracks() ?? []) track.stop();
    this.localStream = null;
    this.remoteStream = null;
    this.publish();
    this.closeControlSoon();
    this.host.disposed(this);
  }

  /** Closes the control channel once what was said has had time to leave (or it never opened). */
  private closeControlSoon(): void {
    const control = this.control;
    if (control.open) setTimeout(() => control.close(), CLOSE_DELAY_MS);
    else {
      control.once('open', () => setTimeout(() => control.close(), CLOSE_DELAY_MS));
      setTimeout(() => control.close(), UNAVAILABLE_AFTER_MS);
    }
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

function sendThenClose(control: DataConnection, message: WireMessage): void {
  const go = () => {
    void control.send(message);
    setTimeout(() => control.close(), CLOSE_DELAY_MS);
  };
  if (control.open) go();
  else control.once('open', go);
}
