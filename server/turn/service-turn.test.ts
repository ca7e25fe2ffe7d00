import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { TurnConfig } from '../config';
import type { RunningService } from '../service';
import { TestDevice } from '../test-support/device';
import { Inbox } from '../test-support/inbox';
import { startTestService, wsUrl } from '../test-support/test-service';
import { turnCredential } from './credentials';

const turn: TurnConfig = { urls: ['turn:127.0.0.1:3478?transport=udp', 'turn:127.0.0.1:3478?transport=tcp'], secret: 'service secret', ttlS: 3600 };
const expiryOf = (username: string | undefined) => Number(username?.split(':')[0]);

let service: RunningService | null = null;
afterEach(async () => {
  await service?.close();
  service = null;
});

describe('TURN credentials on the control socket', () => {
  it('gives a registered device REST credentials for its own device id, expiring TTL after the service clock', async () => {
    const clock = 1_800_000_000_500;
    service = await startTestService({ turn, now: () => clock });
    const device = await TestDevice.create();
    const registered = await device.connect(service, 'alice');
    expect(registered.iceServers).toEqual([{ urls: turn.urls, ...turnCredential(turn.secret, registered.deviceId, 1_800_000_000 + 3600) }]);
    expect(registered.iceServers[0].username).toBe(`1800003600:${registered.deviceId}`);
  });

  it('gives no credentials to a device that has no handle (not signed in, or its claim refused), and no renewal', async () => {
    service = await startTestService({ turn, timeouts: {} });
    const anonymous = await TestDevice.create();
    expect((await anonymous.connect(service)).iceServers).toEqual([]);
    const owner = await TestDevice.create();
    expect((await owner.connect(service, 'alice')).iceServers).toHaveLength(1);
    const squatter = await TestDevice.create();
    expect((await squatter.connect(service, 'alice')).iceServers).toEqual([]);
  });

  it('gives iceServers [] without TURN, and no renewal', async () => {
    service = await startTestService({ timeouts: {} });
    const device = await TestDevice.create();
    expect((await device.connect(service, 'alice')).iceServers).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(device.inbox.unread()).toEqual([]);
  });

  it('gives nothing to a socket before hello, with a bad hello, or with no hello', async () => {
    service = await startTestService({ turn, timeouts: { helloMs: 200 } });
    const raw: string[] = [];
    const watch = (ws: WebSocket) => ws.on('message', (data) => raw.push(data.toString()));

    const forger = await TestDevice.create();
    const other = await TestDevice.create();
    const challenge = await forger.open(service);
    watch(forger.ws);
    const forged = JSON.parse(await other.helloFrame(challenge.nonce));
    forger.ws.send(JSON.stringify({ ...forged, publicKey: forger.publicKey }));
    expect(await forger.inbox.next('refused')).toMatchObject({ reason: 'bad-signature' });
    await forger.inbox.whenClosed();

    const early = await TestDevice.create();
    await early.open(service);
    watch(early.ws);
    early.send({ type: 'ping' });
    await early.inbox.next('refused');
    await early.inbox.whenClosed();

    const silent = new WebSocket(wsUrl(service, '/control'));
    watch(silent);
    const silentInbox = new Inbox<{ type: string }>(silent);
    expect((await silentInbox.next('challenge')) as object).not.toHaveProperty('iceServers');
    await silentInbox.next('refused');
    await silentInbox.whenClosed();

    for (const inbox of [forger.inbox, early.inbox, silentInbox]) expect(inbox.unread()).toEqual([]);
    expect(raw.join('\n')).not.toMatch(/iceServers|ice-servers|credential|turn:/);
  });

  it('sends fresh credentials before the old ones expire, from the moved clock, until the socket closes', async () => {
    let clock = 1_800_000_000_000;
    // A 2 s TTL: the renewal is due 1.6 s after `registered`, 0.4 s before the credentials expire.
    service = await startTestService({ turn: { ...turn, ttlS: 2 }, now: () => clock });
    const device = await TestDevice.create();
    const registered = await device.connect(service, 'alice');
    const registeredAt = Date.now();
    expect(expiryOf(registered.iceServers[0].username)).toBe(1_800_000_002);

    clock += 500_000;
    const renewal = await device.inbox.next('ice-servers', () => true, 5000);
    const elapsed = Date.now() - registeredAt;
    expect(elapsed).toBeLessThan(2000);
    expect(elapsed).toBeGreaterThanOrEqual(1200);
    expect(renewal).toEqual({
      v: 1,
      type: 'ice-servers',
      iceServers: [{ urls: turn.urls, ...turnCredential(turn.secret, registered.deviceId, 1_800_000_502) }],
    });

    clock += 500_000;
    const next = await device.inbox.next('ice-servers', () => true, 5000);
    expect(expiryOf(next.iceServers[0].username)).toBe(1_800_001_002);

    // A second device on the same service has its own timer and its own username.
    const other = await TestDevice.create();
    const otherRegistered = await other.connect(service, 'bob');
    expect(otherRegistered.iceServers[0].username).toBe(`1800001002:${otherRegistered.deviceId}`);
    expect((await other.inbox.next('ice-servers', () => true, 5000)).iceServers[0].username).toMatch(new RegExp(`:${otherRegistered.deviceId}$`));
    await other.close();
    await device.close();
  }, 15_000);
});
