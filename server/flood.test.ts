import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { RunningService } from './service';
import { deviceWithHandle, type TestDevice } from './test-support/device';
import { openRelay } from './test-support/relay';
import { startTestService, wsUrl } from './test-support/test-service';

let service: RunningService;
let honest: TestDevice;
beforeAll(async () => {
  service = await startTestService();
  honest = await deviceWithHandle(service, 'honest');
});
afterAll(() => service.close());

describe('floods', () => {
  it('closes a control socket sending 1,000 frames at once; others are unaffected', async () => {
    const flooder = await deviceWithHandle(service, 'flooder');
    for (let i = 0; i < 1000; i++) flooder.send({ type: 'ping' });
    expect(await flooder.inbox.whenClosed()).toEqual({ code: 1008, reason: 'too-many' });
    expect(flooder.inbox.unread().filter((f) => f.type === 'pong').length).toBeLessThanOrEqual(41);
    expect(await flooder.inbox.next('refused')).toMatchObject({ reason: 'too-many' });

    honest.send({ type: 'ping' });
    expect(await honest.inbox.next('pong')).toEqual({ v: 1, type: 'pong' });
  });

  it('closes a relay socket sending 1,000 frames at once', async () => {
    const flooder = await deviceWithHandle(service, 'relayflood');
    const { ws, inbox } = await openRelay(service, flooder);
    for (let i = 0; i < 1000; i++) ws.send('{"type":"HEARTBEAT"}');
    expect(await inbox.whenClosed()).toEqual({ code: 1008, reason: 'too-many' });
    expect(honest.ws.readyState).toBe(WebSocket.OPEN);
  });

  it('closes an oversized frame with 1009', async () => {
    const big = await deviceWithHandle(service, 'big');
    big.ws.send('x'.repeat(17 * 1024));
    expect((await big.inbox.whenClosed()).code).toBe(1009);
    expect(honest.ws.readyState).toBe(WebSocket.OPEN);
  });

  it('refuses a malformed control frame with bad-frame and 1008', async () => {
    const sloppy = await deviceWithHandle(service, 'sloppy');
    sloppy.ws.send('{"v":1,"type":"ping","extra":true}');
    expect(await sloppy.inbox.next('refused')).toMatchObject({ reason: 'bad-frame' });
    expect((await sloppy.inbox.whenClosed()).code).toBe(1008);
  });

  it('answers other paths with 404', async () => {
    const ws = new WebSocket(wsUrl(service, '/elsewhere'));
    const status = await new Promise((resolve) => {
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode));
      ws.on('error', () => resolve('error'));
    });
    expect(status).toBe(404);
    expect((await fetch(`${service.url}elsewhere`)).status).toBe(404);
  });
});
