import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { newCallId } from '../lib/wire';
import type { RunningService, ServiceOptions } from './service';
import { deviceWithHandle, TestDevice } from './test-support/device';
import { Inbox } from './test-support/inbox';
import { startTestService, wsUrl } from './test-support/test-service';
import { deviceOfXUser, UNREACHABLE_X } from './test-support/x-mode';

let service: RunningService;
afterEach(() => service.close());

const quiet = (ms = 150) => new Promise((resolve) => setTimeout(resolve, ms));

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

async function start(options: Partial<ServiceOptions> = {}) {
  service = await startTestService(options);
  return { alice: await deviceWithHandle(service, 'alice'), bob: await deviceWithHandle(service, 'bob') };
}

/** alice rings bob, bob accepts; resolves once both got connect. */
async function connected(alice: TestDevice, bob: TestDevice): Promise<string> {
  const callId = newCallId();
  alice.send({ type: 'ring', callId, to: 'bob', kind: 'video' });
  await bob.inbox.next('incoming', (f) => f.callId === callId);
  bob.send({ type: 'accept', callId });
  await alice.inbox.next('connect', (f) => f.callId === callId);
  await bob.inbox.next('connect', (f) => f.callId === callId);
  return callId;
}

async function openRelay(device: TestDevice) {
  const ws = new WebSocket(wsUrl(service, `/peerjs?key=peerjs&id=${device.peerId}&token=${device.registered.peerToken}&version=1.5.5`));
  const inbox = new Inbox<{ type: string; src?: string; dst?: string; payload?: unknown }>(ws);
  await inbox.next('OPEN');
  return { ws, inbox, send: (frame: object) => ws.send(JSON.stringify(frame)) };
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
    const alice = await deviceOfXUser(service, '1', 'alice');
    const phone = await deviceOfXUser(service, '2', 'bob');
    const laptop = await deviceOfXUser(service, '2', 'bob');
    const mallory = await deviceOfXUser(service, '3', 'mallory');
    const callId = newCallId();
    alice.send({ type: 'ring', callId, to: 'bob', kind: 'video' });
    await phone.inbox.next('incoming');
    await laptop.inbox.next('incoming');
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
    const aliceRelay = await openRelay(alice);
    const oldPeerId = bob.peerId;
    await bob.close();
    await bob.connect(service);
    const bobRelay = await openRelay(bob);
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
