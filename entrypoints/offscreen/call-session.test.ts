/**
 * CallSession against a fake SessionHost (the service link and the session Peer) and fake PeerJS
 * media connections, with fake timers: ringing through the service, the media call that only
 * exists after Accept, the timeouts nobody waits for end to end, and media calls that do not fit.
 */
import type { MediaConnection } from 'peerjs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CallKind } from '@/lib/call-state';
import type { Handle } from '@/lib/handle';
import type { MediaDevices } from '@/lib/media-devices';
import type { ClientMessage, EndedReason } from '@/lib/wire';
import { CallSession, RING_TIMEOUT_MS, type SessionHost } from './call-session';
import { FULL_RESOLUTION_AFTER_MS } from './video-start';
import { FakeEmitter } from './fake-emitter.test-support';

/** The RTCPeerConnection under a media call: connection state and remote tracks. */
class FakePeerConnection extends EventTarget {
  connectionState: RTCPeerConnectionState = 'new';
  signalingState: RTCSignalingState = 'stable';
  localDescription: RTCSessionDescriptionInit | null = null;
  remoteDescriptions: RTCSessionDescriptionInit[] = [];
  candidates: RTCIceCandidateInit[] = [];
  restarts = 0;
  /** PeerJS's handlers, which Birdcall replaces once media flows. */
  oniceconnectionstatechange: (() => void) | null = () => {};
  onicecandidate: ((event: { candidate: { toJSON(): RTCIceCandidateInit } | null }) => void) | null = () => {};
  /** A relay pre-connection's (one Birdcall makes itself): its configuration and transceivers. */
  configurations: RTCConfiguration[] = [];
  transceivers: FakeTransceiver[] = [];
  constructor(readonly config?: RTCConfiguration) {
    super();
  }
  restartIce() {
    this.restarts++;
  }
  async createOffer(options?: RTCOfferOptions) {
    const media = this.transceivers.map((t) => ` m=${t.receiver.track.kind}`).join('');
    return { type: 'offer' as const, sdp: `v=0 offer${media}${options?.iceRestart ? ' ice-restart' : ''}` };
  }
  addTransceiver(kind: string, init: RTCRtpTransceiverInit) {
    this.transceivers.push(new FakeTransceiver(kind, init.direction ?? 'sendrecv'));
  }
  getTransceivers() {
    return this.transceivers;
  }
  getReceivers() {
    return this.transceivers.map((t) => t.receiver);
  }
  /** The senders PeerJS made for a media call's stream; a pre-connection's are its transceivers'. */
  senders: FakeSender[] = [];
  getSenders() {
    return [...this.transceivers.map((t) => t.sender), ...this.senders];
  }
  /** PeerJS adds the stream's tracks to the connection it makes. */
  addStream(stream: MediaStream) {
    this.senders.push(...stream.getTracks().map((track) => new FakeSender(track)));
  }
  setConfiguration(config: RTCConfiguration) {
    this.configurations.push(config);
  }
  close() {
    this.connectionState = 'closed';
  }
  async createAnswer() {
    return { type: 'answer' as const, sdp: 'v=0 answer' };
  }
  async setLocalDescription(description: RTCSessionDescriptionInit) {
    this.localDescription = description;
    this.signalingState = description.type === 'offer' ? 'have-local-offer' : 'stable';
  }
  async setRemoteDescription(description: RTCSessionDescriptionInit) {
    this.remoteDescriptions.push(description);
    if (description.type === 'offer' && this.transceivers.length === 0) {
      for (const [, kind] of description.sdp?.matchAll(/m=(\w+)/g) ?? []) this.transceivers.push(new FakeTransceiver(kind!, 'recvonly'));
    }
    this.signalingState = description.type === 'offer' ? 'have-remote-offer' : 'stable';
  }
  async addIceCandidate(candidate: RTCIceCandidateInit) {
    this.candidates.push(candidate);
  }
  gather(candidate: RTCIceCandidateInit) {
    this.onicecandidate?.({ candidate: { toJSON: () => candidate } });
  }
  receive(kind: string, muted = false) {
    const track = Object.assign(new EventTarget(), { kind, muted });
    this.dispatchEvent(Object.assign(new Event('track'), { track }));
    return track;
  }
  changeState(state: RTCPeerConnectionState) {
    this.connectionState = state;
    this.dispatchEvent(new Event('connectionstatechange'));
  }
}

/** A remote track that is muted until the other side sends on it. */
class FakeTrack extends EventTarget {
  muted = true;
  constructor(readonly kind: string) {
    super();
  }
  arrive() {
    this.muted = false;
    this.dispatchEvent(new Event('unmute'));
  }
}

/** A sender: its track, and how far its video is scaled down (scaleResolutionDownBy) when each track went out on it. */
class FakeSender {
  track: { kind: string } | null = null;
  private encodings: RTCRtpEncodingParameters[] = [{}];
  /** The scale in force each time a track was put on this sender. */
  readonly scaleAtTrack: Array<number | undefined> = [];
  readonly replaceTrack = vi.fn(async (track: { kind: string } | null) => {
    this.track = track;
    this.scaleAtTrack.push(this.scale);
  });
  constructor(track: { kind: string } | null = null) {
    if (track) void this.replaceTrack(track);
  }
  get scale(): number | undefined {
    return this.encodings[0]?.scaleResolutionDownBy;
  }
  getParameters() {
    return { encodings: this.encodings.map((encoding) => ({ ...encoding })) } as RTCRtpSendParameters;
  }
  async setParameters(parameters: RTCRtpSendParameters) {
    this.encodings = parameters.encodings;
  }
}

class FakeTransceiver {
  readonly receiver: { track: FakeTrack };
  readonly sender = new FakeSender();
  constructor(
    kind: string,
    public direction: string,
  ) {
    this.receiver = { track: new FakeTrack(kind) };
  }
}

/**
 * A PeerJS MediaConnection. Like PeerJS's, a call placed here has its RTCPeerConnection at once;
 * a call coming in has none until answer() makes it.
 */
class FakeMediaConnection extends FakeEmitter {
  peerConnection: FakePeerConnection | null;
  answered: MediaStream[] = [];
  closed = false;
  constructor(
    readonly peer: string,
    readonly metadata: unknown,
    placedHere = false,
  ) {
    super();
    this.peerConnection = placedHere ? new FakePeerConnection() : null;
  }
  answer(stream: MediaStream) {
    this.answered.push(stream);
    this.peerConnection ??= new FakePeerConnection();
    this.peerConnection.addStream(stream);
  }
  /** The RTCPeerConnection, which a test only asks for once there must be one. */
  get pc(): FakePeerConnection {
    if (!this.peerConnection) throw new Error('no RTCPeerConnection yet');
    return this.peerConnection;
  }
  close() {
    if (this.closed) return;
    this.closed = true;
    this.emit('close');
  }
  get asMediaConnection() {
    return this as unknown as MediaConnection;
  }
}

function fakeStream({ videoHeight = 720 } = {}) {
  const audio = {
    kind: 'audio',
    enabled: true,
    stopped: false,
    getSettings: () => ({}),
    stop() {
      this.stopped = true;
    },
  };
  const video = {
    kind: 'video',
    enabled: true,
    getSettings: () => ({ width: (videoHeight * 16) / 9, height: videoHeight }),
    stopped: false,
    stop() {
      this.stopped = true;
    },
  };
  const stream = {
    getTracks: () => [audio, video],
    getAudioTracks: () => [audio],
    getVideoTracks: () => [video],
  } as unknown as MediaStream;
  return { audio, video, stream };
}

/** Enough of an AudioContext for the ringtone, to see it stop. */
function fakeAudioContext() {
  const node = () => ({
    connect: (next: unknown) => next,
    start: () => undefined,
    stop: () => undefined,
    frequency: { value: 0 },
    gain: { setValueAtTime: () => undefined },
  });
  return { currentTime: 0, destination: {}, createOscillator: node, createGain: node, close: vi.fn(async () => undefined) };
}

const callId = '11111111-2222-4333-8444-555555555555';
const otherCallId = '99999999-2222-4333-8444-555555555555';
const BOB_PEER = `bc${'B0'.repeat(15)}`;
const CAROL_PEER = `bc${'C0'.repeat(15)}`;
const bob = 'bob' as Handle;

type AnyReport = Parameters<SessionHost['report']>[0];

const TURN: RTCIceServer = { urls: ['turn:198.51.100.7:3478?transport=udp'], username: '1:dev', credential: 'c' };
const RELAY_CONFIG: RTCConfiguration = { iceServers: [TURN], iceTransportPolicy: 'relay' };
const CALL_CONFIG: RTCConfiguration = { iceServers: [TURN], iceTransportPolicy: 'all' };

function setup({ online = true, relay = false, videoHeight = 720 } = {}) {
  const reports: AnyReport[] = [];
  const sent: ClientMessage[] = [];
  const local = fakeStream({ videoHeight });
  const audio = fakeAudioContext();
  const calls: FakeMediaConnection[] = [];
  const connections: FakePeerConnection[] = [];
  const devices: MediaDevices = {
    open: vi.fn(async () => local.stream),
    permission: vi.fn(async () => 'granted' as const),
    createAudioContext: vi.fn(() => audio as unknown as AudioContext),
    createPeerConnection: vi.fn((config: RTCConfiguration) => {
      const pc = new FakePeerConnection(config);
      connections.push(pc);
      return pc as unknown as RTCPeerConnection;
    }),
  };
  const state = { online };
  const host = {
    devices,
    report: (event: AnyReport) => void reports.push(event),
    publishMedia: vi.fn(),
    disposed: vi.fn(),
    send: vi.fn((message: ClientMessage) => {
      if (!state.online) return false;
      sent.push(message);
      return true;
    }),
    call: vi.fn((peerId: string, stream: MediaStream, id: string) => {
      const call = new FakeMediaConnection(peerId, { callId: id }, true);
      call.pc.addStream(stream);
      calls.push(call);
      return call.asMediaConnection;
    }),
    checkService: vi.fn(),
    callConfiguration: () => (relay ? CALL_CONFIG : { iceServers: [], iceTransportPolicy: 'all' }),
    relayConfiguration: () => (relay ? RELAY_CONFIG : null),
  } satisfies SessionHost;
  const ended = () => reports.filter((r) => r.type === 'ended').map((r) => (r as { reason: string }).reason);
  const types = () => reports.map((r) => r.type);
  return { host, reports, sent, local, audio, calls, connections, devices, state, ended, types };
}

type Setup = ReturnType<typeof setup>;

const settle = () => vi.advanceTimersByTimeAsync(0);
/** A media call reaching the callee's session Peer. */
const incomingCall = (peer = BOB_PEER, metadata: unknown = { callId }) => new FakeMediaConnection(peer, metadata);

beforeEach(() => {
  vi.useFakeTimers();
  vi.spyOn(console, 'warn').mockImplementation(() => undefined);
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('outgoing CallSession', () => {
  const dial = (t: Setup, kind: CallKind = 'video') => CallSession.dial(t.host, callId, bob, kind);

  it('rings through the service, opens the camera, and places no media call yet', async () => {
    const t = setup();
    dial(t);
    await settle();
    expect(t.sent).toEqual([{ v: 1, type: 'ring', callId, to: 'bob', kind: 'video' }]);
    expect(t.devices.open).toHaveBeenCalledWith('video');
    expect(t.host.call).not.toHaveBeenCalled();
    expect(t.reports).toEqual([]);
  });

  it('devices opened before the ring (the browser asked): the call goes on with them and opens nothing more', async () => {
    const t = setup();
    const opened = fakeStream();
    const session = CallSession.dial(t.host, callId, bob, 'video', opened.stream);
    expect(t.sent).toEqual([{ v: 1, type: 'ring', callId, to: 'bob', kind: 'video' }]);
    expect(t.host.publishMedia).toHaveBeenLastCalledWith({ local: opened.stream, remote: null });
    session.connect(BOB_PEER, false);
    await settle();
    expect(t.host.call).toHaveBeenCalledWith(BOB_PEER, opened.stream, callId);
    expect(t.devices.open).not.toHaveBeenCalled();
    session.hangup();
    expect(opened.video.stopped).toBe(true);
  });

  it('devices opened before a ring that cannot go out are stopped', () => {
    const t = setup({ online: false });
    const opened = fakeStream();
    CallSession.dial(t.host, callId, bob, 'video', opened.stream);
    expect(t.ended()).toEqual(['failed']);
    expect([opened.audio.stopped, opened.video.stopped]).toEqual([true, true]);
  });

  it('ends as failed at once when the service cannot be reached', async () => {
    const t = setup({ online: false });
    const session = dial(t);
    expect(t.reports).toEqual([{ type: 'ended', callId, reason: 'failed', detail: { key: 'serviceUnreachable' } }]);
    expect(session.isEnded).toBe(true);
    expect(t.host.disposed).toHaveBeenCalledWith(session);
    await vi.advanceTimersByTimeAsync(RING_TIMEOUT_MS);
    expect(t.ended()).toEqual(['failed']);
    expect(t.devices.open).not.toHaveBeenCalled();
  });

  it('on connect: remote-accepted with what the certificate said, then the media call to that peer id, carrying the call id', async () => {
    const t = setup();
    const session = dial(t);
    await settle();
    session.connect(BOB_PEER, false);
    expect(t.reports).toEqual([{ type: 'remote-accepted', callId, verified: false }]);
    await settle();
    expect(t.host.call).toHaveBeenCalledTimes(1);
    expect(t.host.call).toHaveBeenCalledWith(BOB_PEER, t.local.stream, callId);
    expect(t.calls[0]).toMatchObject({ peer: BOB_PEER, metadata: { callId } });

    // Connected when the first remote track carries media; a muted one waits for unmute.
    const track = t.calls[0]!.pc.receive('audio', true);
    expect(t.types()).not.toContain('media-connected');
    track.dispatchEvent(new Event('unmute'));
    t.calls[0]!.pc.receive('video');
    expect(t.reports.filter((r) => r.type === 'media-connected')).toEqual([{ type: 'media-connected', callId }]);
    await vi.advanceTimersByTimeAsync(5 * 60_000);
    expect(t.ended()).toEqual([]);
  });

  it('a second connect, or one after the end, changes nothing', async () => {
    const t = setup();
    const session = dial(t);
    session.connect(BOB_PEER, true);
    session.connect(CAROL_PEER, true);
    await settle();
    expect(t.host.call).toHaveBeenCalledTimes(1);
    expect(t.types().filter((type) => type === 'remote-accepted')).toHaveLength(1);
    const late = setup();
    const ended = dial(late);
    ended.endedByService('declined');
    ended.connect(BOB_PEER, true);
    await settle();
    expect(late.host.call).not.toHaveBeenCalled();
    expect(late.types()).toEqual(['ended']);
  });

  it(`gives up with "no answer" after ${RING_TIMEOUT_MS / 1000} s, cancelling at the service`, async () => {
    const t = setup();
    dial(t, 'audio');
    await vi.advanceTimersByTimeAsync(RING_TIMEOUT_MS - 1);
    expect(t.ended()).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(t.sent.at(-1)).toEqual({ v: 1, type: 'cancel', callId });
    expect(t.ended()).toEqual(['no-answer']);
    expect(t.local.audio.stopped).toBe(true);
  });

  it('once accepted, the ring timeout no longer applies, but media must flow within 20 s', async () => {
    const t = setup();
    const session = dial(t);
    await vi.advanceTimersByTimeAsync(RING_TIMEOUT_MS - 1_000);
    session.connect(BOB_PEER, true);
    await vi.advanceTimersByTimeAsync(19_999);
    expect(t.ended()).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(t.reports.at(-1)).toEqual({ type: 'ended', callId, reason: 'failed', detail: { key: 'couldNotConnect' } });
    expect(t.sent.at(-1)).toEqual({ v: 1, type: 'hangup', callId });
    expect(t.calls[0]!.closed).toBe(true);
  });

  it('fails when the session Peer cannot place the media call', async () => {
    const t = setup();
    t.host.call.mockReturnValueOnce(null as unknown as MediaConnection);
    const session = dial(t);
    session.connect(BOB_PEER, true);
    await settle();
    expect(t.reports.at(-1)).toMatchObject({ type: 'ended', reason: 'failed' });
    expect(t.sent.at(-1)).toEqual({ v: 1, type: 'hangup', callId });
  });

  it('hang-up while ringing cancels; after the accept it hangs up; neither reports an end (the background did)', async () => {
    const ringing = setup();
    dial(ringing).hangup();
    expect(ringing.sent.at(-1)).toEqual({ v: 1, type: 'cancel', callId });
    const talking = setup();
    const session = dial(talking);
    session.connect(BOB_PEER, true);
    await settle();
    session.hangup();
    expect(talking.sent.at(-1)).toEqual({ v: 1, type: 'hangup', callId });
    expect(talking.calls[0]!.closed).toBe(true);
    expect(talking.local.video.stopped).toBe(true);
    expect([...ringing.ended(), ...talking.ended()]).toEqual([]);
  });

  it.each<EndedReason>(['declined', 'busy', 'no-answer', 'unavailable', 'cancelled', 'remote-hung-up', 'rate-limited'])(
    'ends as %s when the service says so',
    async (reason) => {
      const t = setup();
      const session = dial(t);
      await settle();
      session.endedByService(reason);
      expect(t.reports).toEqual([{ type: 'ended', callId, reason }]);
      expect(t.local.audio.stopped).toBe(true);
      expect(t.host.publishMedia).toHaveBeenLastCalledWith({ local: null, remote: null });
      await vi.advanceTimersByTimeAsync(RING_TIMEOUT_MS);
      expect(t.reports).toHaveLength(1);
      expect(t.sent).toHaveLength(1);
    },
  );

  it('the media connection closing is a hang-up once connected, a failure before', async () => {
    const connected = setup();
    const a = dial(connected);
    a.connect(BOB_PEER, true);
    await settle();
    connected.calls[0]!.pc.receive('audio');
    connected.calls[0]!.close();
    expect(connected.ended()).toEqual(['remote-hung-up']);

    const early = setup();
    const b = dial(early);
    b.connect(BOB_PEER, true);
    await settle();
    early.calls[0]!.close();
    expect(early.reports.at(-1)).toEqual({ type: 'ended', callId, reason: 'failed', detail: { key: 'connectionLost' } });
  });

  it('a lost network path: reconnecting, the caller restarts ICE through the service, and connected again', async () => {
    const t = setup();
    const session = dial(t);
    session.connect(BOB_PEER, true);
    await settle();
    const pc = t.calls[0]!.pc;
    pc.receive('audio');
    // Media flowed: Birdcall looks after ICE from now on, not PeerJS (which would close on "failed").
    expect(pc.oniceconnectionstatechange).toBeNull();
    pc.changeState('disconnected');
    expect(t.types().at(-1)).toBe('media-interrupted');
    // The way to the service carries the restart: it is checked at once.
    expect(t.host.checkService).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(pc.restarts).toBe(0); // "disconnected" often comes back by itself
    await vi.advanceTimersByTimeAsync(500);
    expect(pc.restarts).toBe(1);
    expect(t.sent.at(-1)).toEqual({ v: 1, type: 'media-signal', callId, description: { type: 'offer', sdp: 'v=0 offer ice-restart' } });
    pc.gather({ candidate: 'candidate:1 1 udp 1 10.0.0.2 5000 typ host', sdpMid: '0', sdpMLineIndex: 0 });
    expect(t.sent.at(-1)).toEqual({
      v: 1,
      type: 'media-signal',
      callId,
      candidate: { candidate: 'candidate:1 1 udp 1 10.0.0.2 5000 typ host', sdpMid: '0', sdpMLineIndex: 0 },
    });
    await session.mediaSignal({ v: 1, type: 'media-signal', callId, description: { type: 'answer', sdp: 'v=0 answer' } });
    await session.mediaSignal({
      v: 1,
      type: 'media-signal',
      callId,
      candidate: { candidate: 'candidate:2 1 udp 1 10.0.0.3 5000 typ host', sdpMid: '0', sdpMLineIndex: 0 },
    });
    expect(pc.remoteDescriptions.at(-1)).toEqual({ type: 'answer', sdp: 'v=0 answer' });
    expect(pc.candidates).toHaveLength(1);
    pc.changeState('connected');
    expect(t.types().slice(-2)).toEqual(['media-interrupted', 'media-connected']);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(t.ended()).toEqual([]);
    expect(pc.restarts).toBe(1);
  });

  it('keeps restarting every 5 s and fails after 30 s without a path; "failed" restarts at once', async () => {
    const t = setup();
    const session = dial(t);
    session.connect(BOB_PEER, true);
    await settle();
    const pc = t.calls[0]!.pc;
    pc.receive('audio');
    pc.changeState('failed');
    await settle();
    expect(pc.restarts).toBe(1);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(pc.restarts).toBe(3);
    expect(t.ended()).toEqual([]);
    await vi.advanceTimersByTimeAsync(20_000);
    expect(t.reports.at(-1)).toEqual({ type: 'ended', callId, reason: 'failed', detail: { key: 'networkPathLost' } });
    expect(t.sent.at(-1)).toEqual({ v: 1, type: 'hangup', callId });
    const restarts = pc.restarts;
    await vi.advanceTimersByTimeAsync(20_000);
    expect(pc.restarts).toBe(restarts);

    // Before media ever flowed, a failed path is a failed call.
    const u = setup();
    const other = dial(u);
    other.connect(BOB_PEER, true);
    await settle();
    u.calls[0]!.pc.changeState('failed');
    expect(u.ended()).toEqual(['failed']);
  });

  it('a camera it may not use asks for permission and fails the call with words a person can act on', async () => {
    const t = setup();
    vi.mocked(t.devices.open).mockRejectedValueOnce(Object.assign(new Error('denied'), { name: 'NotAllowedError' }));
    dial(t);
    await settle();
    expect(t.types()).toEqual(['permission-needed', 'ended']);
    expect(t.reports[1]).toMatchObject({ reason: 'failed', detail: { key: 'mediaNotAllowed' } });
    expect(t.sent.at(-1)).toEqual({ v: 1, type: 'cancel', callId });
  });

  it('mute and camera switch the local tracks', async () => {
    const t = setup();
    const session = dial(t);
    await settle();
    session.setMuted(true);
    session.setCameraOff(true);
    expect([t.local.audio.enabled, t.local.video.enabled]).toEqual([false, false]);
    session.setMuted(false);
    expect(t.local.audio.enabled).toBe(true);
  });

  it('refuses media calls coming in: a caller only places its own', async () => {
    const t = setup();
    const session = dial(t);
    session.connect(BOB_PEER, true);
    await settle();
    const intruder = incomingCall();
    session.answer(intruder.asMediaConnection);
    await settle();
    expect(intruder.closed).toBe(true);
    expect(intruder.answered).toEqual([]);
  });
});

describe('incoming CallSession', () => {
  const ring = (t: Setup, verified = true, kind: CallKind = 'audio') => CallSession.ring(t.host, callId, bob, kind, verified);

  it('reports the ring with whether X vouched for the caller, rings, and after the timeout is a missed call', async () => {
    const t = setup();
    ring(t, false, 'video');
    expect(t.reports).toEqual([{ type: 'incoming', callId, from: 'bob', kind: 'video', verified: false }]);
    expect(t.devices.createAudioContext).toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(RING_TIMEOUT_MS);
    expect(t.ended()).toEqual(['no-answer']);
    expect(t.audio.close).toHaveBeenCalled();
    expect(t.sent).toEqual([]);
  });

  it('a ringing video call previews the camera and sends nothing; Accept answers with that same stream', async () => {
    const t = setup();
    const session = ring(t, true, 'video');
    await settle();
    expect(t.devices.open).toHaveBeenCalledTimes(1);
    expect(t.devices.open).toHaveBeenCalledWith('video');
    expect(t.host.publishMedia).toHaveBeenLastCalledWith({ local: t.local.stream, remote: null });
    expect(t.sent).toEqual([]);
    expect(t.host.call).not.toHaveBeenCalled();
    session.accept();
    session.connect(BOB_PEER, true);
    const call = incomingCall();
    session.answer(call.asMediaConnection);
    await settle();
    expect(call.answered).toEqual([t.local.stream]);
    expect(t.devices.open).toHaveBeenCalledTimes(1);
  });

  it('a preview that cannot open is tried again on Accept, and only then explained', async () => {
    const t = setup();
    vi.mocked(t.devices.open).mockRejectedValueOnce(Object.assign(new Error('busy'), { name: 'NotReadableError' }));
    const session = ring(t, true, 'video');
    await settle();
    expect(t.types()).toEqual(['incoming']);
    session.accept();
    await settle();
    expect(t.devices.open).toHaveBeenCalledTimes(2);
    expect(t.ended()).toEqual([]);

    const u = setup();
    vi.mocked(u.devices.open).mockRejectedValue(Object.assign(new Error('denied'), { name: 'NotAllowedError' }));
    const denied = ring(u, true, 'video');
    await settle();
    expect(u.types()).toEqual(['incoming']);
    denied.accept();
    await settle();
    expect(u.types()).toEqual(['incoming', 'permission-needed', 'ended']);
    // The caller is told why, not just that the call ended.
    expect(u.sent.at(-1)).toEqual({ v: 1, type: 'hangup', callId, reason: 'media-unavailable' });
  });

  it('a ringing call that ends stops the preview camera', async () => {
    const t = setup();
    const session = ring(t, true, 'video');
    await settle();
    session.decline();
    expect(t.local.video.stopped).toBe(true);
  });

  it('creates nothing peer to peer before Accept: no media call placed or answered, no microphone for a voice call', async () => {
    const t = setup();
    const session = ring(t);
    const early = incomingCall();
    session.answer(early.asMediaConnection);
    session.connect(BOB_PEER, true); // out of order: the service only connects accepted calls
    const another = incomingCall();
    session.answer(another.asMediaConnection);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(t.host.call).not.toHaveBeenCalled();
    expect(t.calls).toEqual([]);
    expect([early.answered, another.answered]).toEqual([[], []]);
    expect([early.closed, another.closed]).toEqual([true, true]);
    expect([early.peerConnection, another.peerConnection]).toEqual([null, null]);
    expect(t.devices.open).not.toHaveBeenCalled();
    expect(t.host.publishMedia).not.toHaveBeenCalled();
    expect(t.types()).toEqual(['incoming']);
  });

  it('accept tells the service, stops the ringtone and opens the microphone; the media call is answered once connected', async () => {
    const t = setup();
    const session = ring(t);
    session.accept();
    session.accept();
    expect(t.sent).toEqual([{ v: 1, type: 'accept', callId }]);
    expect(t.audio.close).toHaveBeenCalled();
    await settle();
    expect(t.devices.open).toHaveBeenCalledWith('audio');
    session.connect(BOB_PEER, true);
    const call = incomingCall();
    session.answer(call.asMediaConnection);
    await settle();
    expect(call.answered).toEqual([t.local.stream]);
    expect(call.closed).toBe(false);
    call.pc.receive('audio');
    expect(t.types()).toEqual(['incoming', 'media-connected']);
    expect(t.host.call).not.toHaveBeenCalled();
  });

  it('refuses a media call from another peer id or for another call, and answers the right one', async () => {
    const t = setup();
    const session = ring(t);
    session.accept();
    session.connect(BOB_PEER, true);
    const fromCarol = incomingCall(CAROL_PEER);
    const otherCall = incomingCall(BOB_PEER, { callId: otherCallId });
    const noMetadata = incomingCall(BOB_PEER, null);
    for (const call of [fromCarol, otherCall, noMetadata]) session.answer(call.asMediaConnection);
    const right = incomingCall();
    session.answer(right.asMediaConnection);
    await settle();
    expect([fromCarol, otherCall, noMetadata].map((c) => [c.closed, c.answered.length])).toEqual([
      [true, 0],
      [true, 0],
      [true, 0],
    ]);
    expect(right.answered).toEqual([t.local.stream]);
    // Only one media call per session.
    const second = incomingCall();
    session.answer(second.asMediaConnection);
    expect(second.closed).toBe(true);
    expect(t.ended()).toEqual([]);
  });

  it('holds the right media call that arrives before connect, and answers it once the service says who it is from', async () => {
    const t = setup();
    const session = ring(t);
    session.accept();
    const early = incomingCall();
    session.answer(early.asMediaConnection);
    await settle();
    expect(early.answered).toEqual([]);
    expect(early.closed).toBe(false);
    session.connect(BOB_PEER, true);
    await settle();
    expect(early.answered).toEqual([t.local.stream]);
  });

  it('closes an early media call from another peer id once connect names the caller', async () => {
    const t = setup();
    const session = ring(t);
    session.accept();
    const impostor = incomingCall(CAROL_PEER);
    session.answer(impostor.asMediaConnection);
    session.connect(BOB_PEER, true);
    await settle();
    expect(impostor.closed).toBe(true);
    expect(impostor.answered).toEqual([]);
    const right = incomingCall();
    session.answer(right.asMediaConnection);
    await settle();
    expect(right.answered).toEqual([t.local.stream]);
  });

  it('after accept, no media within 20 s fails the call and hangs up', async () => {
    const t = setup();
    const session = ring(t);
    session.accept();
    session.connect(BOB_PEER, true);
    await vi.advanceTimersByTimeAsync(20_000);
    expect(t.ended()).toEqual(['failed']);
    expect(t.sent.at(-1)).toEqual({ v: 1, type: 'hangup', callId });
  });

  it('accept fails the call when the service cannot be reached', () => {
    const t = setup();
    const session = ring(t);
    t.state.online = false;
    session.accept();
    expect(t.reports.at(-1)).toEqual({ type: 'ended', callId, reason: 'failed', detail: { key: 'serviceUnreachable' } });
    expect(t.devices.open).not.toHaveBeenCalled();
  });

  it('decline tells the service and stops ringing; hang-up after the accept hangs up', () => {
    const declined = setup();
    const a = ring(declined);
    a.decline();
    expect(declined.sent).toEqual([{ v: 1, type: 'decline', callId }]);
    expect(declined.audio.close).toHaveBeenCalled();
    expect(a.isEnded).toBe(true);
    const talking = setup();
    const b = ring(talking);
    b.accept();
    b.hangup();
    expect(talking.sent).toEqual([
      { v: 1, type: 'accept', callId },
      { v: 1, type: 'hangup', callId },
    ]);
  });

  it.each<EndedReason>(['answered-elsewhere', 'declined-elsewhere', 'cancelled', 'no-answer'])(
    'ends the ring as %s when the service says so, and a late accept does nothing',
    async (reason) => {
      const t = setup();
      const session = ring(t);
      session.endedByService(reason);
      session.accept();
      expect(t.reports.at(-1)).toEqual({ type: 'ended', callId, reason });
      expect(t.audio.close).toHaveBeenCalled();
      expect(t.sent).toEqual([]);
      expect(t.devices.open).not.toHaveBeenCalled();
    },
  );

  it("watches the media PeerJS makes on answer; after a lost path it answers the caller's ICE restart", async () => {
    const t = setup();
    const session = ring(t);
    session.accept();
    session.connect(BOB_PEER, true);
    const call = incomingCall();
    session.answer(call.asMediaConnection);
    await settle();
    call.pc.receive('audio');
    expect(t.types()).toEqual(['incoming', 'media-connected']);
    expect(t.host.publishMedia).toHaveBeenLastCalledWith({ local: t.local.stream, remote: expect.any(MediaStream) });
    call.pc.changeState('failed');
    await vi.advanceTimersByTimeAsync(6_000);
    // The callee says so and waits: only the caller offers, so the two never offer at once.
    expect(t.types().at(-1)).toBe('media-interrupted');
    expect(call.pc.restarts).toBe(0);
    expect(t.sent.filter((m) => m.type === 'media-signal')).toEqual([]);
    await session.mediaSignal({ v: 1, type: 'media-signal', callId, description: { type: 'offer', sdp: 'v=0 offer ice-restart' } });
    expect(call.pc.remoteDescriptions.at(-1)).toEqual({ type: 'offer', sdp: 'v=0 offer ice-restart' });
    expect(t.sent.at(-1)).toEqual({ v: 1, type: 'media-signal', callId, description: { type: 'answer', sdp: 'v=0 answer' } });
    call.pc.changeState('connected');
    expect(t.types().at(-1)).toBe('media-connected');
    expect(t.ended()).toEqual([]);
  });

  it('the media call closing after media flowed is the caller hanging up', async () => {
    const t = setup();
    const session = ring(t);
    session.accept();
    session.connect(BOB_PEER, true);
    const call = incomingCall();
    session.answer(call.asMediaConnection);
    await settle();
    call.pc.receive('audio');
    call.close();
    expect(t.ended()).toEqual(['remote-hung-up']);
    expect(t.local.audio.stopped).toBe(true);
  });
});

describe('the relay pre-connection while ringing', () => {
  const relayLine = (raddr: string) => `candidate:7 1 udp 41885439 198.51.100.7 50007 typ relay raddr ${raddr} rport 61234 generation 0`;
  const hostLine = 'candidate:1 1 udp 2122260223 192.0.2.10 54400 typ host generation 0';
  const signals = (t: Setup) => t.sent.filter((m) => m.type === 'media-signal');
  const fromCaller = (message: Partial<Extract<ClientMessage, { type: 'media-signal' }>>) => ({
    v: 1 as const,
    type: 'media-signal' as const,
    callId,
    ...message,
  });

  it('the ringing device offers a relay-only connection that sends nothing, and only relay candidates without its address', async () => {
    const t = setup({ relay: true });
    CallSession.ring(t.host, callId, bob, 'video', true);
    await settle();
    expect(t.connections).toHaveLength(1);
    const pc = t.connections[0]!;
    expect(pc.config).toEqual(RELAY_CONFIG);
    expect(pc.transceivers.map((x) => [x.receiver.track.kind, x.direction, x.sender.track])).toEqual([
      ['audio', 'sendrecv', null],
      ['video', 'sendrecv', null],
    ]);
    pc.gather({ candidate: hostLine, sdpMid: '0', sdpMLineIndex: 0 });
    pc.gather({ candidate: relayLine('203.0.113.9'), sdpMid: '0', sdpMLineIndex: 0 });
    expect(signals(t)).toEqual([
      { v: 1, type: 'media-signal', callId, description: { type: 'offer', sdp: 'v=0 offer m=audio m=video' } },
      { v: 1, type: 'media-signal', callId, candidate: { candidate: relayLine('0.0.0.0').replace('rport 61234', 'rport 0'), sdpMid: '0', sdpMLineIndex: 0 } },
    ]);
    expect(JSON.stringify(t.sent)).not.toContain('203.0.113.9');
    expect(JSON.stringify(t.sent)).not.toContain('192.0.2.10');
  });

  it('without TURN from the service nothing is prepared: no connection before Accept', async () => {
    const t = setup();
    CallSession.ring(t.host, callId, bob, 'video', true);
    await settle();
    expect(t.connections).toEqual([]);
    expect(t.sent).toEqual([]);
  });

  it("the caller answers each ringing device's offer on its own relay-only connection, naming the device", async () => {
    const t = setup({ relay: true });
    const session = CallSession.dial(t.host, callId, bob, 'video');
    await session.mediaSignal(fromCaller({ peer: CAROL_PEER, candidate: { candidate: relayLine('0.0.0.0') } }));
    expect(t.connections).toEqual([]);
    await session.mediaSignal(fromCaller({ peer: BOB_PEER, description: { type: 'offer', sdp: 'v=0 offer m=audio m=video' } }));
    await session.mediaSignal(fromCaller({ peer: CAROL_PEER, description: { type: 'offer', sdp: 'v=0 offer m=audio' } }));
    expect(t.connections.map((pc) => pc.config)).toEqual([RELAY_CONFIG, RELAY_CONFIG]);
    expect(t.connections[0]!.transceivers.map((x) => x.direction)).toEqual(['sendrecv', 'sendrecv']);
    expect(signals(t)).toEqual([
      { v: 1, type: 'media-signal', callId, peer: BOB_PEER, description: { type: 'answer', sdp: 'v=0 answer' } },
      { v: 1, type: 'media-signal', callId, peer: CAROL_PEER, description: { type: 'answer', sdp: 'v=0 answer' } },
    ]);
    t.connections[1]!.gather({ candidate: relayLine('0.0.0.0'), sdpMid: '0', sdpMLineIndex: 0 });
    expect(signals(t).at(-1)).toMatchObject({ peer: CAROL_PEER, candidate: { candidate: expect.stringContaining('typ relay') } });
    // No more than four ringing devices get one.
    for (let i = 0; i < 5; i++) await session.mediaSignal(fromCaller({ peer: `bc${String(i).repeat(30)}`, description: { type: 'offer', sdp: 'v=0 offer' } }));
    expect(t.connections).toHaveLength(4);
  });

  it('accepted on a connected pre-connection: the caller sends its camera on it, no PeerJS call; 2 s after media flows it restarts ICE off the relay', async () => {
    const t = setup({ relay: true });
    const session = CallSession.dial(t.host, callId, bob, 'video');
    await settle();
    await session.mediaSignal(fromCaller({ peer: BOB_PEER, description: { type: 'offer', sdp: 'v=0 offer m=audio m=video' } }));
    await session.mediaSignal(fromCaller({ peer: CAROL_PEER, description: { type: 'offer', sdp: 'v=0 offer m=audio m=video' } }));
    const [pc, other] = t.connections as [FakePeerConnection, FakePeerConnection];
    pc.changeState('connected');
    session.connect(BOB_PEER, true);
    await settle();
    expect(t.host.call).not.toHaveBeenCalled();
    expect(other.connectionState).toBe('closed');
    expect(pc.configurations).toEqual([CALL_CONFIG]);
    expect(pc.transceivers.map((x) => x.sender.track)).toEqual([t.local.audio, t.local.video]);
    expect(t.types()).toEqual(['remote-accepted']);
    pc.transceivers[1]!.receiver.track.arrive();
    expect(t.types()).toEqual(['remote-accepted', 'media-connected']);
    // The first frames go through on the relay; the move to a direct path comes 2 s later.
    await vi.advanceTimersByTimeAsync(1_900);
    expect(pc.restarts).toBe(0);
    await vi.advanceTimersByTimeAsync(200);
    expect(pc.restarts).toBe(1);
    expect(signals(t).at(-1)).toEqual({ v: 1, type: 'media-signal', callId, description: { type: 'offer', sdp: 'v=0 offer m=audio m=video ice-restart' } });
    await session.mediaSignal(fromCaller({ description: { type: 'answer', sdp: 'v=0 answer' } }));
    expect(pc.remoteDescriptions.at(-1)).toEqual({ type: 'answer', sdp: 'v=0 answer' });
    session.hangup();
    expect(pc.connectionState).toBe('closed');
  });

  it("the first frames go out at most 360 lines high, the camera's full resolution 2 s after media flowed (a smaller camera as it is)", async () => {
    const t = setup({ relay: true });
    const session = CallSession.dial(t.host, callId, bob, 'video');
    await settle();
    await session.mediaSignal(fromCaller({ peer: BOB_PEER, description: { type: 'offer', sdp: 'v=0 offer m=audio m=video' } }));
    const [pc] = t.connections as [FakePeerConnection];
    pc.changeState('connected');
    session.connect(BOB_PEER, true);
    await settle();
    const [audio, video] = pc.transceivers.map((x) => x.sender) as [FakeSender, FakeSender];
    expect(video.scaleAtTrack).toEqual([2]); // 720 lines / 2
    expect(audio.scaleAtTrack).toEqual([undefined]);
    pc.transceivers[1]!.receiver.track.arrive();
    await vi.advanceTimersByTimeAsync(FULL_RESOLUTION_AFTER_MS - 100);
    expect(video.scale).toBe(2);
    await vi.advanceTimersByTimeAsync(200);
    expect(video.scale).toBe(1);
    session.hangup();

    // A PeerJS media call (no pre-connection) starts small too; a 360-line camera is not scaled.
    for (const [videoHeight, first] of [
      [720, 2],
      [360, undefined],
    ] as const) {
      const u = setup({ videoHeight });
      const placed = CallSession.dial(u.host, callId, bob, 'video');
      await settle();
      placed.connect(BOB_PEER, true);
      await settle();
      const sender = u.calls[0]!.pc.senders.find((x) => x.track?.kind === 'video')!;
      expect(sender.scale).toBe(first);
      u.calls[0]!.pc.receive('video');
      await vi.advanceTimersByTimeAsync(FULL_RESOLUTION_AFTER_MS);
      expect(sender.scale).toBe(first && 1);
      placed.hangup();
    }
  });

  it('a pre-connection still connecting at Accept gets 2 s, then the caller places the PeerJS call; a failed one is replaced at once', async () => {
    const t = setup({ relay: true });
    const session = CallSession.dial(t.host, callId, bob, 'video');
    await settle();
    await session.mediaSignal(fromCaller({ peer: BOB_PEER, description: { type: 'offer', sdp: 'v=0 offer m=audio m=video' } }));
    const pc = t.connections[0]!;
    pc.changeState('connecting');
    session.connect(BOB_PEER, true);
    await vi.advanceTimersByTimeAsync(1_900);
    expect(t.host.call).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(200);
    expect(pc.connectionState).toBe('closed');
    expect(t.host.call).toHaveBeenCalledWith(BOB_PEER, t.local.stream, callId);

    const u = setup({ relay: true });
    const again = CallSession.dial(u.host, callId, bob, 'video');
    await settle();
    await again.mediaSignal(fromCaller({ peer: BOB_PEER, description: { type: 'offer', sdp: 'v=0 offer m=audio m=video' } }));
    u.connections[0]!.changeState('failed');
    again.connect(BOB_PEER, true);
    await settle();
    expect(u.host.call).toHaveBeenCalledWith(BOB_PEER, u.local.stream, callId);

    // Failing after Accept, before media: the PeerJS call, not the end of the call.
    const w = setup({ relay: true });
    const third = CallSession.dial(w.host, callId, bob, 'video');
    await settle();
    await third.mediaSignal(fromCaller({ peer: BOB_PEER, description: { type: 'offer', sdp: 'v=0 offer m=audio m=video' } }));
    w.connections[0]!.changeState('connecting');
    third.connect(BOB_PEER, true);
    await settle();
    w.connections[0]!.changeState('failed');
    await settle();
    expect(w.host.call).toHaveBeenCalledWith(BOB_PEER, w.local.stream, callId);
    expect(w.ended()).toEqual([]);
  });

  it("the callee sends on its pre-connection at Accept, answers the caller's restart, and a PeerJS call from the caller replaces it", async () => {
    const t = setup({ relay: true });
    const session = CallSession.ring(t.host, callId, bob, 'video', true);
    await settle();
    const pc = t.connections[0]!;
    await session.mediaSignal(fromCaller({ description: { type: 'answer', sdp: 'v=0 answer' } }));
    await session.mediaSignal(fromCaller({ candidate: { candidate: relayLine('0.0.0.0') } }));
    expect(pc.remoteDescriptions).toEqual([{ type: 'answer', sdp: 'v=0 answer' }]);
    expect(pc.candidates).toHaveLength(1);
    expect(pc.transceivers.every((x) => x.sender.track === null)).toBe(true);
    session.accept();
    await settle();
    expect(pc.transceivers.map((x) => x.sender.track)).toEqual([t.local.audio, t.local.video]);
    expect(pc.configurations).toEqual([CALL_CONFIG]);
    await session.mediaSignal(fromCaller({ description: { type: 'offer', sdp: 'v=0 offer ice-restart' } }));
    expect(signals(t).at(-1)).toEqual({ v: 1, type: 'media-signal', callId, description: { type: 'answer', sdp: 'v=0 answer' } });

    // The caller's side was not ready: it places the PeerJS call instead.
    session.connect(BOB_PEER, true);
    const call = incomingCall();
    session.answer(call.asMediaConnection);
    await settle();
    expect(pc.connectionState).toBe('closed');
    expect(call.answered).toEqual([t.local.stream]);
    call.pc.receive('video');
    expect(t.types()).toEqual(['incoming', 'media-connected']);
  });

  it('a ringing call that ends closes its pre-connection', async () => {
    const t = setup({ relay: true });
    const session = CallSession.ring(t.host, callId, bob, 'audio', true);
    await settle();
    session.decline();
    expect(t.connections[0]!.connectionState).toBe('closed');
  });
});

describe("the control socket lost under a call (the service's side of it is gone)", () => {
  it('a ringing call ends at once, on either side, instead of waiting on frames that can no longer come', async () => {
    const caller = setup();
    const dialed = CallSession.dial(caller.host, callId, bob, 'video');
    const callee = setup();
    const ringing = CallSession.ring(callee.host, otherCallId, bob, 'audio', true);
    await settle();
    for (const [t, session, id] of [
      [caller, dialed, callId],
      [callee, ringing, otherCallId],
    ] as const) {
      session.serviceLost();
      expect(t.reports.at(-1)).toEqual({ type: 'ended', callId: id, reason: 'failed', detail: { key: 'serviceLostWhileRinging' } });
      expect(session.isEnded).toBe(true);
      // Nothing is sent: the socket it would go on is gone, and the service already dropped the call.
      expect(t.sent.filter((m) => m.type !== 'ring')).toEqual([]);
    }
    expect(caller.local.video.stopped).toBe(true);
    expect(callee.audio.close).toHaveBeenCalled();
  });

  it('an accepted call goes on: the service keeps it for the next socket', async () => {
    const t = setup();
    const session = CallSession.dial(t.host, callId, bob, 'audio');
    session.connect(BOB_PEER, true);
    await settle();
    session.serviceLost();
    expect(session.isEnded).toBe(false);
    expect(t.ended()).toEqual([]);
    const callee = setup();
    const ringing = CallSession.ring(callee.host, otherCallId, bob, 'audio', true);
    ringing.accept();
    ringing.serviceLost();
    expect(ringing.isEnded).toBe(false);
  });
});
