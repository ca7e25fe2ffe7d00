import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { LIMITS, newCallId, parseServerMessage } from '../lib/wire';
import { CONTROL_RATE } from './limits/token-bucket';
import type { RunningService, ServiceOptions } from './service';
import { aliceAndBob, connected, ringing, ringingOnTwoDevices } from './test-support/calls';
import { deviceWithHandle, TestDevice } from './test-support/device';
import { quiet } from './test-support/inbox';
import { openRelay } from './test-support/relay';
import { startTestService } from './test-support/test-service';
import { deviceOfXUser, UNREACHABLE_X } from './test-support/x-mode';

let service: RunningService;
afterEach(() => service.close());

const offer = { type: 'offer', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\na=ice-options:trickle\r\n' } as const;
const answer = { type: 'answer', sdp: 'v=0\r\no=- 3 4 IN IP4 127.0.0.1\r\n' } as const;
const candidate = (i: number) => ({
  candidate: `candidate:${i} 1 udp 2122260223 192.0.2.${i} 5440${i % 10} typ host`,
  sdpMid: '0',
  sdpMLineIndex: 0,
  usernameFragment: 'abcd',
});

/** A relay candidate as Birdcall sends it while ringing: coturn's address, no related address of the device. */
const relayCandidate = (i: number, related = '0.0.0.0 rport 0') => ({
  candidate: `candidate:${i} 1 udp 41885439 198.51.100.7 5000${i % 10} typ relay raddr ${related} generation 0`,
  sdpMid: '0',
  sdpMLineIndex: 0,
  usernameFragment: 'abcd',
});
const offerWith = (line: string) => ({ type: 'offer', sdp: `${offer.sdp}a=${line}\r\n` }) as const;

/** Open mode: alice and bob on a service of the test's own. */
async function start(options: Partial<ServiceOptions> = {}) {
  service = await startTestService(options);
  return aliceAndBob(service);
}

describe('media-signal', () => {
  it('passes descriptions and candidates between the two sides of an accepted call, both ways, intact', async () => {
    const { alice, bob } = await start();
    const callId = await connected(alice, bob);
    alice.send({ type: 'media-signal', callId, description: offer });
    expect(await bob.inbox.next('media-signal')).toEqual({ v: 1, type: 'media-signal', callId, description: offer });
    alice.send({ type: 'media-signal', callId, candidate: candidate(1) });
    expect(await bob.inbox.next('media-signal')).toEqual({ v: 1, type: 'media-signal', callId, candidate: candidate(1) });
    bob.send({ type: 'media-signal', callId, description: answer });
    expect(await alice.inbox.next('media-signal')).toEqual({ v: 1, type: 'media-signal', callId, description: answer });
    const sparse = { candidate: '', sdpMid: null, sdpMLineIndex: null };
    bob.send({ type: 'media-signal', callId, candidate: sparse });
    expect(await alice.inbox.next('media-signal')).toEqual({ v: 1, type: 'media-signal', callId, candidate: sparse });
    await quiet();
    expect(alice.inbox.unread()).toEqual([]);
    expect(bob.inbox.unread()).toEqual([]);
  });

  it('drops media-signal from or about a third device, and for unknown call ids', async () => {
    const { alice, bob } = await start();
    const mallory = await deviceWithHandle(service, 'mallory');
    const callId = await connected(alice, bob);
    mallory.send({ type: 'media-signal', callId, description: offer });
    mallory.send({ type: 'media-signal', callId, candidate: relayCandidate(1) });
    mallory.send({ type: 'media-signal', callId: newCallId(), candidate: candidate(2) });
    alice.send({ type: 'media-signal', callId: newCallId(), candidate: candidate(3) });
    await quiet();
    expect(alice.inbox.unread()).toEqual([]);
    expect(bob.inbox.unread()).toEqual([]);
    expect(mallory.inbox.unread()).toEqual([]);
    expect(mallory.ws.readyState).toBe(WebSocket.OPEN);

    // Nothing after the call ended either.
    alice.send({ type: 'hangup', callId });
    await bob.inbox.next('ended');
    bob.send({ type: 'media-signal', callId, candidate: candidate(4) });
    await quiet();
    expect(alice.inbox.unread()).toEqual([]);
  });

  it('forwards an offer and 20 candidates sent at once, both ways, and keeps both sockets open', async () => {
    const { alice, bob } = await start();
    const callId = await connected(alice, bob);
    alice.send({ type: 'media-signal', callId, description: offer });
    for (let i = 0; i < 20; i++) alice.send({ type: 'media-signal', callId, candidate: candidate(i) });
    bob.send({ type: 'media-signal', callId, description: answer });
    for (let i = 0; i < 20; i++) bob.send({ type: 'media-signal', callId, candidate: candidate(i) });
    expect(await bob.inbox.next('media-signal')).toMatchObject({ description: offer });
    expect(await alice.inbox.next('media-signal')).toMatchObject({ description: answer });
    for (let i = 0; i < 20; i++) {
      expect(await bob.inbox.next('media-signal')).toEqual({ v: 1, type: 'media-signal', callId, candidate: candidate(i) });
      expect(await alice.inbox.next('media-signal')).toEqual({ v: 1, type: 'media-signal', callId, candidate: candidate(i) });
    }
    alice.send({ type: 'ping' });
    bob.send({ type: 'ping' });
    await alice.inbox.next('pong');
    await bob.inbox.next('pong');
    expect(alice.ws.readyState).toBe(WebSocket.OPEN);
    expect(bob.ws.readyState).toBe(WebSocket.OPEN);
  });
});

describe('media-signal while ringing (the relay pre-connection)', () => {
  it('passes relay-only signals between the caller and the ringing device, naming the device to the caller', async () => {
    const { alice, bob } = await start();
    const callId = newCallId();
    alice.send({ type: 'ring', callId, to: 'bob', kind: 'video' });
    await bob.inbox.next('incoming');
    bob.send({ type: 'media-signal', callId, description: offer });
    expect(await alice.inbox.next('media-signal')).toEqual({ v: 1, type: 'media-signal', callId, peer: bob.peerId, description: offer });
    bob.send({ type: 'media-signal', callId, candidate: relayCandidate(1) });
    expect(await alice.inbox.next('media-signal')).toEqual({ v: 1, type: 'media-signal', callId, peer: bob.peerId, candidate: relayCandidate(1) });
    alice.send({ type: 'media-signal', callId, peer: bob.peerId, description: answer });
    expect(await bob.inbox.next('media-signal')).toEqual({ v: 1, type: 'media-signal', callId, description: answer });
    alice.send({ type: 'media-signal', callId, peer: bob.peerId, candidate: relayCandidate(2) });
    expect(await bob.inbox.next('media-signal')).toEqual({ v: 1, type: 'media-signal', callId, candidate: relayCandidate(2) });
    await quiet();
    expect(alice.inbox.unread()).toEqual([]);
    expect(bob.inbox.unread()).toEqual([]);
  });

  it('drops, while ringing, every signal that names an address of a device: host, srflx, a related address, candidates in the SDP', async () => {
    const { alice, bob } = await start();
    const callId = newCallId();
    alice.send({ type: 'ring', callId, to: 'bob', kind: 'video' });
    await bob.inbox.next('incoming');
    const leaks = [
      { candidate: candidate(1) },
      { candidate: { ...candidate(2), candidate: 'candidate:2 1 udp 1686052607 203.0.113.9 61234 typ srflx raddr 192.0.2.2 rport 54402' } },
      { candidate: relayCandidate(3, '203.0.113.9 rport 61234') },
      { description: offerWith(candidate(4).candidate) },
      { description: offerWith(`${relayCandidate(5).candidate}\r\na=${candidate(6).candidate}`) },
    ];
    for (const leak of leaks) {
      bob.send({ type: 'media-signal', callId, ...leak });
      alice.send({ type: 'media-signal', callId, peer: bob.peerId, ...leak });
    }
    // Without a ringing device named, the caller's signal goes nowhere.
    alice.send({ type: 'media-signal', callId, description: offer });
    await quiet();
    expect(alice.inbox.unread()).toEqual([]);
    expect(bob.inbox.unread()).toEqual([]);
    expect(alice.ws.readyState).toBe(WebSocket.OPEN);
    expect(bob.ws.readyState).toBe(WebSocket.OPEN);
  });

  it('keeps each ringing device to its own signals; once one answers, the other gets nothing more', async () => {
    service = await startTestService({ x: UNREACHABLE_X });
    const { alice, phone, laptop, callId } = await ringingOnTwoDevices(service, 'video');
    const mallory = await deviceOfXUser(service, '3', 'mallory');
    phone.send({ type: 'media-signal', callId, description: offer });
    laptop.send({ type: 'media-signal', callId, candidate: relayCandidate(1) });
    expect(await alice.inbox.next('media-signal')).toMatchObject({ peer: phone.peerId, description: offer });
    expect(await alice.inbox.next('media-signal')).toMatchObject({ peer: laptop.peerId, candidate: relayCandidate(1) });
    alice.send({ type: 'media-signal', callId, peer: laptop.peerId, description: answer });
    expect(await laptop.inbox.next('media-signal')).toMatchObject({ description: answer });
    // A device that is not ringing, named by the caller or signalling itself: nothing.
    alice.send({ type: 'media-signal', callId, peer: mallory.peerId, description: answer });
    mallory.send({ type: 'media-signal', callId, description: offer });
    await quiet();
    expect(phone.inbox.unread()).toEqual([]);
    expect(mallory.inbox.unread()).toEqual([]);
    expect(alice.inbox.unread()).toEqual([]);

    laptop.send({ type: 'accept', callId });
    await alice.inbox.next('connect');
    await laptop.inbox.next('connect');
    expect(await phone.inbox.next('ended')).toMatchObject({ reason: 'answered-elsewhere' });
    phone.send({ type: 'media-signal', callId, candidate: relayCandidate(2) });
    alice.send({ type: 'media-signal', callId, peer: phone.peerId, candidate: relayCandidate(3) });
    alice.send({ type: 'media-signal', callId, peer: laptop.peerId, candidate: relayCandidate(4) });
    expect(await laptop.inbox.next('media-signal')).toEqual({ v: 1, type: 'media-signal', callId, candidate: relayCandidate(4) });
    await quiet();
    expect(phone.inbox.unread()).toEqual([]);
    expect(laptop.inbox.unread()).toEqual([]);
    expect(alice.inbox.unread()).toEqual([]);
  });
});

describe('a lost control socket during an accepted call', () => {
  it('keeps the call when the same device registers again within grace', async () => {
    const { alice, bob } = await start({ timeouts: { reconnectGraceMs: 2_000 } });
    const callId = await connected(alice, bob);
    const oldPeerId = bob.peerId;
    await bob.close();
    await quiet();
    await bob.connect(service);
    expect(bob.peerId).not.toBe(oldPeerId);
    await quiet();
    expect(alice.inbox.unread()).toEqual([]);
    expect(bob.inbox.unread()).toEqual([]);

    alice.send({ type: 'media-signal', callId, description: offer });
    expect(await bob.inbox.next('media-signal')).toEqual({ v: 1, type: 'media-signal', callId, description: offer });
    bob.send({ type: 'media-signal', callId, description: answer });
    expect(await alice.inbox.next('media-signal')).toEqual({ v: 1, type: 'media-signal', callId, description: answer });

    // The rebound session is still in a call: rings to it are busy.
    const carol = await deviceWithHandle(service, 'carol');
    const other = newCallId();
    carol.send({ type: 'ring', callId: other, to: 'bob', kind: 'audio' });
    expect(await carol.inbox.next('ended')).toMatchObject({ callId: other, reason: 'busy' });

    // Past the original grace period nothing ends the call.
    await quiet(2_200);
    expect(alice.inbox.unread()).toEqual([]);
    bob.send({ type: 'hangup', callId });
    expect(await alice.inbox.next('ended')).toEqual({ v: 1, type: 'ended', callId, reason: 'remote-hung-up' });
  });

  it('a returning caller can be hung up on by the other side', async () => {
    const { alice, bob } = await start({ timeouts: { reconnectGraceMs: 2_000 } });
    const callId = await connected(alice, bob);
    await alice.close();
    await alice.connect(service);
    bob.send({ type: 'media-signal', callId, candidate: candidate(5) });
    expect(await alice.inbox.next('media-signal')).toMatchObject({ callId, candidate: candidate(5) });
    bob.send({ type: 'hangup', callId });
    expect(await alice.inbox.next('ended')).toEqual({ v: 1, type: 'ended', callId, reason: 'remote-hung-up' });
  });

  it('moves the relay pairing to the new session peer id', async () => {
    const { alice, bob } = await start({ timeouts: { reconnectGraceMs: 2_000 } });
    await connected(alice, bob);
    const aliceRelay = await openRelay(service, alice);
    const oldPeerId = bob.peerId;
    await bob.close();
    await bob.connect(service);
    const bobRelay = await openRelay(service, bob);
    aliceRelay.send({ type: 'CANDIDATE', dst: oldPeerId, payload: { candidate: 'x' } });
    aliceRelay.send({ type: 'CANDIDATE', dst: bob.peerId, payload: { candidate: 'y' } });
    expect(await bobRelay.inbox.next('CANDIDATE')).toEqual({ type: 'CANDIDATE', src: alice.peerId, dst: bob.peerId, payload: { candidate: 'y' } });
    bobRelay.send({ type: 'ANSWER', dst: alice.peerId, payload: { sdp: 'z' } });
    expect(await aliceRelay.inbox.next('ANSWER')).toMatchObject({ src: bob.peerId, payload: { sdp: 'z' } });
  });

  it('takes the call over when the device registers again before its old socket is noticed as lost', async () => {
    const { alice, bob } = await start({ timeouts: { reconnectGraceMs: 2_000 } });
    const callId = await connected(alice, bob);
    const oldSocket = bob.ws;
    await bob.connect(service);
    alice.send({ type: 'media-signal', callId, description: offer });
    expect(await bob.inbox.next('media-signal')).toMatchObject({ description: offer });
    oldSocket.close();
    await quiet(300);
    expect(alice.inbox.unread()).toEqual([]);
    alice.send({ type: 'hangup', callId });
    expect(await bob.inbox.next('ended')).toEqual({ v: 1, type: 'ended', callId, reason: 'remote-hung-up' });
  });

  it('tells a device that gave up its socket just before the other side hung up, on its next socket', async () => {
    const { alice, bob } = await start({ timeouts: { reconnectGraceMs: 2_000 } });
    const callId = await connected(alice, bob);
    // bob's client gave the socket up (no pong in time) and has not registered again: the service still sends to it.
    const givenUp = bob.ws;
    alice.send({ type: 'hangup', callId });
    await quiet();
    await bob.connect(service);
    givenUp.close();
    expect(await bob.inbox.next('ended')).toEqual({ v: 1, type: 'ended', callId, reason: 'remote-hung-up' });
    // Said once; and the next call rings bob's new socket.
    const next = newCallId();
    alice.send({ type: 'ring', callId: next, to: 'bob', kind: 'audio' });
    expect(await bob.inbox.next('incoming')).toMatchObject({ callId: next });
    expect(bob.inbox.unread()).toEqual([]);
  });

  it('ends the call with remote-hung-up once grace expires', async () => {
    const { alice, bob } = await start({ timeouts: { reconnectGraceMs: 300 } });
    const callId = await connected(alice, bob);
    const started = Date.now();
    await bob.close();
    expect(await alice.inbox.next('ended')).toEqual({ v: 1, type: 'ended', callId, reason: 'remote-hung-up' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    // Coming back too late: nothing to rebind, nothing said.
    await bob.connect(service);
    await quiet();
    expect(bob.inbox.unread()).toEqual([]);
    alice.send({ type: 'media-signal', callId, description: offer });
    await quiet();
    expect(bob.inbox.unread()).toEqual([]);
  });

  it('tells a device returning within grace that the other side hung up meanwhile', async () => {
    const { alice, bob } = await start({ timeouts: { reconnectGraceMs: 2_000 } });
    const callId = await connected(alice, bob);
    await bob.close();
    await quiet();
    alice.send({ type: 'hangup', callId });
    await quiet();
    expect(alice.inbox.unread()).toEqual([]);
    await bob.connect(service);
    expect(await bob.inbox.next('ended')).toEqual({ v: 1, type: 'ended', callId, reason: 'remote-hung-up' });
    // alice is free again.
    const next = newCallId();
    alice.send({ type: 'ring', callId: next, to: 'bob', kind: 'audio' });
    expect(await bob.inbox.next('incoming')).toMatchObject({ callId: next });
  });

  it('does not let a different device key take over the call', async () => {
    const { alice, bob } = await start({ timeouts: { reconnectGraceMs: 500 } });
    const callId = await connected(alice, bob);
    await bob.close();
    const stranger = await TestDevice.create();
    await stranger.connect(service);
    const otherBob = await deviceWithHandle(service, 'mallory');
    alice.send({ type: 'media-signal', callId, description: offer });
    stranger.send({ type: 'media-signal', callId, description: answer });
    otherBob.send({ type: 'hangup', callId });
    expect(await alice.inbox.next('ended')).toEqual({ v: 1, type: 'ended', callId, reason: 'remote-hung-up' });
    expect(alice.inbox.unread()).toEqual([]);
    expect(stranger.inbox.unread()).toEqual([]);
    expect(otherBob.inbox.unread()).toEqual([]);
  });

  it('keeps ringing calls as before: a caller gone cancels at once', async () => {
    const { alice, bob } = await start({ timeouts: { reconnectGraceMs: 5_000 } });
    const callId = newCallId();
    alice.send({ type: 'ring', callId, to: 'bob', kind: 'audio' });
    await bob.inbox.next('incoming');
    await alice.close();
    expect(await bob.inbox.next('ended', undefined, 1_000)).toMatchObject({ callId, reason: 'cancelled' });
    await alice.connect(service);
    await quiet();
    expect(alice.inbox.unread()).toEqual([]);
  });
});

describe('media-signal while ringing: what an attacker tries', () => {
  /** Each side sends `signal` to the other, as it would while ringing: nothing may arrive. */
  function sendBothWays(alice: TestDevice, bob: TestDevice, callId: string, signal: object) {
    bob.send({ type: 'media-signal', callId, ...signal });
    alice.send({ type: 'media-signal', callId, peer: bob.peerId, ...signal });
  }

  it('drops old signals replayed after accept and hangup, on another call, after decline, cancel and no-answer', async () => {
    const { alice, bob } = await start({ timeouts: { ringMs: 1_500 } });
    const carol = await deviceWithHandle(service, 'carol');
    const dave = await deviceWithHandle(service, 'dave');
    const signal = { candidate: relayCandidate(1) };

    // Accepted, then hung up: the call's signals stop with the hangup.
    const accepted = await connected(alice, bob);
    alice.send({ type: 'hangup', callId: accepted });
    await bob.inbox.next('ended', (f) => f.callId === accepted);
    sendBothWays(alice, bob, accepted, signal);
    alice.send({ type: 'media-signal', callId: accepted, ...signal });
    await quiet();
    expect(alice.inbox.unread()).toEqual([]);
    expect(bob.inbox.unread()).toEqual([]);

    // Another call's id: carol rings dave; alice and bob replay their signals on it, carol and dave on theirs.
    const theirs = await ringing(carol, dave, 'dave');
    const ours = await ringing(alice, bob);
    bob.send({ type: 'media-signal', callId: theirs, ...signal });
    alice.send({ type: 'media-signal', callId: theirs, peer: dave.peerId, ...signal });
    carol.send({ type: 'media-signal', callId: ours, peer: bob.peerId, ...signal });
    dave.send({ type: 'media-signal', callId: ours, ...signal });
    // A ring that reuses a live call's id rings nobody and gives its caller no way in.
    carol.send({ type: 'cancel', callId: theirs });
    await dave.inbox.next('ended', (f) => f.callId === theirs);
    carol.send({ type: 'ring', callId: ours, to: 'dave', kind: 'video' });
    carol.send({ type: 'media-signal', callId: ours, peer: bob.peerId, ...signal });
    await quiet();
    for (const device of [alice, bob, carol, dave]) expect(device.inbox.unread()).toEqual([]);

    // Declined, cancelled, unanswered: the call's signals go nowhere afterwards, from either side.
    bob.send({ type: 'decline', callId: ours });
    await alice.inbox.next('ended', (f) => f.callId === ours);
    sendBothWays(alice, bob, ours, signal);
    const cancelled = await ringing(alice, bob);
    alice.send({ type: 'cancel', callId: cancelled });
    await bob.inbox.next('ended', (f) => f.callId === cancelled);
    sendBothWays(alice, bob, cancelled, signal);
    const unanswered = await ringing(alice, bob);
    await bob.inbox.next('ended', (f) => f.callId === unanswered && f.reason === 'no-answer');
    await alice.inbox.next('ended', (f) => f.callId === unanswered && f.reason === 'no-answer');
    sendBothWays(alice, bob, unanswered, signal);
    await quiet();
    expect(alice.inbox.unread()).toEqual([]);
    expect(bob.inbox.unread()).toEqual([]);
  });

  it('drops a ringing device signal sent before its ring, and does not deliver it once the ring comes', async () => {
    const { alice, bob } = await start();
    const callId = newCallId();
    bob.send({ type: 'media-signal', callId, description: offer });
    alice.send({ type: 'media-signal', callId, peer: bob.peerId, description: answer });
    await quiet();
    alice.send({ type: 'ring', callId, to: 'bob', kind: 'video' });
    expect(await bob.inbox.next('incoming')).toMatchObject({ callId });
    await quiet();
    expect(alice.inbox.unread()).toEqual([]);
    expect(bob.inbox.unread()).toEqual([]);
    // The ring itself lets the same signal through.
    bob.send({ type: 'media-signal', callId, description: offer });
    expect(await alice.inbox.next('media-signal')).toEqual({ v: 1, type: 'media-signal', callId, peer: bob.peerId, description: offer });
  });

  it("sends nothing to a peer that is not ringing for this call: the caller itself, another call's callee, a device that said busy, an unknown id", async () => {
    service = await startTestService({ x: UNREACHABLE_X });
    const { alice, phone, laptop, callId } = await ringingOnTwoDevices(service, 'video');
    const carol = await deviceOfXUser(service, '3', 'carol');
    const dave = await deviceOfXUser(service, '4', 'dave');
    await ringing(carol, dave, 'dave');
    phone.send({ type: 'busy', callId });
    await quiet();
    const unknown = `bc${'A'.repeat(30)}`;
    for (const peer of [alice.peerId, dave.peerId, carol.peerId, phone.peerId, unknown]) {
      alice.send({ type: 'media-signal', callId, peer, description: answer });
      alice.send({ type: 'media-signal', callId, peer, candidate: relayCandidate(1) });
    }
    phone.send({ type: 'media-signal', callId, description: offer });
    await quiet();
    for (const device of [alice, phone, laptop, carol, dave]) expect(device.inbox.unread()).toEqual([]);
    // The device still ringing is reached.
    alice.send({ type: 'media-signal', callId, peer: laptop.peerId, description: answer });
    expect(await laptop.inbox.next('media-signal')).toEqual({ v: 1, type: 'media-signal', callId, description: answer });
  });

  it('closes only the socket that sends 1,000 signals at once: the other side gets at most a burst, the service answers everyone else', async () => {
    const { alice, bob } = await start();
    const carol = await deviceWithHandle(service, 'carol');
    const dave = await deviceWithHandle(service, 'dave');
    const callId = await ringing(alice, bob);
    for (let i = 0; i < 1000; i++) bob.send({ type: 'media-signal', callId, candidate: relayCandidate(i) });
    expect(await bob.inbox.whenClosed()).toEqual({ code: 1008, reason: 'too-many' });
    expect(await bob.inbox.next('refused')).toMatchObject({ reason: 'too-many' });
    // The flooder was the only ringing device: the caller hears it is unavailable.
    expect(await alice.inbox.next('ended')).toEqual({ v: 1, type: 'ended', callId, reason: 'unavailable' });
    const received = alice.inbox.unread().filter((f) => f.type === 'media-signal');
    expect(received.length).toBeGreaterThan(0);
    expect(received.length).toBeLessThanOrEqual(CONTROL_RATE.burst + 1);

    // The caller floods a ringing device: the same, the other way.
    await bob.connect(service, 'bob');
    const second = await ringing(alice, bob);
    for (let i = 0; i < 1000; i++) alice.send({ type: 'media-signal', callId: second, peer: bob.peerId, candidate: relayCandidate(i) });
    expect(await alice.inbox.whenClosed()).toEqual({ code: 1008, reason: 'too-many' });
    expect(await bob.inbox.next('ended')).toEqual({ v: 1, type: 'ended', callId: second, reason: 'cancelled' });
    expect(bob.inbox.unread().filter((f) => f.type === 'media-signal').length).toBeLessThanOrEqual(CONTROL_RATE.burst + 1);

    // Everyone else is served as before: a call rings, connects and signals.
    expect(bob.ws.readyState).toBe(WebSocket.OPEN);
    const theirs = newCallId();
    carol.send({ type: 'ring', callId: theirs, to: 'dave', kind: 'audio' });
    await dave.inbox.next('incoming', (f) => f.callId === theirs);
    dave.send({ type: 'media-signal', callId: theirs, description: offer });
    expect(await carol.inbox.next('media-signal')).toEqual({ v: 1, type: 'media-signal', callId: theirs, peer: dave.peerId, description: offer });
    dave.send({ type: 'accept', callId: theirs });
    await carol.inbox.next('connect', (f) => f.callId === theirs);
  });

  it('takes a description and a candidate at their size limits, refuses one character more, and never sends a frame the device would refuse', async () => {
    const { alice, bob } = await start();
    const callId = await ringing(alice, bob);
    const padded = (length: number) => `${offer.sdp}a=x-pad:${'y'.repeat(length - offer.sdp.length - 10)}\r\n`;
    const largest = { type: 'offer', sdp: padded(14 * 1024) } as const;
    expect(largest.sdp.length).toBe(14 * 1024);
    bob.send({ type: 'media-signal', callId, description: largest });
    expect(await alice.inbox.next('media-signal')).toEqual({ v: 1, type: 'media-signal', callId, peer: bob.peerId, description: largest });
    const longest = { ...relayCandidate(1), candidate: `${relayCandidate(1).candidate} ufrag ${'u'.repeat(1024)}`.slice(0, 1024) };
    bob.send({ type: 'media-signal', callId, candidate: longest });
    expect(await alice.inbox.next('media-signal')).toMatchObject({ candidate: longest });

    // A frame at the control limit whose SDP is mostly line breaks (two characters each in JSON):
    // forwarded with `peer` added it would be over the limit, and the caller's device would drop it.
    const framed: string[] = [];
    alice.ws.on('message', (data) => framed.push(data.toString()));
    const frameWith = (sdp: string) => JSON.stringify({ v: 1, type: 'media-signal', callId, description: { type: 'offer', sdp } });
    const lines = `${offer.sdp}${'a=x\r\n'.repeat(1500)}`;
    const atLimit = `${lines}a=x-pad:${'y'.repeat(LIMITS.controlFrameBytes - frameWith(`${lines}a=x-pad:\r\n`).length)}\r\n`;
    expect(frameWith(atLimit).length).toBe(LIMITS.controlFrameBytes);
    bob.ws.send(frameWith(atLimit));
    alice.send({ type: 'ping' });
    await alice.inbox.next('pong');
    expect(framed.length).toBeGreaterThan(0);
    for (const frame of framed) expect(parseServerMessage(frame).ok, frame.slice(0, 80)).toBe(true);
    expect(bob.ws.readyState).toBe(WebSocket.OPEN);

    // One character more in the candidate, then in the SDP: refused, and the sender's socket closed.
    bob.send({ type: 'media-signal', callId, candidate: { ...longest, candidate: `${longest.candidate}u` } });
    expect(await bob.inbox.next('refused')).toMatchObject({ reason: 'bad-frame' });
    expect((await bob.inbox.whenClosed()).code).toBe(1008);
    await bob.connect(service, 'bob');
    const second = await ringing(alice, bob);
    bob.send({ type: 'media-signal', callId: second, description: { type: 'offer', sdp: padded(14 * 1024 + 1) } });
    expect(await bob.inbox.next('refused')).toMatchObject({ reason: 'bad-frame' });
    expect((await bob.inbox.whenClosed()).code).toBe(1008);
    // One byte over the frame limit itself: closed before it is read.
    await bob.connect(service, 'bob');
    const third = await ringing(alice, bob);
    bob.ws.send(frameWith(`${atLimit}y`).replace(callId, third));
    expect((await bob.inbox.whenClosed()).code).toBe(1009);
    expect(alice.inbox.unread().filter((f) => f.type === 'media-signal')).toEqual([]);
  });

  it('drops a relay-only-looking signal that carries an address elsewhere: c=, a=rtcp, o=, a second raddr or typ, IPv6, mDNS, a bare CR', async () => {
    const { alice, bob } = await start();
    const callId = await ringing(alice, bob);
    const relay = relayCandidate(1).candidate;
    const sdp = (...lines: string[]) => ({ type: 'offer', sdp: `${offer.sdp}${lines.join('\r\n')}\r\n` }) as const;
    const leaks = [
      { description: sdp('c=IN IP4 192.168.1.20', `a=${relay}`) },
      { description: sdp('m=audio 9 UDP/TLS/RTP/SAVPF 111', 'c=IN IP6 2001:db8::7', `a=${relay}`) },
      { description: sdp('c=IN IP4 0.0.0.0', 'a=rtcp:9 IN IP4 10.0.0.8', `a=${relay}`) },
      { description: sdp('a=rtcp:9 IN IP6 fe80::1') },
      { description: { type: 'offer', sdp: offer.sdp.replace('127.0.0.1', '192.168.1.20') } },
      { description: sdp('a=candidate:7 1 udp 2122260223 1f3a6c2e-9d7b-4a57-8c1e-3b6f7d8e9a01.local 54400 typ host generation 0') },
      { description: sdp(`a=${relay.replace('raddr 0.0.0.0 rport 0', 'raddr 2001:db8::9 rport 61234')}`) },
      { description: sdp(`a=${relay.replace('raddr 0.0.0.0 rport 0', 'raddr 1f3a6c2e.local rport 54400')}`) },
      { description: sdp('a=ice-options:trickle\ra=candidate:8 1 udp 2122260223 192.168.1.20 54400 typ host') },
      { candidate: { ...relayCandidate(2), candidate: `${relay} raddr 192.168.1.20 rport 54400` } },
      { candidate: { ...relayCandidate(3), candidate: `${relay} typ host` } },
      { candidate: { ...relayCandidate(4), candidate: `${relay}\r\na=candidate:9 1 udp 2122260223 192.168.1.20 54400 typ host` } },
      { candidate: { ...relayCandidate(5), candidate: 'candidate:5 1 udp 2122260223 2001:db8::7 54400 typ host' } },
    ];
    for (const leak of leaks) sendBothWays(alice, bob, callId, leak);
    await quiet();
    expect(alice.inbox.unread()).toEqual([]);
    expect(bob.inbox.unread()).toEqual([]);

    // What a browser sends on a relay-only connection still passes: unspecified addresses, or the relay's own.
    const honest = sdp('c=IN IP4 0.0.0.0', 'a=rtcp:9 IN IP4 0.0.0.0', 'c=IN IP6 ::', 'c=IN IP4 198.51.100.7', `a=${relay}`);
    bob.send({ type: 'media-signal', callId, description: honest });
    expect(await alice.inbox.next('media-signal')).toMatchObject({ peer: bob.peerId, description: honest });
    const firefox = { type: 'offer', sdp: 'v=0\r\no=mozilla...THIS_IS_SDPARTA-153.0 1 0 IN IP4 0.0.0.0\r\nc=IN IP4 0.0.0.0\r\n' } as const;
    alice.send({ type: 'media-signal', callId, peer: bob.peerId, description: firefox });
    expect(await bob.inbox.next('media-signal')).toMatchObject({ description: firefox });
  });
});
