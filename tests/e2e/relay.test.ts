/**
 * TURN from the deployment and "Always relay calls": a real coturn on loopback, the service
 * handing out its REST credentials, and two browsers that tick the option on their options pages.
 * The call must connect through coturn, and no candidate but a relay one may leave either side.
 */
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newTurnSecret, startCoturn, type RunningCoturn } from '../../server/turn/coturn';
import {
  acceptFromNotification,
  callFromProfile,
  expectFramesArriving,
  isPeerSignaling,
  recordSockets,
  signIn,
  startService,
  testid,
  waitForState,
  type Person,
  type RunningService,
} from './harness';

/** Records every RTCPeerConnection the offscreen document makes, so the test can read its stats. */
async function watchPeerConnections(offscreen: Page): Promise<void> {
  await offscreen.evaluate(() => {
    const Original = window.RTCPeerConnection;
    const made: RTCPeerConnection[] = [];
    (window as unknown as { birdcallTestPcs: RTCPeerConnection[] }).birdcallTestPcs = made;
    const Recording = function (this: unknown, config?: RTCConfiguration) {
      const pc = new Original(config);
      made.push(pc);
      return pc;
    } as unknown as typeof RTCPeerConnection;
    Recording.prototype = Original.prototype;
    window.RTCPeerConnection = Recording;
  });
}

/** The candidate types of the pair the call's connection uses, and the policy it was made with. */
async function selectedPath(offscreen: Page) {
  return offscreen.evaluate(async () => {
    const pcs = (window as unknown as { birdcallTestPcs: RTCPeerConnection[] }).birdcallTestPcs;
    const pc = pcs.at(-1)!;
    const stats = [...(await pc.getStats()).values()] as Array<Record<string, unknown>>;
    const transport = stats.find((s) => s.type === 'transport');
    const pair = stats.find((s) => s.id === transport?.selectedCandidatePairId);
    const local = stats.find((s) => s.id === pair?.localCandidateId);
    const remote = stats.find((s) => s.id === pair?.remoteCandidateId);
    return { policy: pc.getConfiguration().iceTransportPolicy, local: local?.candidateType, remote: remote?.candidateType };
  });
}

async function tickAlwaysRelay(person: Person): Promise<void> {
  const options = await person.browser.openExtensionPage('/options.html');
  const box = await options.waitForSelector(testid('birdcall-always-relay'));
  await box!.click();
  await options.waitForFunction(() => (document.querySelector('[data-testid="birdcall-always-relay"]') as HTMLInputElement).checked);
  await options.close();
}

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
    await Promise.all([tickAlwaysRelay(alice), tickAlwaysRelay(bob)]);
    const [aliceOffscreen, bobOffscreen] = await Promise.all([alice.browser.offscreenPage(), bob.browser.offscreenPage()]);
    await Promise.all([watchPeerConnections(aliceOffscreen), watchPeerConnections(bobOffscreen)]);
    const sockets = await Promise.all([recordSockets(alice.browser), recordSockets(bob.browser)]);

    const aliceWindow = await callFromProfile(alice, 'bob', 'video');
    const bobWindow = await acceptFromNotification(bob);
    await waitForState(aliceWindow, 'connected', { peer: 'bob' });
    await waitForState(bobWindow, 'connected', { peer: 'alice' });
    await expectFramesArriving(aliceWindow, 'birdcall-remote-video');
    await expectFramesArriving(bobWindow, 'birdcall-remote-video');

    expect(await selectedPath(aliceOffscreen)).toEqual({ policy: 'relay', local: 'relay', remote: 'relay' });
    expect(await selectedPath(bobOffscreen)).toEqual({ policy: 'relay', local: 'relay', remote: 'relay' });
    const candidates = sockets.flatMap((recorder) => recorder.frames()).filter((f) => isPeerSignaling(f) && f.payload.includes('"CANDIDATE"'));
    expect(candidates.length).toBeGreaterThan(0);
    for (const frame of candidates) expect(frame.payload).toMatch(/typ relay/);

    await aliceWindow.click(testid('birdcall-hangup'));
    await waitForState(bobWindow, 'ended', { reason: 'remote-hung-up' });
  });
});
