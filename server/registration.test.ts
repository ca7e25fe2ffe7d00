import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { Inbox } from './test-support/inbox';
import { TestDevice } from './test-support/device';
import { relaySocket } from './test-support/relay';
import { startTestService, tempDataDir, wsUrl } from './test-support/test-service';
import type { RunningService } from './service';

let service: RunningService;
beforeEach(async () => {
  service = await startTestService();
});
afterEach(() => service.close());

describe('registration', () => {
  it('registers a device with a good hello', async () => {
    const device = await TestDevice.create();
    const challenge = await device.open(service);
    expect(challenge).toMatchObject({ v: 1, type: 'challenge', signIn: false });
    expect(challenge.nonce).toMatch(/^[A-Za-z0-9_-]{43}$/);
    device.ws.send(await device.helloFrame(challenge.nonce, 'alice'));
    const registered = await device.inbox.next('registered');
    expect(registered).toMatchObject({ identity: { handle: 'alice', verified: false }, iceServers: [], signIn: false });
    expect(registered.peerId).toMatch(/^bc[A-Za-z0-9]{30}$/);
    expect(Object.keys(registered.serviceKey).sort()).toEqual(['crv', 'kty', 'x', 'y']);
  });

  it('refuses a bad signature and closes', async () => {
    const device = await TestDevice.create();
    const other = await TestDevice.create();
    const challenge = await device.open(service);
    const forged = JSON.parse(await other.helloFrame(challenge.nonce));
    device.ws.send(JSON.stringify({ ...forged, publicKey: device.publicKey }));
    expect(await device.inbox.next('refused')).toMatchObject({ reason: 'bad-signature' });
    await device.inbox.whenClosed();
    const metrics = await (await fetch(`${service.url}metrics`)).text();
    expect(metrics).toMatch(/^birdcall_refused_registrations_total 1$/m);
  });

  it('refuses any frame before hello', async () => {
    const device = await TestDevice.create();
    await device.open(service);
    device.send({ type: 'ping' });
    expect(await device.inbox.next('refused')).toMatchObject({ reason: 'bad-signature' });
    await device.inbox.whenClosed();
  });

  it('refuses a socket that never says hello', async () => {
    await service.close();
    service = await startTestService({ timeouts: { helloMs: 100 } });
    const device = await TestDevice.create();
    await device.open(service);
    expect(await device.inbox.next('refused')).toMatchObject({ reason: 'bad-signature' });
    await device.inbox.whenClosed();
  });

  it('refuses a replayed hello, and the old PeerJS id and token once the session closed', async () => {
    const device = await TestDevice.create();
    const registered = await device.connect(service, 'alice');
    const recorded = device.lastHello;
    await device.close();

    const replay = new WebSocket(wsUrl(service, '/control'));
    const inbox = new Inbox<{ type: string; reason?: string }>(replay);
    await inbox.next('challenge');
    replay.send(recorded);
    expect(await inbox.next('refused')).toMatchObject({ reason: 'bad-signature' });
    await inbox.whenClosed();

    const { inbox: relayInbox } = relaySocket(service, registered.peerId, registered.peerToken);
    expect(await relayInbox.next('ERROR')).toBeTruthy();
    await relayInbox.whenClosed();
  });

  it('gives a handle to the first device key that claims it, and keeps it', async () => {
    const first = await TestDevice.create();
    expect((await first.connect(service, 'alice')).identity).toEqual({ handle: 'alice', verified: false });
    const second = await TestDevice.create();
    expect((await second.connect(service, 'alice')).identity).toBeNull();
    expect(await second.inbox.next('refused')).toEqual({ v: 1, type: 'refused', reason: 'handle-taken', detail: '@alice is in use on another device' });
    expect(second.ws.readyState).toBe(WebSocket.OPEN);

    await first.close();
    expect((await first.connect(service, 'bob')).identity).toEqual({ handle: 'alice', verified: false });
  });

  it('keeps identities and the service key across a restart', async () => {
    await service.close();
    const dataDir = tempDataDir();
    service = await startTestService({ dataDir });
    const device = await TestDevice.create();
    const before = await device.connect(service, 'alice');
    await device.close();
    await service.close();

    service = await startTestService({ dataDir });
    const after = await device.connect(service);
    expect(after.identity).toEqual({ handle: 'alice', verified: false });
    expect(after.deviceId).toBe(before.deviceId);
    expect(after.serviceKey).toEqual(before.serviceKey);
    expect(after.peerId).not.toBe(before.peerId);
  });

  it('answers ping with pong and serves health', async () => {
    const device = await TestDevice.create();
    await device.connect(service, 'alice');
    device.send({ type: 'ping' });
    expect(await device.inbox.next('pong')).toEqual({ v: 1, type: 'pong' });
    const health = await fetch(`${service.url}health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ ok: true });
  });
});
