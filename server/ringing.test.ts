import { afterEach, describe, expect, it } from 'vitest';
import { newCallId } from '../lib/wire';
import type { RunningService, ServiceOptions } from './service';
import { aliceAndBob, ringingOnTwoDevices } from './test-support/calls';
import { deviceWithHandle, TestDevice } from './test-support/device';
import { quiet } from './test-support/inbox';
import { startTestService } from './test-support/test-service';
import { UNREACHABLE_X } from './test-support/x-mode';

let service: RunningService;
afterEach(() => service.close());

async function openMode(options: Partial<ServiceOptions> = {}) {
  service = await startTestService(options);
  return aliceAndBob(service);
}

/** X mode, on a service of the test's own: alice rings bob, who is signed in with X on two devices. */
async function startRingingOnTwoDevices(options: Partial<ServiceOptions> = {}) {
  service = await startTestService({ x: UNREACHABLE_X, ...options });
  return ringingOnTwoDevices(service);
}

describe('ringing', () => {
  it('rings the callee, and accept connects both sides by session peer id', async () => {
    const { alice, bob } = await openMode();
    const callId = newCallId();
    alice.send({ type: 'ring', callId, to: 'bob', kind: 'video' });
    expect(await bob.inbox.next('incoming')).toEqual({
      v: 1,
      type: 'incoming',
      callId,
      from: { handle: 'alice', verified: false },
      certificate: alice.registered.certificate,
      kind: 'video',
    });
    bob.send({ type: 'accept', callId });
    expect(await alice.inbox.next('connect')).toEqual({
      v: 1,
      type: 'connect',
      callId,
      peerId: bob.peerId,
      remote: { handle: 'bob', verified: false },
      certificate: bob.registered.certificate,
    });
    expect(await bob.inbox.next('connect')).toEqual({
      v: 1,
      type: 'connect',
      callId,
      peerId: alice.peerId,
      remote: { handle: 'alice', verified: false },
      certificate: alice.registered.certificate,
    });

    bob.send({ type: 'hangup', callId });
    expect(await alice.inbox.next('ended')).toEqual({ v: 1, type: 'ended', callId, reason: 'remote-hung-up' });
    const metrics = await (await fetch(`${service.url}metrics`)).text();
    expect(metrics).toMatch(/^birdcall_rings_total 1$/m);
    expect(metrics).toMatch(/^birdcall_connected_devices 2$/m);
  });

  it('a side whose camera or microphone cannot be opened hangs up saying so, and the other side hears why', async () => {
    const { alice, bob } = await openMode();
    const callId = newCallId();
    alice.send({ type: 'ring', callId, to: 'bob', kind: 'audio' });
    await bob.inbox.next('incoming');
    bob.send({ type: 'accept', callId });
    await alice.inbox.next('connect');
    bob.send({ type: 'hangup', callId, reason: 'media-unavailable' });
    expect(await alice.inbox.next('ended')).toEqual({ v: 1, type: 'ended', callId, reason: 'remote-media-unavailable' });
  });

  it('tells the caller when the callee declines', async () => {
    const { alice, bob } = await openMode();
    const callId = newCallId();
    alice.send({ type: 'ring', callId, to: 'bob', kind: 'audio' });
    await bob.inbox.next('incoming');
    bob.send({ type: 'decline', callId });
    expect(await alice.inbox.next('ended')).toMatchObject({ callId, reason: 'declined' });
  });

  it('tells the callee when the caller cancels, or goes away while ringing', async () => {
    const { alice, bob } = await openMode();
    const callId = newCallId();
    alice.send({ type: 'ring', callId, to: 'bob', kind: 'audio' });
    await bob.inbox.next('incoming');
    alice.send({ type: 'cancel', callId });
    expect(await bob.inbox.next('ended')).toMatchObject({ callId, reason: 'cancelled' });

    const second = newCallId();
    alice.send({ type: 'ring', callId: second, to: 'bob', kind: 'audio' });
    await bob.inbox.next('incoming');
    await alice.close();
    expect(await bob.inbox.next('ended')).toMatchObject({ callId: second, reason: 'cancelled' });
  });

  it('answers busy when the callee is in another call or says busy', async () => {
    const { alice, bob } = await openMode();
    const carol = await deviceWithHandle(service, 'carol');
    const first = newCallId();
    carol.send({ type: 'ring', callId: first, to: 'bob', kind: 'audio' });
    await bob.inbox.next('incoming');
    const second = newCallId();
    alice.send({ type: 'ring', callId: second, to: 'bob', kind: 'audio' });
    expect(await alice.inbox.next('ended')).toMatchObject({ callId: second, reason: 'busy' });
    expect(bob.inbox.unread().filter((f) => f.type === 'incoming')).toEqual([]);

    bob.send({ type: 'busy', callId: first });
    expect(await carol.inbox.next('ended')).toMatchObject({ callId: first, reason: 'busy' });
  });

  it('ends with no-answer for everyone after the ring timeout', async () => {
    const { alice, bob } = await openMode({ timeouts: { ringMs: 200 } });
    const callId = newCallId();
    alice.send({ type: 'ring', callId, to: 'bob', kind: 'audio' });
    await bob.inbox.next('incoming');
    expect(await alice.inbox.next('ended')).toMatchObject({ callId, reason: 'no-answer' });
    expect(await bob.inbox.next('ended')).toMatchObject({ callId, reason: 'no-answer' });
  });

  it('a ringing device whose socket goes away (replaced by its client) no longer keeps the caller waiting for no-answer', async () => {
    const { alice, bob } = await openMode();
    const callId = newCallId();
    alice.send({ type: 'ring', callId, to: 'bob', kind: 'audio' });
    await bob.inbox.next('incoming');
    // bob's client gives the socket up (its pong came late) and registers anew; the ring was on the old one.
    const rang = bob.ws;
    await bob.connect(service);
    const gone = Date.now();
    rang.close();
    expect(await alice.inbox.next('ended', undefined, 2_000)).toEqual({ v: 1, type: 'ended', callId, reason: 'unavailable' });
    expect(Date.now() - gone).toBeLessThan(1_000);
  });

  it('a ringing device that goes away leaves the others ringing', async () => {
    const { alice, phone, laptop, callId } = await startRingingOnTwoDevices();
    await phone.close();
    await quiet();
    expect(alice.inbox.unread()).toEqual([]);
    laptop.send({ type: 'accept', callId });
    expect(await alice.inbox.next('connect')).toMatchObject({ peerId: laptop.peerId });
  });

  it('answers unavailable alike for an offline handle and one that never existed', async () => {
    const { alice, bob } = await openMode();
    await bob.close();
    const offline = newCallId();
    const unknown = newCallId();
    const started = Date.now();
    alice.send({ type: 'ring', callId: offline, to: 'bob', kind: 'audio' });
    alice.send({ type: 'ring', callId: unknown, to: 'nobody_here', kind: 'audio' });
    const [a, b] = [await alice.inbox.next('ended', (f) => f.callId === offline), await alice.inbox.next('ended', (f) => f.callId === unknown)];
    expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
    expect({ ...a, callId: 'x' }).toEqual({ ...b, callId: 'x' });
    expect(a).toEqual({ v: 1, type: 'ended', callId: offline, reason: 'unavailable' });
  });

  it('refuses rings from a device without an identity, and from yourself answers unavailable', async () => {
    const { alice } = await openMode({ timeouts: { unavailableDelayMs: 50 } });
    const nobody = await TestDevice.create();
    await nobody.connect(service);
    nobody.send({ type: 'ring', callId: newCallId(), to: 'alice', kind: 'audio' });
    expect(await nobody.inbox.next('refused')).toMatchObject({ reason: 'sign-in-failed', detail: 'Sign in before calling' });
    const self = newCallId();
    alice.send({ type: 'ring', callId: self, to: 'alice', kind: 'audio' });
    expect(await alice.inbox.next('ended')).toMatchObject({ callId: self, reason: 'unavailable' });
  });

  it('ignores frames about calls the device is not part of, and duplicate call ids', async () => {
    const { alice, bob } = await openMode();
    const mallory = await deviceWithHandle(service, 'mallory');
    const callId = newCallId();
    alice.send({ type: 'ring', callId, to: 'bob', kind: 'audio' });
    await bob.inbox.next('incoming');
    for (const type of ['accept', 'decline', 'busy', 'cancel', 'hangup'] as const) mallory.send({ type, callId });
    mallory.send({ type: 'ring', callId, to: 'bob', kind: 'audio' });
    alice.send({ type: 'ring', callId, to: 'bob', kind: 'audio' });
    await quiet();
    expect(mallory.inbox.unread()).toEqual([]);
    expect(bob.inbox.unread()).toEqual([]);
    bob.send({ type: 'accept', callId });
    expect(await alice.inbox.next('connect')).toMatchObject({ peerId: bob.peerId });
  });

  it('rings every device of an X user; the first accept wins', async () => {
    const { alice, phone, laptop, callId } = await startRingingOnTwoDevices({ timeouts: { reconnectGraceMs: 200 } });
    expect(laptop.registered.identity).toEqual({ handle: 'bob', verified: true });
    laptop.send({ type: 'accept', callId });
    phone.send({ type: 'accept', callId });
    expect(await alice.inbox.next('connect')).toMatchObject({ peerId: laptop.peerId, remote: { handle: 'bob', verified: true } });
    expect(await laptop.inbox.next('connect')).toMatchObject({ peerId: alice.peerId });
    expect(await phone.inbox.next('ended')).toMatchObject({ callId, reason: 'answered-elsewhere' });
    await quiet();
    expect(phone.inbox.unread()).toEqual([]);
    expect(alice.inbox.unread()).toEqual([]);

    // The caller's socket lost and not back within the grace period.
    await alice.close();
    expect(await laptop.inbox.next('ended')).toMatchObject({ callId, reason: 'remote-hung-up' });
  });

  it('tells the other devices when one declines', async () => {
    const { alice, phone, laptop, callId } = await startRingingOnTwoDevices();
    phone.send({ type: 'decline', callId });
    expect(await alice.inbox.next('ended')).toMatchObject({ callId, reason: 'declined' });
    expect(await laptop.inbox.next('ended')).toMatchObject({ callId, reason: 'declined-elsewhere' });
  });

  it('rate-limits a fourth ring to the same callee within a minute', async () => {
    let now = 1_000_000;
    const { alice, bob } = await openMode({ now: () => now });
    const ringAndDecline = async () => {
      const callId = newCallId();
      alice.send({ type: 'ring', callId, to: 'bob', kind: 'audio' });
      await bob.inbox.next('incoming', (f) => f.callId === callId);
      bob.send({ type: 'decline', callId });
      await alice.inbox.next('ended', (f) => f.callId === callId);
    };
    for (let i = 0; i < 3; i++) await ringAndDecline();
    const fourth = newCallId();
    alice.send({ type: 'ring', callId: fourth, to: 'bob', kind: 'audio' });
    expect(await alice.inbox.next('ended')).toEqual({ v: 1, type: 'ended', callId: fourth, reason: 'rate-limited' });
    await quiet();
    expect(bob.inbox.unread()).toEqual([]);
    expect(await (await fetch(`${service.url}metrics`)).text()).toMatch(/^birdcall_rate_limited_rings_total 1$/m);

    now += 61_000;
    await ringAndDecline();
  });

  it('does not count answered rings against the pair, only against the totals', async () => {
    const { alice, bob } = await openMode();
    for (let i = 0; i < 5; i++) {
      const callId = newCallId();
      alice.send({ type: 'ring', callId, to: 'bob', kind: 'audio' });
      await bob.inbox.next('incoming', (f) => f.callId === callId);
      bob.send({ type: 'accept', callId });
      await alice.inbox.next('connect', (f) => f.callId === callId);
      alice.send({ type: 'hangup', callId });
      await bob.inbox.next('ended', (f) => f.callId === callId);
    }
  });
});
