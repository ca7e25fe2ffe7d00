/** Calls between test devices, brought to the state a test starts from. */
import { newCallId, type CallKind } from '../../lib/wire';
import type { RunningService } from '../service';
import { deviceWithHandle, type TestDevice } from './device';
import { deviceOfXUser } from './x-mode';

/** Open mode: @alice and @bob, one device each. */
export async function aliceAndBob(service: RunningService): Promise<{ alice: TestDevice; bob: TestDevice }> {
  return { alice: await deviceWithHandle(service, 'alice'), bob: await deviceWithHandle(service, 'bob') };
}

/** The caller rings the callee (handle `to`); resolves with the call id once the callee rings. */
export async function ringing(caller: TestDevice, callee: TestDevice, to = 'bob', kind: CallKind = 'video'): Promise<string> {
  const callId = newCallId();
  caller.send({ type: 'ring', callId, to, kind });
  await callee.inbox.next('incoming', (f) => f.callId === callId);
  return callId;
}

/** alice rings bob, bob accepts; resolves with the call id once both got connect. */
export async function connected(alice: TestDevice, bob: TestDevice, kind: CallKind = 'video'): Promise<string> {
  const callId = await ringing(alice, bob, 'bob', kind);
  bob.send({ type: 'accept', callId });
  await alice.inbox.next('connect', (f) => f.callId === callId);
  await bob.inbox.next('connect', (f) => f.callId === callId);
  return callId;
}

/** X mode (the service started with UNREACHABLE_X): alice rings bob, who is signed in with X on two devices; resolves once both ring. */
export async function ringingOnTwoDevices(service: RunningService, kind: CallKind = 'audio') {
  const alice = await deviceOfXUser(service, '1', 'alice');
  const phone = await deviceOfXUser(service, '2', 'bob');
  const laptop = await deviceOfXUser(service, '2', 'bob');
  const callId = newCallId();
  alice.send({ type: 'ring', callId, to: 'bob', kind });
  await phone.inbox.next('incoming', (f) => f.callId === callId);
  await laptop.inbox.next('incoming', (f) => f.callId === callId);
  return { alice, phone, laptop, callId };
}
