import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { RunningService } from './service';
import { deviceWithHandle } from './test-support/device';
import { Inbox } from './test-support/inbox';
import { startTestService, wsUrl } from './test-support/test-service';

let service: RunningService;
beforeAll(async () => {
  service = await startTestService({ timeouts: { heartbeatMs: 100 } });
});
afterAll(() => service.close());

describe('heartbeat', () => {
  it('drops a socket that stops answering pings and keeps live ones', async () => {
    const live = await deviceWithHandle(service, 'alive');
    const dead = new WebSocket(wsUrl(service, '/control'), { autoPong: false });
    const inbox = new Inbox<{ type: string }>(dead);
    await inbox.next('challenge');
    expect((await inbox.whenClosed(2000)).code).toBe(1006);
    expect(live.ws.readyState).toBe(WebSocket.OPEN);
  });
});
