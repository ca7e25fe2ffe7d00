/**
 * Call setup between two browsers: Birdcall from the profile button through the notification to
 * frames, and the two baselines (bare RTCPeerConnection over a WebSocket relay; bare PeerJS through
 * the same PeerServer) in pages of the same two browsers, interleaved run by run.
 */
import type { Page } from 'puppeteer-core';
import { clickDeep, openProfile, poll, sleep, testid, waitForState, type ExtensionChrome, type Person } from '../../tests/e2e/harness';
import { parseSignalUrl } from '../../lib/signal-config';
import { FIRST_FRAME, INSTRUMENT, type BaselineServer } from './baseline-server';
import { sampleMemory, type MemorySample } from './memory';

declare const chrome: ExtensionChrome; // evaluated in the service worker


export interface Mark {
  name: string;
  at: number;
}

/** Installs instrument.js in the offscreen document and the service worker (idempotent). */
export async function instrument(person: Person): Promise<void> {
  const offscreen = await person.browser.offscreenPage();
  await offscreen.evaluate(`${FIRST_FRAME};${INSTRUMENT};benchInstrumentDocument()`);
  const worker = await person.browser.serviceWorker();
  await worker.evaluate(`${INSTRUMENT};benchInstrumentWorker()`);
}

async function takeMarks(person: Person): Promise<{ offscreen: Mark[]; worker: Mark[] }> {
  const read = `(() => { const b = globalThis.__bench; const e = b ? b.events.splice(0) : []; return e; })()`;
  const offscreen = (await (await person.browser.offscreenPage()).evaluate(read)) as Mark[];
  const worker = (await (await person.browser.serviceWorker()).evaluate(read)) as Mark[];
  return { offscreen, worker };
}

async function offscreenMark(person: Person, name: string): Promise<Mark | undefined> {
  const page = await person.browser.offscreenPage();
  return (await page.evaluate(`(globalThis.__bench?.events ?? []).find((e) => e.name === ${JSON.stringify(name)})`)) as Mark | undefined;
}

export interface BirdcallRun {
  clickAt: number;
  notificationAt: number;
  callWindowAt: number;
  acceptAt: number;
  callerFrameAt: number;
  calleeFrameAt: number;
  marks: Record<'caller' | 'callee', { offscreen: Mark[]; worker: Mark[] }>;
  memory?: MemorySample;
}

export interface BirdcallSetup {
  caller: Person;
  callee: Person;
  profile: Page;
}

/** The caller's tab on the callee's X profile, with a capture listener stamping trusted clicks. */
export async function prepareCall(caller: Person, callee: Person): Promise<BirdcallSetup> {
  const profile = await openProfile(caller, callee.handle);
  await profile.evaluate(`document.addEventListener('click', (e) => { if (e.isTrusted) window.__benchClickAt = performance.timeOrigin + e.timeStamp; }, true)`);
  await profile.waitForSelector(`>>> ${testid('birdcall-call-video')}`, { timeout: 15_000 });
  await Promise.all([instrument(caller), instrument(callee)]);
  // instrument.js sees PeerJS's socket only from its next send (a heartbeat every 5 s).
  await Promise.all(
    [caller, callee].map(async (person) => {
      const page = await person.browser.offscreenPage();
      await poll(async () => ((await page.evaluate('globalThis.__bench.socketHooked === true')) ? true : undefined), 'the PeerJS socket hook', {
        timeoutMs: 12_000,
        intervalMs: 250,
      });
    }),
  );
  return { caller, callee, profile };
}

/** First contentful paint of the call window (epoch ms), or when it was read if none is recorded. */
async function paintedAt(page: Page): Promise<number> {
  return (await poll(
    () =>
      page.evaluate(`(() => {
        const paint = performance.getEntriesByName('first-contentful-paint')[0];
        return paint && document.querySelector('[data-testid="birdcall-call-state"]') ? performance.timeOrigin + paint.startTime : undefined;
      })()`),
    'the call window to paint',
    { timeoutMs: 10_000, intervalMs: 20 },
  )) as number;
}

/**
 * One Birdcall video call: click the profile's video button, wait for the callee's notification,
 * accept it after `acceptDelayMs` (a person's reaction; lets both sides settle), wait for the
 * first decoded remote frame in both offscreen documents, hang up, close both call windows.
 */
export async function birdcallRun(setup: BirdcallSetup, options: { acceptDelayMs: number; sampleMemory: boolean }): Promise<BirdcallRun> {
  const { caller, callee, profile } = setup;
  await Promise.all([takeMarks(caller), takeMarks(callee)]);
  await profile.evaluate('window.__benchClickAt = undefined');
  await clickDeep(profile, testid('birdcall-call-video'));
  const callerWindow = await caller.browser.waitForPage('/call.html');
  const notification = await callee.browser.waitForNotification('birdcall-incoming-');
  await sleep(options.acceptDelayMs);
  const acceptAt = await callee.browser.evaluateInWorker((id: string) => {
    const at = performance.timeOrigin + performance.now();
    chrome.notifications.onButtonClicked.dispatch(id, 0);
    return at;
  }, notification);
  const frames = await Promise.all(
    [caller, callee].map((person) =>
      poll(() => offscreenMark(person, 'frame:first'), `the first remote frame in ${person.handle}'s offscreen document`, {
        timeoutMs: 20_000,
        intervalMs: 20,
      }),
    ),
  );
  const calleeWindow = await callee.browser.waitForPage('/call.html');
  const callWindowAt = await paintedAt(callerWindow);
  const clickAt = (await profile.evaluate('window.__benchClickAt')) as number;
  const memory = options.sampleMemory ? await sampleMemory(caller.browser) : undefined;

  await callerWindow.click(testid('birdcall-hangup'));
  await waitForState(callerWindow, 'ended');
  await waitForState(calleeWindow, 'ended', { timeoutMs: 5_000 });
  const marks = { caller: await takeMarks(caller), callee: await takeMarks(callee) };
  await Promise.all([callerWindow.close(), calleeWindow.close()]);
  const notificationAt = marks.callee.worker.find((m) => m.name === 'sw:notification:end')?.at ?? NaN;
  // Let the control channels close (Birdcall closes them 1 s after the end).
  await sleep(1_100);
  return {
    clickAt,
    notificationAt,
    callWindowAt,
    acceptAt,
    callerFrameAt: frames[0]!.at,
    calleeFrameAt: frames[1]!.at,
    marks,
    ...(memory ? { memory } : {}),
  };
}

/** The baseline page in each browser, ready: camera, relay, an open PeerJS Peer on the PeerServer. */
export interface Baselines {
  a: Page;
  b: Page;
  bName: string;
  bPeerId: string;
}

export async function openBaselines(caller: Person, callee: Person, server: BaselineServer, signalUrl: string): Promise<Baselines> {
  const parsed = parseSignalUrl(signalUrl);
  if (!parsed.ok) throw new Error(parsed.error);
  const suffix = Math.random().toString(36).slice(2, 8);
  const open = async (person: Person, name: string) => {
    const page = await person.browser.browser.newPage();
    await page.goto(server.url, { waitUntil: 'load' });
    await page.evaluate(
      (options) => (window as unknown as { bench: { init(o: unknown): Promise<boolean> } }).bench.init(options),
      { name, relayUrl: server.relayUrl, server: parsed.server, peerId: `bench-${name}-${suffix}` },
    );
    return page;
  };
  const [a, b] = await Promise.all([open(caller, 'a'), open(callee, 'b')]);
  return { a, b, bName: 'b', bPeerId: `bench-b-${suffix}` };
}

type BenchWindow = Window & {
  bench: {
    results: Record<string, number>;
    rtcCall(run: number, to: string): Promise<{ t0: number; frameAt: number }>;
    rtcHangup(run: number, to: string): void;
    peerData(run: number, remoteId: string): Promise<{ t0: number; openAt: number; ackAt: number }>;
    peerCall(run: number, remoteId: string): Promise<{ t0: number; frameAt: number }>;
    peerHangup(): void;
  };
};

const remoteResult = (page: Page, key: string) =>
  poll(
    () => page.evaluate((k) => (window as unknown as BenchWindow).bench.results[k], key),
    `baseline result ${key}`,
    { timeoutMs: 20_000, intervalMs: 10 },
  );

/** Bare RTCPeerConnection: offer -> first decoded frame on each side. */
export async function rtcRun(baselines: Baselines, run: number): Promise<{ caller: number; callee: number; both: number }> {
  const { t0, frameAt } = await baselines.a.evaluate(
    (r, to) => (window as unknown as BenchWindow).bench.rtcCall(r, to),
    run,
    baselines.bName,
  );
  const calleeAt = await remoteResult(baselines.b, `rtc${run}`);
  await baselines.a.evaluate((r, to) => (window as unknown as BenchWindow).bench.rtcHangup(r, to), run, baselines.bName);
  return { caller: frameAt - t0, callee: calleeAt - t0, both: Math.max(frameAt, calleeAt) - t0 };
}

/** Bare PeerJS: connect() -> data delivered on the other side (and -> open here). */
export async function peerDataRun(baselines: Baselines, run: number): Promise<{ delivered: number; open: number }> {
  const { t0, openAt } = await baselines.a.evaluate(
    (r, id) => (window as unknown as BenchWindow).bench.peerData(r, id),
    run,
    baselines.bPeerId,
  );
  const deliveredAt = await remoteResult(baselines.b, `data${run}`);
  return { delivered: deliveredAt - t0, open: openAt - t0 };
}

const TAKE = '(globalThis.__bench ? globalThis.__bench.events.splice(0) : [])';

/** The step marks of both baseline pages since the last call (instrument.js runs there too). */
export async function baselineMarks(baselines: Baselines): Promise<{ a: Mark[]; b: Mark[] }> {
  return { a: (await baselines.a.evaluate(TAKE)) as Mark[], b: (await baselines.b.evaluate(TAKE)) as Mark[] };
}

/** Bare PeerJS: call() -> first decoded remote frame on each side. */
export async function peerCallRun(
  baselines: Baselines,
  run: number,
): Promise<{ caller: number; callee: number; both: number; t0: number; callerAt: number; calleeAt: number; marks: { a: Mark[]; b: Mark[] } }> {
  await baselineMarks(baselines);
  const { t0, frameAt } = await baselines.a.evaluate(
    (r, id) => (window as unknown as BenchWindow).bench.peerCall(r, id),
    run,
    baselines.bPeerId,
  );
  const calleeAt = await remoteResult(baselines.b, `call${run}`);
  await baselines.a.evaluate(() => (window as unknown as BenchWindow).bench.peerHangup());
  const marks = await baselineMarks(baselines);
  return { caller: frameAt - t0, callee: calleeAt - t0, both: Math.max(frameAt, calleeAt) - t0, t0, callerAt: frameAt, calleeAt, marks };
}
