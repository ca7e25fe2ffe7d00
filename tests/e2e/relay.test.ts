/**
 * TURN from the deployment and "Always relay calls": a real coturn on loopback, the service
 * handing out its REST credentials, and two browsers that tick the option on their options pages.
 * The call must connect through coturn, and no candidate but a relay one may leave either side.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newTurnSecret, startCoturn, type RunningCoturn } from '../../server/turn/coturn';
import {
  acceptFromNotification,
  callFromProfile,
  expectFramesArriving,
  isPeerSignaling,
  recordSockets,
  selectedPath,
  setAlwaysRelay,
  signIn,
  startService,
  testid,
  waitForState,
  watchPeerConnections,
  type Person,
  type RunningService,
} from './harness';

describe('"Always relay calls" with TURN from the deployment', () => {
  let coturn: RunningCoturn;
  let service: RunningService;
  let alice: Person;
  let bob: Person;

  beforeAll(async () => {
    const secret = newTurnSecret();
    coturn = await startCoturn({ secret });
    service = await startService({ env: { TURN_URLS: coturn.urls.join(','), TURN_SECRET: secret } });
    [alice, bob] = await Promise.all([signIn('alice', { service: service.url }), signIn('bob', { service: service.url })]);
  });
  afterAll(async () => {
    await Promise.all([alice?.browser.close(), bob?.browser.close()]);
    await service?.close();
    await coturn?.close();
  });

  it('connects through coturn, and only relay candidates leave either side', async () => {
    await Promise.all([setAlwaysRelay(alice, true), setAlwaysRelay(bob, true)]);
    const [aliceOffscreen, bobOffscreen] = await Promise.all([alice.browser.offscreenPage(), bob.browser.offscreenPage()]);
    await Promise.all([watchPeerConnections(aliceOffscreen), watchPeerConnections(bobOffscreen)]);
    const sockets = await Promise.all([recordSockets(alice.browser), recordSockets(bob.browser)]);

    const aliceWindow = await callFromProfile(alice, 'bob', 'video');
    const bobWindow = await acceptFromNotification(bob);
    await waitForState(aliceWindow, 'connected', { peer: 'bob' });
    await waitForState(bobWindow, 'connected', { peer: 'alice' });
    await expectFramesArriving(aliceWindow, 'birdcall-remote-video');
    await expectFramesArriving(bobWindow, 'birdcall-remote-video');

    expect(await selectedPath(aliceOffscreen)).toMatchObject({ policy: 'relay', local: 'relay', remote: 'relay' });
    expect(await selectedPath(bobOffscreen)).toMatchObject({ policy: 'relay', local: 'relay', remote: 'relay' });
    const candidates = sockets.flatMap((recorder) => recorder.frames()).filter((f) => isPeerSignaling(f) && f.payload.includes('"CANDIDATE"'));
    expect(candidates.length).toBeGreaterThan(0);
    for (const frame of candidates) expect(frame.payload).toMatch(/typ relay/);

    await aliceWindow.click(testid('birdcall-hangup'));
    await waitForState(bobWindow, 'ended', { reason: 'remote-hung-up' });
  });
});
