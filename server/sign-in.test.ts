import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newCallId } from '../lib/wire';
import type { RunningService } from './service';
import { TestDevice } from './test-support/device';
import { FakeX } from './test-support/fake-x';
import { startTestService } from './test-support/test-service';

const REDIRECT = 'https://abcdefghijklmnopabcdefghijklmnop.chromiumapp.org/x';

let service: RunningService;
let fakeX: FakeX;
beforeEach(async () => {
  fakeX = await FakeX.start();
  service = await startTestService({ x: fakeX.config, timeouts: { unavailableDelayMs: 50 } });
});
afterEach(async () => {
  await service.close();
  await fakeX.close();
});

const get = (url: string) => fetch(url, { redirect: 'manual' });

/** Runs the browser part of sign-in for a device: returns the URL X's redirect lands on. */
async function browserSignIn(device: TestDevice, user: { id: string; username: string }): Promise<URL> {
  device.send({ type: 'sign-in-start', redirectUri: REDIRECT });
  const { url } = await device.inbox.next('sign-in-url');
  expect(url.startsWith(`${service.url}auth/x/start?ticket=`)).toBe(true);
  const start = await get(url);
  expect(start.status).toBe(302);
  const location = new URL(start.headers.get('location')!);
  expect(location.searchParams.get('redirect_uri')).toBe(`${service.url}auth/x/callback`);
  const callback = await get(fakeX.authorize(location.toString(), user));
  expect(callback.status).toBe(302);
  return new URL(callback.headers.get('location')!);
}

async function signIn(device: TestDevice, user: { id: string; username: string }) {
  const landed = await browserSignIn(device, user);
  device.send({ type: 'sign-in-finish', ticket: landed.searchParams.get('ticket')!, result: landed.searchParams.get('result')! });
  return device.inbox.next('registered');
}

describe('sign in with X', () => {
  it('binds the device to the X user, with a verified identity and the same session', async () => {
    const device = await TestDevice.create();
    const before = await device.connect(service);
    expect(before).toMatchObject({ identity: null, certificate: null, signIn: true });
    const landed = await browserSignIn(device, { id: '100', username: 'Alice_X' });
    expect(`${landed.origin}${landed.pathname}`).toBe(REDIRECT);
    const after = await signIn(device, { id: '100', username: 'Alice_X' });
    expect(after).toMatchObject({ identity: { handle: 'alice_x', verified: true }, peerId: before.peerId, peerToken: before.peerToken });
    expect(after.certificate).toBeTruthy();

    // A claim is ignored in X mode; the binding survives reconnecting.
    await device.close();
    const again = await device.connect(service, 'mallory');
    expect(again.identity).toEqual({ handle: 'alice_x', verified: true });
  });

  it('refuses a finish from another device, and a reused result', async () => {
    const device = await TestDevice.create();
    await device.connect(service);
    const thief = await TestDevice.create();
    await thief.connect(service);
    const landed = await browserSignIn(device, { id: '100', username: 'alice' });
    const finish = { type: 'sign-in-finish', ticket: landed.searchParams.get('ticket')!, result: landed.searchParams.get('result')! } as const;
    thief.send(finish);
    expect(await thief.inbox.next('refused')).toMatchObject({ reason: 'sign-in-failed' });
    device.send(finish);
    expect((await device.inbox.next('registered')).identity).toEqual({ handle: 'alice', verified: true });
    device.send(finish);
    expect(await device.inbox.next('refused')).toMatchObject({ reason: 'sign-in-failed' });
  });

  it('follows the X user id through a rename', async () => {
    const alice = await TestDevice.create();
    await alice.connect(service);
    await signIn(alice, { id: '100', username: 'alice' });
    const bob = await TestDevice.create();
    await bob.connect(service);
    await signIn(bob, { id: '200', username: 'bob' });

    const renamed = await signIn(alice, { id: '100', username: 'alice_new' });
    expect(renamed.identity).toEqual({ handle: 'alice_new', verified: true });
    const old = newCallId();
    bob.send({ type: 'ring', callId: old, to: 'alice', kind: 'audio' });
    expect(await bob.inbox.next('ended')).toMatchObject({ callId: old, reason: 'unavailable' });
    const current = newCallId();
    bob.send({ type: 'ring', callId: current, to: 'alice_new', kind: 'audio' });
    expect(await alice.inbox.next('incoming')).toMatchObject({ callId: current, from: { handle: 'bob', verified: true } });
  });

  it('takes a username away from the X user who no longer has it', async () => {
    const old = await TestDevice.create();
    await old.connect(service);
    await signIn(old, { id: '100', username: 'alice' });
    const newcomer = await TestDevice.create();
    await newcomer.connect(service);
    await signIn(newcomer, { id: '300', username: 'alice' });
    expect((await old.inbox.next('registered')).identity).toBeNull();
  });

  it('sends a denial back to the extension, and refuses stale or failed callbacks', async () => {
    const device = await TestDevice.create();
    await device.connect(service);
    device.send({ type: 'sign-in-start', redirectUri: REDIRECT });
    const { url } = await device.inbox.next('sign-in-url');
    const state = new URL((await get(url)).headers.get('location')!).searchParams.get('state')!;
    const denied = await get(`${service.url}auth/x/callback?state=${state}&error=access_denied`);
    expect(denied.status).toBe(302);
    const back = new URL(denied.headers.get('location')!);
    expect(back.searchParams.get('error')).toBe('access_denied');
    expect(back.searchParams.get('ticket')).toBe(new URL(url).searchParams.get('ticket'));

    const stale = await get(`${service.url}auth/x/callback?state=${state}&code=abc`);
    expect(stale.status).toBe(400);
    expect(await stale.text()).toContain('Sign-in link expired; start again from Birdcall');

    fakeX.failTokenWith = 500;
    const landedError = await get(`${service.url}auth/x/callback?state=nope&code=abc`);
    expect(landedError.status).toBe(400);
    device.send({ type: 'sign-in-start', redirectUri: REDIRECT });
    const second = await device.inbox.next('sign-in-url');
    const failed = await get(fakeX.authorize((await get(second.url)).headers.get('location')!, { id: '1', username: 'a' }));
    expect(failed.status).toBe(502);
    expect(await failed.text()).toContain('X answered 500');
  });

  it('works for a public client (no secret: client_id in the form, no Basic auth)', async () => {
    const publicX = await FakeX.start(null);
    const publicService = await startTestService({ x: publicX.config });
    const device = await TestDevice.create();
    await device.connect(publicService);
    device.send({ type: 'sign-in-start', redirectUri: REDIRECT });
    const { url } = await device.inbox.next('sign-in-url');
    const landed = new URL((await get(publicX.authorize((await get(url)).headers.get('location')!, { id: '9', username: 'pub' }))).headers.get('location')!);
    device.send({ type: 'sign-in-finish', ticket: landed.searchParams.get('ticket')!, result: landed.searchParams.get('result')! });
    expect((await device.inbox.next('registered')).identity).toEqual({ handle: 'pub', verified: true });
    await publicService.close();
    await publicX.close();
  });

  it('is refused when X sign-in is not configured', async () => {
    const open = await startTestService();
    const device = await TestDevice.create();
    expect((await device.connect(open)).signIn).toBe(false);
    device.send({ type: 'sign-in-start', redirectUri: REDIRECT });
    expect(await device.inbox.next('refused')).toEqual({ v: 1, type: 'refused', reason: 'sign-in-failed', detail: 'X sign-in is not configured' });
    await open.close();
  });
});
