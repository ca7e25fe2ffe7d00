/**
 * Back-to-back calls between the same two browsers, as people make them: call, answer, talk, hang
 * up, close the window, call again at once. Every call must connect and end on both sides; a call
 * must never wait on something left over from the one before.
 *
 * BIRDCALL_CALL_LOOP_RUNS sets how many calls (default 10 in `npm test`; `npm run call-loop` makes
 * 50). Directions, kinds and who hangs up alternate, so each browser is caller and callee of voice
 * and video calls, and hangs up and is hung up on.
 */
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  acceptFromNotification,
  clickDeep,
  closeCallWindows,
  openProfile,
  signIn,
  startService,
  testid,
  waitForState,
  type Person,
  type RunningService,
} from './harness';

const RUNS = Math.max(1, Number(process.env.BIRDCALL_CALL_LOOP_RUNS ?? 10) || 10);
/** One call takes about 4 s here (2 CPUs); this bounds a stuck one, never a slow machine's normal call. */
const CALL_LIMIT_MS = 60_000;

interface Side {
  person: Person;
  /** The other person's X profile, kept open: its call buttons start every call from this side. */
  profile: Page;
  /** What this side's offscreen document logged, for the message of a failed call. */
  log: string[];
}

describe('back-to-back calls', () => {
  let service: RunningService;
  let a: Side;
  let b: Side;

  beforeAll(async () => {
    // A service of this file's own: handles are first come on the shared one.
    service = await startService();
    const [alice, bob] = await Promise.all([signIn('loop_a', { service: service.url }), signIn('loop_b', { service: service.url })]);
    const side = async (person: Person, other: Person): Promise<Side> => {
      const log: string[] = [];
      const offscreen = await person.browser.offscreenPage();
      offscreen.on('console', (message) => log.push(`${new Date().toISOString()} ${message.type()} ${message.text()}`));
      return { person, profile: await openProfile(person, other.handle), log };
    };
    [a, b] = await Promise.all([side(alice, bob), side(bob, alice)]);
  });
  afterAll(async () => {
    await Promise.all([a?.person.browser.close(), b?.person.browser.close()]);
    await service?.close();
  });

  it(`${RUNS} calls in a row all connect and all end on both sides`, { timeout: RUNS * CALL_LIMIT_MS }, async () => {
    const durations: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const [caller, callee] = run % 2 === 0 ? [a, b] : [b, a];
      const kind = run % 4 < 2 ? 'audio' : 'video';
      const callerHangsUp = run % 3 !== 2;
      const started = Date.now();
      const marks = { caller: caller.log.length, callee: callee.log.length };
      try {
        await clickDeep(caller.profile, testid(`birdcall-call-${kind}`));
        const callerWindow = await caller.person.browser.waitForPage('/call.html');
        const calleeWindow = await acceptFromNotification(callee.person);
        await waitForState(callerWindow, 'connected', { peer: callee.person.handle });
        await waitForState(calleeWindow, 'connected', { peer: caller.person.handle });
        const [hangsUp, hungUpOn] = callerHangsUp ? [callerWindow, calleeWindow] : [calleeWindow, callerWindow];
        await hangsUp.click(testid('birdcall-hangup'));
        await waitForState(hangsUp, 'ended', { reason: 'hung-up' });
        await waitForState(hungUpOn, 'ended', { reason: 'remote-hung-up', timeoutMs: 5_000 });
        // As a person would: close the ended windows, then call again at once.
        await Promise.all([closeCallWindows(caller.person), closeCallWindows(callee.person)]);
      } catch (error) {
        const tail = (side: Side, from: number) => side.log.slice(Math.max(from - 5, 0)).join('\n  ');
        throw new Error(
          `call ${run + 1} of ${RUNS} (@${caller.person.handle} -> @${callee.person.handle}, ${kind}) failed after ${Date.now() - started} ms: ` +
            `${error instanceof Error ? error.message : String(error)}\n` +
            `caller's offscreen log:\n  ${tail(caller, marks.caller)}\ncallee's offscreen log:\n  ${tail(callee, marks.callee)}`,
          { cause: error },
        );
      }
      durations.push(Date.now() - started);
    }
    const sorted = [...durations].sort((x, y) => x - y);
    console.log(
      `[figures] ${RUNS} back-to-back calls: total ${(durations.reduce((sum, ms) => sum + ms, 0) / 1000).toFixed(1)} s, ` +
        `per call median ${sorted[Math.floor(sorted.length / 2)]} ms, slowest ${sorted.at(-1)} ms`,
    );
    expect(durations).toHaveLength(RUNS);
  });
});
