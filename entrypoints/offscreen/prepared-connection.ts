/**
 * A relay-only RTCPeerConnection prepared while a call rings, so that Accept only has to start
 * sending: ICE and DTLS through the deployment's TURN server are done before anyone answered.
 *
 * Each ringing device offers one (a transceiver per medium), the caller answers each. Nothing is
 * sent on it before Accept (its senders have no track), and only relay candidates without a related
 * address leave the device (the service drops anything else), so neither side learns where the
 * other is from it. Once the call is accepted, CallSession adopts it and looks after its ICE.
 */
import type { CallKind } from '@/lib/call-state';
import { isRelayOnlyCandidate, type ClientMessage, type ServerMessage } from '@/lib/wire';
import { startSmall } from './video-start';

type MediaSignal = Extract<ServerMessage, { type: 'media-signal' }>;
export type PreparedSignal = Pick<Extract<ClientMessage, { type: 'media-signal' }>, 'description' | 'candidate'>;

/** A relay candidate's related address is the device's own address as the TURN server saw it: never sent. */
function withoutRelatedAddress(line: string): string {
  return line.replace(/ raddr \S+ rport \d+/, ' raddr 0.0.0.0 rport 0');
}

export class PreparedConnection {
  /** Negotiation steps run one after another: a candidate must not overtake the description it belongs to. */
  private steps: Promise<void> = Promise.resolve();

  private constructor(
    readonly pc: RTCPeerConnection,
    private readonly send: (signal: PreparedSignal) => void,
  ) {
    pc.onicecandidate = ({ candidate }) => {
      const json = candidate?.toJSON() as PreparedSignal['candidate'];
      if (!json?.candidate) return;
      const line = withoutRelatedAddress(json.candidate);
      if (isRelayOnlyCandidate(line)) send({ candidate: { ...json, candidate: line } });
    };
  }

  /** The ringing device's side: offers a connection that can carry the call's media, sending nothing yet. */
  static offer(pc: RTCPeerConnection, kind: CallKind, send: (signal: PreparedSignal) => void): PreparedConnection {
    const prepared = new PreparedConnection(pc, send);
    for (const medium of kind === 'video' ? ['audio', 'video'] : ['audio']) pc.addTransceiver(medium, { direction: 'sendrecv' });
    void prepared.step(async () => {
      await pc.setLocalDescription(await pc.createOffer());
      prepared.sendDescription();
    });
    return prepared;
  }

  /** The caller's side: answers a ringing device's offer when it comes (signal). */
  static answering(pc: RTCPeerConnection, send: (signal: PreparedSignal) => void): PreparedConnection {
    return new PreparedConnection(pc, send);
  }

  /** The other side's description or candidate. */
  signal(message: Pick<MediaSignal, 'description' | 'candidate'>): Promise<void> {
    const pc = this.pc;
    return this.step(async () => {
      if (message.description?.type === 'offer' && !pc.localDescription) {
        await pc.setRemoteDescription(message.description);
        // Able to send once accepted, without another round of negotiation.
        for (const transceiver of pc.getTransceivers()) transceiver.direction = 'sendrecv';
        await pc.setLocalDescription(await pc.createAnswer());
        this.sendDescription();
      } else if (message.description?.type === 'answer' && pc.signalingState === 'have-local-offer') {
        await pc.setRemoteDescription(message.description);
      }
      if (message.candidate) await pc.addIceCandidate(message.candidate);
    });
  }

  /** ICE and DTLS are done: the call's media can go out at once. */
  get ready(): boolean {
    return this.pc.connectionState === 'connected';
  }

  /** Not given up on: it may still connect. */
  get usable(): boolean {
    return this.pc.connectionState !== 'failed' && this.pc.connectionState !== 'closed';
  }

  /** The remote tracks it will receive (muted until the other side sends). */
  remoteTracks(): MediaStreamTrack[] {
    return this.pc.getReceivers().map((receiver) => receiver.track);
  }

  /** Once the descriptions and candidates received so far are applied. */
  settled(): Promise<void> {
    return this.steps;
  }

  /** Accepted: the call's camera and microphone go out on it now (once its transceivers exist: the caller's come with the offer). */
  async transmit(stream: MediaStream): Promise<void> {
    await this.steps;
    for (const transceiver of this.pc.getTransceivers()) {
      const track = stream.getTracks().find((t) => t.kind === transceiver.receiver.track.kind);
      if (!track) continue;
      await startSmall(transceiver.sender, track);
      await transceiver.sender.replaceTrack(track);
    }
  }

  close(): void {
    this.pc.close();
  }

  private sendDescription(): void {
    const description = this.pc.localDescription;
    if (description?.type === 'offer' || description?.type === 'answer') this.send({ description: { type: description.type, sdp: description.sdp } });
  }

  /** Negotiation steps of a connection that may be closed under them: a refused step leaves it unused, nothing more. */
  private step(action: () => Promise<void>): Promise<void> {
    this.steps = this.steps.then(action).catch((error: unknown) => {
      if (this.pc.connectionState !== 'closed') console.warn('Birdcall: relay pre-connection step refused:', error);
    });
    return this.steps;
  }
}
