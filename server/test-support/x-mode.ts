/** X mode without X: devices bound to X users straight through the store. */
import { calculateJwkThumbprint } from 'jose';
import type { Handle } from '../../lib/handle';
import type { XConfig } from '../config';
import type { RunningService } from '../service';
import { TestDevice } from './device';

/** X settings pointing nowhere: enough for X mode when no test signs in through HTTP. */
export const UNREACHABLE_X: XConfig = {
  clientId: 'test-client',
  clientSecret: null,
  authorizeUrl: 'http://127.0.0.1:9/authorize',
  apiUrl: 'http://127.0.0.1:9',
};

export async function deviceOfXUser(service: RunningService, xUserId: string, username: string): Promise<TestDevice> {
  const device = await TestDevice.create();
  const deviceId = await calculateJwkThumbprint(device.publicKey, 'sha256');
  await service.store.touchDevice(deviceId, device.publicKey, Date.now());
  await service.store.bindXUser(deviceId, xUserId, username as Handle);
  await device.connect(service);
  return device;
}
