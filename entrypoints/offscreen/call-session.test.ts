/**
 * CallSession against fake PeerJS connections and fake timers: the timeouts nobody waits for in
 * an end-to-end test (45 s no answer, 5.5 s unavailable), and hostile or late control messages.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DataConnection } from 'peerjs';
import type { Handle } from '@/lib/handle';
import type { MediaDevices } from '@/lib/media-devices';
import type { WireMessage } from '@/lib/protocol';
import { CallSession, RING_TIMEOUT_MS, type SessionHost } from './call-session';

type Listener = (...args: unknown[]) => void;

class FakeEmitter {
  private listeners = new Map<string, Listener[]>();
  on(event: string, listener: Listener) {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }
  once(event: string, listener: Listener) {
    const wrapper: Listener = (...args) => {
      this.listeners.set(event, (this.listeners.get(event) ?? []).filter((l) => l !== wrapper));
      listener(...args);
    };
    return this.on(event, wrapper);
  }
  emit(event: string, ...args: unknown[]) {
    for (const listener of this.listeners.get(event) ?? []) listener(...args);
  }
}

/** The RTCPeerConnection under a control channel: enough of it to add media by renegotiation. */
class FakePeerConnection extends EventTarget {
  connectionState: RTCPeerConnectionState = 'connected';
  localDescription: { sdp: string } | null = null;
  remoteDescriptions: Array<{ type: string; sdp: string }> = [];
  transceivers: Array<{ kind: string; direction: string; receiver: { track: { kind: string } }; sender: { track: unknown; replaceTrack(t: unknown): Promise<void> } }> = [];
  addTransceiver(kind: string, init: { direction: string }) {
    const transceiver = {
      kind,
      direction: init.direction,
      receiver: { track: { kind } },
      sender: { track: null as unknown, async replaceTrack(track: unknown) { this.track = track; } },
    };
    this.transceivers.push(transceiver);
    return transceiver;
  }
  getTransceivers() {
    return this.transceivers;
  }
  async createOffer() {
    return { type: 'offer', sdp: `v=0 offer ${this.transceivers.map((t) => t.kind).join(' ')}` };
  }
  async createAnswer() {
    return { type: 'answer', sdp: 'v=0 answer' };
  }
  async setLocalDescription(description: { sdp: string }) {
    this.localDescription = description;
  }
  async setRemoteDescription(description: { type: string; sdp: string }) {
    this.remoteDescriptions.push(description);
    if (description.type === 'offer') for (const kind of description.sdp.split(' ').slice(2)) this.addTransceiver(kind, { direction: 'recvonly' });
  }
  receive(kind: string, muted: boolean) {
    const track = Object.assign(new EventTarget(), { kind, muted });
    this.dispatchEvent(Object.assign(new Event('track'), { track }));
    return track;
  }
}

class FakeControl extends FakeEmitter {
  open = false;
  peerConnection = new FakePeerConnection();
  sent: unknown[] = [];
  closed = false;
  constructor(readonly peer: string, readonly metadata: unknown) {
    super();
  }
  send(message: unknown) {
    this.sent.push(message);
  }
  close() {
    if (this.closed) return;
    this.closed = true;
    this.open = false;
    this.emit('close');
  }
  becomeOpen() {
    this.open = true;
    this.emit('open');
  }
}

function fakeStream() {
  const track = { kind: 'audio', enabled: true, stopped: false, stop() { this.stopped = true; } };
  return { track, stream: { getTracks: () => [track], getAudioTracks: () => [track], getVideoTracks: () => [] } as unknown as MediaStream };
}

function setup() {
  const reports: Array<{ type: string; reason?: string }> = [];
  const local = fakeStream();
  const devices: MediaDevices = {
    open: vi.fn(async () => local.stream),
    createAudioContext: () => {
      throw new Error('no audio in tests');
    },
  };
  const host: SessionHost = {
    self: 'alice' as Handle,
    devices,
    report: (event) => reports.push(event),
    publishMedia: () => undefined,
    disposed: () => undefined,
  };
  const controls: FakeControl[] = [];
  const peer = {
    connect: (id: string, options: { metadata: unknown }) => {
      const control = new FakeControl(id, options.metadata);
      controls.push(control);
      return control as unknown as DataConnection;
    },
  };
  return { reports, host, peer, controls, local, devices };
}

const callId = '11111111-2222-4333-8444-555555555555';
const bobId = 'birdcall-v1-xbob';
const ended = (reports: Array<{ type: string; reason?: string }>) => reports.filter((r) => r.type === 'ended').map((r) => r.reason);

beforeEach(() => {
  vi.useFakeTimers();
  vi.spyOn(console, 'warn').mockImplementation(() => undefined);
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('outgoing CallSession', () => {
  it('rings through the connection metadata, with the caller handle and kind', () => {
    const { host, peer, controls } = setup();
    CallSession.dial(host, peer, callId, 'bob' as Handle, 'video');
    expect(controls[0].peer).toBe(bobId);
    expect(controls[0].metadata).toEqual({ v: 1, type: 'ring', callId, from: 'alice', kind: 'video' });
  });

  it('gives up with "no answer" after 45 s, telling the callee', async () => {
    const { host, peer, controls, reports, local } = setup();
    CallSession.dial(host, peer, callId, 'bob' as Handle, 'audio');
    controls[0].becomeOpen();
    await vi.advanceTimersByTimeAsync(RING_TIMEOUT_MS - 1);
    expect(ended(reports)).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(controls[0].sent).toContainEqual({ v: 1, type: 'cancel', callId, reason: 'no-answer' });
    expect(ended(reports)).toEqual(['no-answer']);
    expect(local.track.stopped).toBe(true);
  });

  it('is "unavailable" when the control channel never opens', async () => {
    const { host, peer, reports } = setup();
    CallSession.dial(host, peer, callId, 'bob' as Handle, 'audio');
    await vi.advanceTimersByTimeAsync(5_500);
    expect(ended(reports)).toEqual(['unavailable']);
  });

  it('is "unavailable" at once when the server says the peer is not there', () => {
    const { host, peer, reports } = setup();
    const session = CallSession.dial(host, peer, callId, 'bob' as Handle, 'audio');
    session.peerUnavailable('birdcall-v1-xcarol');
    expect(ended(reports)).toEqual([]);
    session.peerUnavailable(bobId);
    expect(ended(reports)).toEqual(['unavailable']);
  });

  it('drops malformed and foreign messages and carries on', async () => {
    const { host, peer, controls, reports } = setup();
    CallSession.dial(host, peer, callId, 'bob' as Handle, 'audio');
    controls[0].becomeOpen();
    for (const junk of [null, 'hangup', { v: 2, type: 'hangup', callId }, { v: 1, type: 'hangup', callId: 'x' }, { v: 1, type: 'boom', callId }, new Array(1e4).fill('x')]) {
      controls[0].emit('data', junk);
    }
    controls[0].emit('data', { v: 1, type: 'hangup', callId: '99999999-2222-4333-8444-555555555555' } satisfies WireMessage);
    controls[0].emit('data', { v: 1, type: 'cancel', callId, reason: 'hung-up' } satisfies WireMessage); // only callers cancel
    expect(ended(reports)).toEqual([]);
    controls[0].emit('data', { v: 1, type: 'decline', callId } satisfies WireMessage);
    controls[0].emit('data', { v: 1, type: 'decline', callId } satisfies WireMessage);
    expect(ended(reports)).toEqual(['declined']);
  });

  it("answers the callee's offer with its microphone, and is connected when remote media flows", async () => {
    const { host, peer, controls, reports, local } = setup();
    CallSession.dial(host, peer, callId, 'bob' as Handle, 'audio');
    const control = controls[0];
    control.becomeOpen();
    control.emit('data', { v: 1, type: 'offer', callId, sdp: 'v=0 offer audio' } satisfies WireMessage); // before accept: ignored
    expect(control.peerConnection.remoteDescriptions).toEqual([]);
    control.emit('data', { v: 1, type: 'accept', callId } satisfies WireMessage);
    expect(reports.map((r) => r.type)).toContain('remote-accepted');
    control.emit('data', { v: 1, type: 'offer', callId, sdp: 'v=0 offer audio' } satisfies WireMessage);
    await vi.advanceTimersByTimeAsync(0);
    const [transceiver] = control.peerConnection.transceivers;
    expect(transceiver).toMatchObject({ direction: 'sendrecv', sender: { track: local.track } });
    expect(control.sent).toContainEqual({ v: 1, type: 'answer', callId, sdp: 'v=0 answer' });

    const track = control.peerConnection.receive('audio', true);
    expect(reports.filter((r) => r.type === 'media-connected')).toHaveLength(0);
    track.dispatchEvent(new Event('unmute'));
    control.peerConnection.receive('video', false);
    expect(reports.filter((r) => r.type === 'media-connected')).toHaveLength(1);
    // The media timer no longer matters once connected.
    await vi.advanceTimersByTimeAsync(60_000);
    expect(ended(reports)).toEqual([]);
  });

  it('a cancel said before the channel opened is delivered once it opens', () => {
    const { host, peer, controls } = setup();
    const session = CallSession.dial(host, peer, callId, 'bob' as Handle, 'audio');
    session.hangup();
    expect(controls[0].sent).toEqual([]);
    controls[0].becomeOpen();
    expect(controls[0].sent).toEqual([{ v: 1, type: 'cancel', callId, reason: 'hung-up' }]);
  });

  it('a missing camera fails the call with a reason a person can act on', async () => {
    const { host, peer, reports, devices } = setup();
    vi.mocked(devices.open).mockRejectedValueOnce(Object.assign(new Error('denied'), { name: 'NotAllowedError' }));
    CallSession.dial(host, peer, callId, 'bob' as Handle, 'video');
    await vi.advanceTimersByTimeAsync(0);
    expect(reports.map((r) => r.type)).toEqual(['permission-needed', 'ended']);
    expect(reports[1]).toMatchObject({ reason: 'failed', detail: expect.stringMatching(/camera or microphone/) });
  });
});

describe('incoming CallSession', () => {
  const ring = { v: 1, type: 'ring', callId, from: 'bob' as Handle, kind: 'audio' } as const;

  it('reports the ring, and after 50 s without an answer ends as no-answer (a missed call)', async () => {
    const { host, reports } = setup();
    const control = new FakeControl(bobId, ring);
    CallSession.ring(host, control as unknown as DataConnection, ring);
    expect(reports[0]).toEqual({ type: 'incoming', callId, from: 'bob', kind: 'audio' });
    await vi.advanceTimersByTimeAsync(50_000);
    expect(ended(reports)).toEqual(['no-answer']);
  });

  it('accept offers audio on the control connection at once; the microphone joins when open; no media fails the call', async () => {
    const { host, reports, local } = setup();
    const control = new FakeControl(bobId, ring);
    const session = CallSession.ring(host, control as unknown as DataConnection, ring);
    control.becomeOpen();
    await session.accept();
    await session.accept();
    expect(control.sent).toEqual([
      { v: 1, type: 'accept', callId },
      { v: 1, type: 'offer', callId, sdp: 'v=0 offer audio' },
    ]);
    expect(control.peerConnection.transceivers).toHaveLength(1);
    expect(control.peerConnection.transceivers[0].sender.track).toBe(local.track);
    control.emit('data', { v: 1, type: 'answer', callId, sdp: 'v=0 answer' } satisfies WireMessage);
    await vi.advanceTimersByTimeAsync(0);
    expect(control.peerConnection.remoteDescriptions).toEqual([{ type: 'answer', sdp: 'v=0 answer' }]);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(ended(reports)).toEqual(['failed']);
  });

  it('the caller cancelling ends the ring as cancelled; a late accept does nothing', async () => {
    const { host, reports } = setup();
    const control = new FakeControl(bobId, ring);
    const session = CallSession.ring(host, control as unknown as DataConnection, ring);
    control.becomeOpen();
    control.emit('data', { v: 1, type: 'cancel', callId, reason: 'hung-up' } satisfies WireMessage);
    await session.accept();
    expect(ended(reports)).toEqual(['cancelled']);
    expect(control.peerConnection.transceivers).toHaveLength(0);
  });

  it('turns a second caller away as busy', () => {
    const control = new FakeControl('birdcall-v1-xcarol', ring);
    control.becomeOpen();
    CallSession.turnAwayBusy(control as unknown as DataConnection, callId);
    expect(control.sent).toEqual([{ v: 1, type: 'busy', callId }]);
  });
});
