/**
 * ServiceLink against a fake control socket, a fake device key and a fake PeerJS Peer, with fake
 * timers: the registration handshake, status, reconnects, and frames the service should not send.
 */
import type Peer from 'peerjs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Handle } from '@/lib/handle';
import { say } from '@/lib/i18n';
import type { ServiceConfig, SignalStatus } from '@/lib/messages';
import type { SignalServer } from '@/lib/signal-config';
import { helloPayload, type Identity, type ServerMessage } from '@/lib/wire';
import type { DeviceKey } from './device-key';
import { ServiceLink, type LinkSeams, type ServiceLinkListener } from './service-link';
import { FakeEmitter } from './fake-emitter.test-support';

class FakeSocket {
  readyState = 1; // OPEN
  sent: string[] = [];
  closed = false;
  onmessage: ((event: { data: string }) => void) | null = null;
  onclose: (() => void) | null = null;
  constructor(readonly url: string) {}
  send(data: string) {
    this.sent.push(data);
  }
  close() {
    this.closed = true;
    this.readyState = 3;
  }
  /** A frame from the service. */
  receive(frame: unknown) {
    this.onmessage?.({ data: typeof frame === 'string' ? frame : JSON.stringify(frame) });
  }
  /** The service or the network closed the socket. */
  drop() {
    this.close();
    this.onclose?.();
  }
  get frames() {
    return this.sent.map((text) => JSON.parse(text) as Record<string, unknown>);
  }
}

class FakePeer extends FakeEmitter {
  open = false;
  destroyed = false;
  constructor(
    readonly id: string,
    readonly server: SignalServer,
    readonly token: string,
    config: RTCConfiguration,
  ) {
    super();
    this.options = { config };
  }
  /** What PeerJS reads for every RTCPeerConnection it makes. */
  options: { config: RTCConfiguration };
  disconnected = false;
  disconnect() {
    this.disconnected = true;
    this.open = false;
  }
  destroy() {
    this.destroyed = true;
    this.open = false;
  }
  reconnect() {}
  becomeOpen() {
    this.open = true;
    this.emit('open', this.id);
  }
}

const publicKey = { kty: 'EC', crv: 'P-256', x: 'a'.repeat(43), y: 'b'.repeat(43) } as const;
/** Signs deterministically: the signature names what was signed. */
const fakeKey: DeviceKey = {
  publicKey,
  sign: async (data) => `sig_${Buffer.from(data).toString('base64url')}`,
};
const expectedSignature = (nonce: string) => `sig_${Buffer.from(helloPayload(nonce)).toString('base64url')}`;

const PEER_ID = `bc${'A1'.repeat(15)}`;
const serviceKey = { kty: 'EC', crv: 'P-256', x: 'c'.repeat(43), y: 'd'.repeat(43) } as const;
const iceServers = [{ urls: ['stun:127.0.0.1:3478'] }, { urls: ['turn:127.0.0.1:3478'], username: 'u', credential: 'p' }];
const alice: Identity = { handle: 'alice' as Handle, verified: true };

const challenge = (nonce = 'nonce1') => ({ v: 1, type: 'challenge', nonce, signIn: true });
const registered = (overrides: Record<string, unknown> = {}) => ({
  v: 1,
  type: 'registered',
  deviceId: 'device1',
  identity: alice,
  certificate: 'aaa.bbb.ccc',
  serviceKey,
  peerId: PEER_ID,
  peerToken: 'token123',
  iceServers,
  signIn: true,
  ...overrides,
});
const ended = { v: 1, type: 'ended', callId: 'call-0001', reason: 'answered-elsewhere' };

const config: ServiceConfig = { url: 'http://127.0.0.1:9000/', claim: 'alice' as Handle };

function setup() {
  const sockets: FakeSocket[] = [];
  const peers: FakePeer[] = [];
  const statuses: Array<[SignalStatus, string | undefined]> = [];
  const accounts: Array<[Identity | null, boolean]> = [];
  const messages: ServerMessage[] = [];
  const mediaCalls: unknown[] = [];
  let lost = 0;
  const listener: ServiceLinkListener = {
    status: (status, detail) => statuses.push([status, detail && say(detail)]),
    account: (identity, signIn) => accounts.push([identity, signIn]),
    message: (message) => messages.push(message),
    mediaCall: (call) => mediaCalls.push(call),
    registrationLost: () => lost++,
  };
  const seams: LinkSeams = {
    deviceKey: async () => fakeKey,
    openSocket: (url) => {
      const socket = new FakeSocket(url);
      sockets.push(socket);
      return socket as unknown as WebSocket;
    },
    createPeer: (id, server, token, ice) => {
      const peer = new FakePeer(id, server, token, ice);
      peers.push(peer);
      return peer as unknown as Peer;
    },
  };
  const link = new ServiceLink(listener, seams);
  const socket = () => sockets.at(-1)!;
  const peer = () => peers.at(-1)!;
  const lastStatus = () => statuses.at(-1)?.[0];
  return { link, sockets, peers, statuses, accounts, messages, mediaCalls, socket, peer, lastStatus, lost: () => lost };
}

/** Lets the async frame handling (device key, signing) finish. */
const settle = () => vi.advanceTimersByTimeAsync(0);

/** The current control socket is challenged and registered, and the Peer opens. */
async function registerAndOpen(t: ReturnType<typeof setup>) {
  t.socket().receive(challenge());
  await settle();
  t.socket().receive(registered());
  await settle();
  t.peer().becomeOpen();
}

/** Configured, challenged, registered, and the Peer open. */
async function connected(t: ReturnType<typeof setup>) {
  t.link.configure(config);
  await registerAndOpen(t);
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.spyOn(console, 'warn').mockImplementation(() => undefined);
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('ServiceLink registration', () => {
  it('opens the control socket of the configured service and says it is connecting', () => {
    const t = setup();
    t.link.configure(config);
    expect(t.sockets.map((s) => s.url)).toEqual(['ws://127.0.0.1:9000/control']);
    expect(t.statuses).toEqual([['connecting', undefined]]);
  });

  it('answers a challenge with hello: the public key, a signature over helloPayload(nonce) and the claim', async () => {
    const t = setup();
    t.link.configure(config);
    t.socket().receive(challenge('n0nce_42'));
    await settle();
    expect(t.socket().frames).toEqual([{ v: 1, type: 'hello', publicKey, signature: expectedSignature('n0nce_42'), claim: 'alice' }]);
  });

  it('sends no claim when x.com has shown no handle', async () => {
    const t = setup();
    t.link.configure({ ...config, claim: null });
    t.socket().receive(challenge());
    await settle();
    expect(t.socket().frames).toEqual([{ v: 1, type: 'hello', publicKey, signature: expectedSignature('nonce1') }]);
  });

  it('on registered, reports the account and creates the Peer with the issued id, token and ICE servers only', async () => {
    const t = setup();
    t.link.configure(config);
    t.socket().receive(challenge());
    await settle();
    t.socket().receive(registered());
    await settle();
    expect(t.accounts).toEqual([[alice, true]]);
    expect(t.peers).toHaveLength(1);
    expect(t.peer()).toMatchObject({
      id: PEER_ID,
      token: 'token123',
      server: { host: '127.0.0.1', port: 9000, path: '/', secure: false },
      options: { config: { iceServers, iceTransportPolicy: 'all' } },
    });
    expect(t.lastStatus()).toBe('connecting');
    expect(t.link.current).toBeNull();
  });

  it('is connected once the Peer opens, and hands the registration to whoever waited for it', async () => {
    const t = setup();
    t.link.configure(config);
    const waiting = t.link.whenRegistered(5_000);
    await registerAndOpen(t);
    expect(t.lastStatus()).toBe('connected');
    expect(await waiting).toMatchObject({ identity: alice, signIn: true, serviceKey });
    expect(t.link.current?.peer).toBe(t.peer());
  });

  it('a second registered on the same socket (after sign-in) keeps the Peer and reports the new account', async () => {
    const t = setup();
    t.link.configure(config);
    t.socket().receive(challenge());
    await settle();
    t.socket().receive(registered({ identity: null, certificate: null }));
    await settle();
    t.peer().becomeOpen();
    t.socket().receive(registered());
    await settle();
    expect(t.peers).toHaveLength(1);
    expect(t.accounts).toEqual([
      [null, true],
      [alice, true],
    ]);
    expect(t.link.current?.identity).toEqual(alice);
  });

  it('whenRegistered gives null when the service does not answer in time', async () => {
    const t = setup();
    t.link.configure(config);
    const waiting = t.link.whenRegistered(5_000);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(await waiting).toBeNull();
  });

  it('handle-taken shows id-taken, and keeps showing it when the Peer opens', async () => {
    const t = setup();
    t.link.configure(config);
    t.socket().receive(challenge());
    await settle();
    t.socket().receive({ v: 1, type: 'refused', reason: 'handle-taken', detail: '@alice is registered on another device' });
    await settle();
    expect(t.statuses.at(-1)).toEqual(['id-taken', undefined]);
    t.socket().receive(registered({ identity: null, certificate: null, signIn: false }));
    await settle();
    t.peer().becomeOpen();
    expect(t.lastStatus()).toBe('id-taken');
    expect(t.statuses.filter(([status]) => status === 'connected')).toEqual([]);
  });

  it('sends a ping every 25 s while registered', async () => {
    const t = setup();
    await connected(t);
    const before = t.socket().sent.length;
    await vi.advanceTimersByTimeAsync(25_000);
    expect(t.socket().frames.slice(before)).toEqual([{ v: 1, type: 'ping' }]);
  });
});

describe('ServiceLink reconnects', () => {
  it('on socket close: offline at once (connection lost), the session Peer disconnected (a call on it goes on) and destroyed once no call runs, and a new socket after backoff', async () => {
    const t = setup();
    await connected(t);
    const first = t.socket();
    const firstPeer = t.peer();
    first.drop();
    expect(t.statuses.at(-1)).toEqual(['offline', "Offline: the connection to Birdcall's service (127.0.0.1:9000) was lost."]);
    expect(firstPeer.disconnected).toBe(true);
    expect(firstPeer.destroyed).toBe(false);
    t.link.releaseRetired();
    expect(firstPeer.destroyed).toBe(true);
    expect(t.link.current).toBeNull();
    expect(t.link.send({ v: 1, type: 'ping' })).toBe(false);
    expect(t.sockets).toHaveLength(1);
    // 500 ms, jittered by ±20%.
    await vi.advanceTimersByTimeAsync(399);
    expect(t.sockets).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(201);
    expect(t.sockets).toHaveLength(2);
    expect(t.socket()).not.toBe(first);

    // A new connection is a new challenge, a new session id and a new Peer.
    t.socket().receive(challenge('second'));
    await settle();
    expect(t.socket().frames[0]).toMatchObject({ type: 'hello', signature: expectedSignature('second') });
    t.socket().receive(registered({ peerId: `bc${'B2'.repeat(15)}`, peerToken: 'token456' }));
    await settle();
    t.peer().becomeOpen();
    expect(t.peers).toHaveLength(2);
    expect(t.peer()).toMatchObject({ id: `bc${'B2'.repeat(15)}`, token: 'token456' });
    expect(t.lastStatus()).toBe('connected');
  });

  it('backs off longer while the service stays away', async () => {
    const t = setup();
    t.link.configure(config);
    t.socket().drop();
    await vi.advanceTimersByTimeAsync(600);
    expect(t.sockets).toHaveLength(2);
    t.socket().drop();
    // 1 s, jittered by ±20%: never before 800 ms, always by 1,200 ms.
    await vi.advanceTimersByTimeAsync(799);
    expect(t.sockets).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(401);
    expect(t.sockets).toHaveLength(3);
    // The longest wait is 10 s (±20%), however long the service stays away.
    for (let i = 0; i < 10; i++) {
      t.socket().drop();
      await vi.advanceTimersByTimeAsync(12_000);
    }
    expect(t.sockets).toHaveLength(13);
  });

  it('takes renewed TURN credentials for the connections it makes from then on, and tells nobody', async () => {
    const t = setup();
    await connected(t);
    const renewed = [{ urls: ['turn:127.0.0.1:3478?transport=udp'], username: '1900000000:device1', credential: 'fresh' }];
    const before = t.messages.length;
    t.socket().receive({ v: 1, type: 'ice-servers', iceServers: renewed });
    await settle();
    expect(t.peer().options.config.iceServers).toEqual(renewed);
    expect(t.peers).toHaveLength(1);
    expect(t.messages).toHaveLength(before);
  });

  it('"Always relay calls" makes the next connections relay-only, without reconnecting', async () => {
    const t = setup();
    await connected(t);
    t.link.useRelayOnly(true);
    expect(t.sockets).toHaveLength(1);
    expect(t.peers).toHaveLength(1);
    expect(t.peer().options.config).toEqual({ iceServers, iceTransportPolicy: 'relay' });
    expect(t.link.relayMissing).toBe(false);
    // Renewed credentials keep the choice.
    t.socket().receive({ v: 1, type: 'ice-servers', iceServers: [{ urls: ['turns:127.0.0.1:5349'], username: 'u2', credential: 'c2' }] });
    await settle();
    expect(t.peer().options.config.iceTransportPolicy).toBe('relay');
    t.link.useRelayOnly(false);
    expect(t.peer().options.config.iceTransportPolicy).toBe('all');
  });

  it('knows when relay-only is chosen but the service offers no relay', async () => {
    const t = setup();
    t.link.configure(config);
    t.link.useRelayOnly(true);
    t.socket().receive(challenge());
    await settle();
    t.socket().receive(registered({ iceServers: [{ urls: ['stun:127.0.0.1:3478'] }] }));
    await settle();
    expect(t.link.relayMissing).toBe(true);
    t.link.useRelayOnly(false);
    expect(t.link.relayMissing).toBe(false);
  });

  it('checkAlive: a pong keeps the socket; no pong within 3 s reconnects at once with a new session', async () => {
    const t = setup();
    await connected(t);
    const first = t.socket();
    t.link.checkAlive();
    expect(first.frames.at(-1)).toEqual({ v: 1, type: 'ping' });
    first.receive({ v: 1, type: 'pong' });
    await vi.advanceTimersByTimeAsync(5_000);
    expect(t.sockets).toHaveLength(1);

    t.link.checkAlive();
    t.link.checkAlive(); // one check at a time
    expect(first.frames.filter((f) => (f as { type?: string }).type === 'ping')).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(2_999);
    expect(t.sockets).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(first.closed).toBe(true);
    expect(t.peers[0]!.disconnected).toBe(true);
    expect(t.sockets).toHaveLength(2);
    // The dead socket's late frames are nobody's business any more: an `ended` it carried now is lost to this device.
    first.receive(registered());
    await settle();
    expect(t.peers).toHaveLength(1);
  });

  it('says when a registration is lost (closed or replaced socket), once each, and not before there was one', async () => {
    const t = setup();
    t.link.configure(config);
    t.socket().drop();
    expect(t.lost()).toBe(0);
    await vi.advanceTimersByTimeAsync(600);
    await registerAndOpen(t);
    t.socket().drop();
    expect(t.lost()).toBe(1);
    await vi.advanceTimersByTimeAsync(1_200);
    t.socket().receive(challenge('again'));
    await settle();
    t.socket().receive(registered());
    await settle();
    t.link.checkAlive();
    await vi.advanceTimersByTimeAsync(3_000);
    expect(t.lost()).toBe(2);
  });

  it('a second registered on the same socket (after sign-in) keeps the Peer and takes the ICE servers it brings', async () => {
    const t = setup();
    t.link.configure(config);
    t.socket().receive(challenge());
    await settle();
    t.socket().receive(registered({ identity: null, certificate: null, iceServers: [] }));
    await settle();
    expect(t.peer().options.config.iceServers).toEqual([]);
    t.socket().receive(registered());
    await settle();
    expect(t.peers).toHaveLength(1);
    expect(t.peer().options.config.iceServers).toEqual(iceServers);
  });

  it('configure(null) closes the socket and does not reconnect; the status is left to the background, which knows why', async () => {
    const t = setup();
    await connected(t);
    const socket = t.socket();
    const said = t.statuses.length;
    t.link.configure(null);
    expect(socket.closed).toBe(true);
    expect(t.peer().destroyed).toBe(true);
    expect(t.statuses).toHaveLength(said);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(t.sockets).toHaveLength(1);
  });

  it('an unusable service URL is an error, with no socket', () => {
    const t = setup();
    t.link.configure({ ...config, url: 'ftp://nope' });
    expect(t.sockets).toHaveLength(0);
    expect(t.lastStatus()).toBe('error');
  });
});

describe('ServiceLink offline', () => {
  const unreachable = "Offline: Birdcall's service (127.0.0.1:9000) cannot be reached.";
  /** The service refuses the link `times` times in a row, each retry after its backoff. */
  const refused = async (t: ReturnType<typeof setup>, times: number) => {
    for (let i = 0; i < times; i++) {
      t.socket().drop();
      await vi.advanceTimersByTimeAsync(10_000);
    }
  };

  it('a service nobody listens on is offline at once, with why; calls waiting for it get nothing at once, not after their timeout', async () => {
    const t = setup();
    t.link.configure(config);
    const waiting = t.link.whenRegistered(5_000);
    t.socket().drop();
    expect(t.statuses).toEqual([
      ['connecting', undefined],
      ['offline', unreachable],
    ]);
    expect(await waiting).toBeNull();
    expect(await t.link.whenRegistered(5_000)).toBeNull();
    expect(t.link.offlineReason).toEqual({ key: 'offlineUnreachable', args: ['127.0.0.1:9000'] });
  });

  it('keeps trying with backoff and says nothing new until it works, then is online', async () => {
    const t = setup();
    t.link.configure(config);
    await refused(t, 4);
    expect(t.sockets).toHaveLength(5);
    expect(t.statuses.map(([status]) => status)).toEqual(['connecting', 'offline', 'offline', 'offline', 'offline']);
    await registerAndOpen(t);
    expect(t.lastStatus()).toBe('connected');
    expect(t.link.offlineReason).toBeNull();
  });

  it('a service that accepts the socket but never registers this device does not answer: offline after 10 s, and tried again', async () => {
    const t = setup();
    t.link.configure(config);
    await vi.advanceTimersByTimeAsync(9_999);
    expect(t.lastStatus()).toBe('connecting');
    await vi.advanceTimersByTimeAsync(1);
    expect(t.statuses.at(-1)).toEqual(['offline', "Offline: Birdcall's service (127.0.0.1:9000) does not answer."]);
    expect(t.sockets[0]!.closed).toBe(true);
    await vi.advanceTimersByTimeAsync(600);
    expect(t.sockets).toHaveLength(2);
    // A registration in time leaves no timer behind.
    await registerAndOpen(t);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(t.lastStatus()).toBe('connected');
    expect(t.sockets).toHaveLength(2);
  });

  it('retryNow tries at once instead of at the next backoff, and says it is connecting', async () => {
    const t = setup();
    t.link.configure(config);
    await refused(t, 5);
    t.socket().drop();
    const sockets = t.sockets.length;
    t.link.retryNow();
    expect(t.sockets).toHaveLength(sockets + 1);
    expect(t.lastStatus()).toBe('connecting');
    // The backoff starts over: the next try is 500 ms after this one fails, not 10 s.
    t.socket().drop();
    await vi.advanceTimersByTimeAsync(600);
    expect(t.sockets).toHaveLength(sockets + 2);
  });

  it('retryNow does nothing while registered, and never ends a call going on over an earlier session', async () => {
    const t = setup();
    await connected(t);
    t.link.retryNow();
    expect(t.sockets).toHaveLength(1);
    const callPeer = t.peer();
    t.socket().drop();
    t.link.retryNow();
    expect(t.sockets).toHaveLength(2);
    expect(callPeer.destroyed).toBe(false);
  });
});

describe('ServiceLink frames', () => {
  it('send is false before registration, and true (on the socket) after it', async () => {
    const t = setup();
    expect(t.link.send({ v: 1, type: 'ping' })).toBe(false);
    t.link.configure(config);
    t.socket().receive(challenge());
    await settle();
    expect(t.link.send({ v: 1, type: 'ring', callId: 'call-0001', to: 'bob' as Handle, kind: 'audio' })).toBe(false);
    expect(t.socket().frames.map((f) => f.type)).toEqual(['hello']);
    t.socket().receive(registered());
    await settle();
    expect(t.link.send({ v: 1, type: 'ring', callId: 'call-0001', to: 'bob' as Handle, kind: 'audio' })).toBe(true);
    expect(t.socket().frames.at(-1)).toEqual({ v: 1, type: 'ring', callId: 'call-0001', to: 'bob', kind: 'audio' });
  });

  it('passes call frames on once registered, not before', async () => {
    const t = setup();
    t.link.configure(config);
    t.socket().receive(ended);
    await settle();
    expect(t.messages).toEqual([]);
    t.socket().receive(challenge());
    await settle();
    t.socket().receive(registered());
    await settle();
    t.socket().receive(ended);
    await settle();
    expect(t.messages).toEqual([ended]);
  });

  it.each([
    ['not JSON', '{"v":1,'],
    ['another version', { ...ended, v: 2 }],
    ['an unknown type', { v: 1, type: 'explode', callId: 'call-0001' }],
    ['an unknown field', { ...ended, extra: 1 }],
    ['an unknown reason', { ...ended, reason: 'exploded' }],
    ['an incoming call without a certificate', { v: 1, type: 'incoming', callId: 'call-0001', from: alice, kind: 'audio' }],
    [
      'a connect to a peer id derived from a handle',
      { v: 1, type: 'connect', callId: 'call-0001', peerId: 'birdcall-v1-xbob', remote: alice, certificate: 'a.b.c' },
    ],
    ['a registered with a private key part', registered({ serviceKey: { ...serviceKey, d: 'secret' } })],
    ['an oversized frame', { ...ended, callId: 'a'.repeat(20_000) }],
    ['a deeply nested frame', JSON.stringify({ v: 1, type: 'ended', x: [[[[[[[[1]]]]]]]] })],
  ])('drops %s: nothing is reported', async (_name, frame) => {
    const t = setup();
    await connected(t);
    const counts = [t.statuses.length, t.accounts.length, t.messages.length, t.peers.length, t.socket().sent.length];
    t.socket().receive(frame);
    await settle();
    expect([t.statuses.length, t.accounts.length, t.messages.length, t.peers.length, t.socket().sent.length]).toEqual(counts);
    expect(t.socket().closed).toBe(false);
  });

  it('a malformed challenge is not signed', async () => {
    const t = setup();
    t.link.configure(config);
    t.socket().receive({ v: 1, type: 'challenge', nonce: 'has spaces', signIn: true });
    await settle();
    expect(t.socket().sent).toEqual([]);
  });

  it('hands media calls on the session Peer to the listener', async () => {
    const t = setup();
    await connected(t);
    const call = { peer: `bc${'C3'.repeat(15)}`, close: vi.fn() };
    t.peer().emit('call', call);
    expect(t.mediaCalls).toEqual([call]);
  });

  it('ignores frames from a socket it already replaced', async () => {
    const t = setup();
    await connected(t);
    const old = t.socket();
    t.link.configure({ ...config, url: 'http://127.0.0.1:9001/' });
    expect(t.sockets).toHaveLength(2);
    old.receive(ended);
    old.onclose?.();
    await settle();
    expect(t.messages).toEqual([]);
    expect(t.lastStatus()).toBe('connecting');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(t.sockets).toHaveLength(2);
  });
});
