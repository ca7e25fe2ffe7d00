/**
 * TURN from the deployment: a real coturn on loopback and the service handing out its REST
 * credentials. While a call rings the two sides prepare a relay-only pre-connection through coturn,
 * and nothing but relay candidates without a related address leaves either side before Accept; the
 * call then goes on it. With "Always relay calls" ticked on both options pages the whole call stays
 * on coturn, and no candidate but a relay one ever leaves either side.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newTurnSecret, startCoturn, type RunningCoturn } from '../../server/turn/coturn';
import {
  acceptFromNotification,
  callFromProfile,
  connectionsMade,
  expectFramesArriving,
  isPeerSignaling,
  poll,
  recordSockets,
  selectedPath,
  setAlwaysRelay,
  signIn,
  sleep,
  startService,
  testid,
  videoScaleDownBy,
  waitForState,
  watchPeerConnections,
  type Person,
  type RunningService,
  type SocketFrame,
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

  /** Every ICE candidate line either side sent or got, on the control socket (media-signal) or PeerJS's. */
  const candidateLines = (frames: SocketFrame[]) => frames.flatMap((f) => f.payload.match(/candidate:[^"\\]*/g) ?? []);

  it('while it rings, a relay-only pre-connection: only relay candidates naming no address of either side; Accept sends on it', async () => {
    await Promise.all([setAlwaysRelay(alice, false), setAlwaysRelay(bob, false)]);
    const [aliceOffscreen, bobOffscreen] = await Promise.all([alice.browser.offscreenPage(), bob.browser.offscreenPage()]);
    await Promise.all([watchPeerConnections(aliceOffscreen), watchPeerConnections(bobOffscreen)]);
    const [aliceBefore, bobBefore] = await Promise.all([connectionsMade(aliceOffscreen), connectionsMade(bobOffscreen)]);
    const sockets = await Promise.all([recordSockets(alice.browser), recordSockets(bob.browser)]);

    const aliceWindow = await callFromProfile(alice, 'bob', 'video');
    await bob.browser.waitForNotification('birdcall-incoming-');
    const made = async () => [(await connectionsMade(aliceOffscreen)).slice(aliceBefore.length), (await connectionsMade(bobOffscreen)).slice(bobBefore.length)];
    await poll(async () => ((await made()).flat().filter((c) => c.state === 'connected').length === 2 ? true : undefined), 'both pre-connections connected', {
      timeoutMs: 15_000,
    });
    expect(await made()).toEqual([[{ policy: 'relay', state: 'connected' }], [{ policy: 'relay', state: 'connected' }]]);
    const ringing = candidateLines(sockets.flatMap((recorder) => recorder.frames()));
    expect(ringing.length).toBeGreaterThan(0);
    for (const line of ringing) expect(line).toMatch(/ typ relay raddr 0\.0\.0\.0 rport 0/);
    expect(sockets.flatMap((recorder) => recorder.frames()).filter(isPeerSignaling)).toEqual([]);

    const bobWindow = await acceptFromNotification(bob);
    await waitForState(aliceWindow, 'connected', { peer: 'bob' });
    await waitForState(bobWindow, 'connected', { peer: 'alice' });
    await expectFramesArriving(aliceWindow, 'birdcall-remote-video');
    await expectFramesArriving(bobWindow, 'birdcall-remote-video');
    // The first frames went at 360 lines; both cameras' full 720 follows 2 s after media flowed.
    for (const offscreen of [aliceOffscreen, bobOffscreen]) {
      await poll(async () => ((await videoScaleDownBy(offscreen)) === 1 ? true : undefined), 'the video sent at full resolution', { timeoutMs: 10_000 });
    }
    // The call went on the pre-connection: no other connection, no PeerJS signaling.
    expect((await made()).map((list) => list.length)).toEqual([1, 1]);
    expect(sockets.flatMap((recorder) => recorder.frames()).filter(isPeerSignaling)).toEqual([]);

    await aliceWindow.click(testid('birdcall-hangup'));
    await waitForState(bobWindow, 'ended', { reason: 'remote-hung-up' });
    await Promise.all([aliceWindow.close(), bobWindow.close()]);
  });

  it('with "Always relay calls" on both sides, connects through coturn, and only relay candidates leave either side', async () => {
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
    // Some stay in flight a moment after media flows: the ICE restart after Accept gathers relay candidates only.
    await sleep(1_000);
    const candidates = candidateLines(sockets.flatMap((recorder) => recorder.frames()));
    expect(candidates.length).toBeGreaterThan(0);
    for (const line of candidates) expect(line).toMatch(/ typ relay /);

    await aliceWindow.click(testid('birdcall-hangup'));
    await waitForState(bobWindow, 'ended', { reason: 'remote-hung-up' });
  });
});
