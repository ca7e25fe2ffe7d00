import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { RunningService } from './service';
import { aliceAndBob, connected, ringing } from './test-support/calls';
import { deviceWithHandle } from './test-support/device';
import { quiet } from './test-support/inbox';
import { openRelay, relaySocket } from './test-support/relay';
import { startTestService } from './test-support/test-service';

let service: RunningService;
beforeEach(async () => {
  service = await startTestService();
});
afterEach(() => service.close());

const offer = { sdp: 'v=0 ... a=candidate:1 1 udp 2122260223 192.0.2.1 54400 typ host', type: 'media', connectionId: 'mc_1' };

describe('PeerJS relay', () => {
  it('forwards nothing before accept, and forwards with the sender as src after', async () => {
    const { alice, bob } = await aliceAndBob(service);
    const aliceRelay = await openRelay(service, alice);
    const bobRelay = await openRelay(service, bob);

    const callId = await ringing(alice, bob, 'bob', 'audio');
    aliceRelay.send({ type: 'OFFER', dst: bob.peerId, payload: offer });
    aliceRelay.send({ type: 'CANDIDATE', dst: bob.peerId, payload: { candidate: {} } });
    await quiet();
    expect(bobRelay.inbox.unread()).toEqual([]);

    bob.send({ type: 'accept', callId });
    await alice.inbox.next('connect');
    const forged = 'bc' + 'Z'.repeat(30);
    aliceRelay.send({ type: 'OFFER', src: forged, dst: bob.peerId, payload: offer });
    expect(await bobRelay.inbox.next('OFFER')).toEqual({ type: 'OFFER', src: alice.peerId, dst: bob.peerId, payload: offer });
    bobRelay.send({ type: 'ANSWER', dst: alice.peerId, payload: { sdp: 'answer' } });
    expect(await aliceRelay.inbox.next('ANSWER')).toEqual({ type: 'ANSWER', src: bob.peerId, dst: alice.peerId, payload: { sdp: 'answer' } });
    aliceRelay.send({ type: 'HEARTBEAT' });

    // Only the call's pair: a third session gets nothing even after accept.
    const carol = await deviceWithHandle(service, 'carol');
    const carolRelay = await openRelay(service, carol);
    aliceRelay.send({ type: 'OFFER', dst: carol.peerId, payload: offer });
    carolRelay.send({ type: 'OFFER', dst: alice.peerId, payload: offer });
    await quiet();
    expect(carolRelay.inbox.unread()).toEqual([]);
    expect(aliceRelay.inbox.unread()).toEqual([]);

    bob.send({ type: 'hangup', callId });
    await alice.inbox.next('ended');
    aliceRelay.send({ type: 'OFFER', dst: bob.peerId, payload: offer });
    await quiet();
    expect(bobRelay.inbox.unread()).toEqual([]);
  });

  it('answers EXPIRE when the paired peer has no relay socket', async () => {
    const { alice, bob } = await aliceAndBob(service);
    const aliceRelay = await openRelay(service, alice);
    await connected(alice, bob, 'audio');
    aliceRelay.send({ type: 'OFFER', dst: bob.peerId, payload: offer });
    expect(await aliceRelay.inbox.next('EXPIRE')).toEqual({ type: 'EXPIRE', src: bob.peerId, dst: alice.peerId });
  });

  it('refuses a wrong token, replaces a reconnecting socket and closes with the control session', async () => {
    const alice = await deviceWithHandle(service, 'alice');
    const { inbox: wrongInbox } = relaySocket(service, alice.peerId, 'nope');
    expect(await wrongInbox.next('ERROR')).toMatchObject({ payload: { msg: expect.any(String) } });
    await wrongInbox.whenClosed();

    const first = await openRelay(service, alice);
    const second = await openRelay(service, alice);
    await first.inbox.whenClosed();
    expect(second.ws.readyState).toBe(WebSocket.OPEN);
    await alice.close();
    await second.inbox.whenClosed();
  });

  it('closes a relay socket that sends a malformed frame', async () => {
    const alice = await deviceWithHandle(service, 'alice');
    const relay = await openRelay(service, alice);
    relay.ws.send('{"type":"OFFER","dst":"someone"}');
    expect((await relay.inbox.whenClosed()).code).toBe(1008);
    expect(alice.ws.readyState).toBe(WebSocket.OPEN);
  });
});
