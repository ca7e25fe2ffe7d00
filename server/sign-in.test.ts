import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newCallId } from '../lib/wire';
import { FAKEX_SESSION_COOKIE, startFakeX, type FakeX } from '../tests/fake-x/fake-x';
import type { XConfig } from './config';
import type { RunningService } from './service';
import { TestDevice } from './test-support/device';
import { startTestService } from './test-support/test-service';

const REDIRECT = 'https://abcdefghijklmnopabcdefghijklmnop.chromiumapp.org/x';
const CLIENT_ID = 'birdcall-test';
const USERS = [
  { id: '100', username: 'alice' },
  { id: '150', username: 'Alice_X' },
  { id: '200', username: 'bob' },
  { id: '300', username: 'carol' },
];

/** The service's X settings for a fake X. */
const xConfig = (fake: FakeX): XConfig => ({
  clientId: fake.clientId,
  clientSecret: fake.clientSecret ?? null,
  authorizeUrl: fake.authorizeUrl,
  apiUrl: fake.apiUrl,
});

let service: RunningService;
let fakeX: FakeX;
beforeEach(async () => {
  fakeX = await startFakeX({ clientId: CLIENT_ID, clientSecret: 'shh', users: USERS });
  service = await startTestService({ x: xConfig(fakeX), timeouts: { unavailableDelayMs: 50 } });
});
afterEach(async () => {
  await service.close();
  await fakeX.close();
});

const get = (url: string) => fetch(url, { redirect: 'manual' });

/** The X user `userId` approves on X's authorize page (their X session cookie, no browser): returns the callback URL. */
async function approve(authorizeUrl: string, userId: string): Promise<string> {
  const page = await fetch(authorizeUrl, { redirect: 'manual', headers: { cookie: `${FAKEX_SESSION_COOKIE}=${userId}` } });
  expect(page.status).toBe(302);
  const callback = new URL(page.headers.get('location')!);
  expect(callback.searchParams.get('code'), `X did not approve: ${callback}`).toBeTruthy();
  return callback.href;
}

/** Runs the browser part of sign-in for a device as X user `userId`: returns the URL X's redirect lands on. */
async function browserSignIn(device: TestDevice, userId: string): Promise<URL> {
  device.send({ type: 'sign-in-start', redirectUri: REDIRECT });
  const { url } = await device.inbox.next('sign-in-url');
  expect(url.startsWith(`${service.url}auth/x/start?ticket=`)).toBe(true);
  const start = await get(url);
  expect(start.status).toBe(302);
  const location = new URL(start.headers.get('location')!);
  expect(`${location.origin}${location.pathname}`).toBe(fakeX.authorizeUrl);
  expect(location.searchParams.get('redirect_uri')).toBe(`${service.url}auth/x/callback`);
  expect(location.searchParams.get('scope')).toBe('users.read tweet.read');
  expect(location.searchParams.get('code_challenge_method')).toBe('S256');
  const callback = await get(await approve(location.href, userId));
  expect(callback.status).toBe(302);
  return new URL(callback.headers.get('location')!);
}

async function signIn(device: TestDevice, userId: string) {
  const landed = await browserSignIn(device, userId);
  device.send({ type: 'sign-in-finish', ticket: landed.searchParams.get('ticket')!, result: landed.searchParams.get('result')! });
  return device.inbox.next('registered');
}

describe('sign in with X', () => {
  it('binds the device to the X user, with a verified identity and the same session', async () => {
    const device = await TestDevice.create();
    const before = await device.connect(service);
    expect(before).toMatchObject({ identity: null, certificate: null, signIn: true });
    const landed = await browserSignIn(device, '150');
    expect(`${landed.origin}${landed.pathname}`).toBe(REDIRECT);
    const after = await signIn(device, '150');
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
    const landed = await browserSignIn(device, '100');
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
    await signIn(alice, '100');
    const bob = await TestDevice.create();
    await bob.connect(service);
    await signIn(bob, '200');

    fakeX.rename('100', 'alice_new');
    const renamed = await signIn(alice, '100');
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
    await signIn(old, '100');
    // On X, user 100 renames and user 300 takes the name; Birdcall hears only of the second.
    fakeX.rename('100', 'alice_elsewhere');
    fakeX.rename('300', 'alice');
    const newcomer = await TestDevice.create();
    await newcomer.connect(service);
    await signIn(newcomer, '300');
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

    fakeX.failNextToken(500);
    const landedError = await get(`${service.url}auth/x/callback?state=nope&code=abc`);
    expect(landedError.status).toBe(400);
    device.send({ type: 'sign-in-start', redirectUri: REDIRECT });
    const second = await device.inbox.next('sign-in-url');
    const failed = await get(await approve((await get(second.url)).headers.get('location')!, '100'));
    expect(failed.status).toBe(502);
    expect(await failed.text()).toContain('X answered 500');
  });

  it('works for a public client (no secret: client_id in the form, no Basic auth)', async () => {
    const publicX = await startFakeX({ clientId: CLIENT_ID, users: [{ id: '9', username: 'pub' }] });
    const publicService = await startTestService({ x: xConfig(publicX) });
    const device = await TestDevice.create();
    await device.connect(publicService);
    device.send({ type: 'sign-in-start', redirectUri: REDIRECT });
    const { url } = await device.inbox.next('sign-in-url');
    const landed = new URL((await get(await approve((await get(url)).headers.get('location')!, '9'))).headers.get('location')!);
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
