/**
 * Call setup between two browsers: Birdcall from the profile button through the notification to
 * frames (ringing over the control sockets to Birdcall's service, media over PeerJS relayed by it),
 * and the two baselines (bare RTCPeerConnection over the bench's WebSocket relay; bare PeerJS
 * through a bare PeerServer the bench starts, since Birdcall's service relays PeerJS signaling only
 * within an accepted call) in pages of the same two browsers, interleaved run by run. Relayed runs:
 * Birdcall with "Always relay calls" on in both browsers (its service hands out the bench coturn's
 * credentials), the bare RTCPeerConnection pair with the same coturn and relay candidates only.
 */
import type { Page } from 'puppeteer-core';
import { clickDeep, openProfile, poll, sleep, testid, waitForState, type ExtensionChrome, type Person } from '../../tests/e2e/harness';
import { parseSignalUrl } from '../../lib/signal-config';
import { RING_LIMITS } from '../../server/ringing/rate-limits';
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
  /** The candidate types of the pair the caller's media connection used, e.g. "host/host", "relay/relay". */
  path: string;
  memory?: MemorySample;
}

/**
 * "Always relay calls" on or off, as the options page's checkbox stores it (chrome.storage.local
 * `alwaysRelay`); Birdcall reads it as each call starts (dial and accept).
 */
export async function setAlwaysRelay(person: Person, on: boolean): Promise<void> {
  await person.browser.evaluateInWorker(async (value: boolean) => {
    await (chrome.storage.local as unknown as { set(items: Record<string, unknown>): Promise<void> }).set({ alwaysRelay: value });
  }, on);
}

/** The candidate types ("local/remote") of the pair the newest video-receiving connection in the offscreen document uses. */
async function selectedPath(person: Person): Promise<string> {
  const page = await person.browser.offscreenPage();
  return (await page.evaluate(`(async () => {
    const pcs = (globalThis.__bench?.pcs ?? []).filter((pc) => pc.getReceivers().some((r) => r.track && r.track.kind === 'video'));
    const pc = pcs[pcs.length - 1];
    if (!pc) return '?/?';
    const stats = [...(await pc.getStats()).values()];
    const transport = stats.find((s) => s.type === 'transport');
    const pair = stats.find((s) => s.id === transport?.selectedCandidatePairId);
    const type = (id) => stats.find((s) => s.id === id)?.candidateType ?? '?';
    return pair ? type(pair.localCandidateId) + '/' + type(pair.remoteCandidateId) : '?/?';
  })()`)) as string;
}

export interface BirdcallSetup {
  caller: Person;
  callee: Person;
  profile: Page;
  pacer: RingPacer;
}

/**
 * Keeps the bench's rings within the service's ring limits (RING_LIMITS: per caller and per
 * callee over a sliding window; the per-pair limit does not apply, every ring is answered). With
 * one caller and one callee the tighter of the two binds; before a ring that would exceed it, waits
 * until the oldest ring in the window has left it (plus a margin: the service stamps a ring a little
 * after the click).
 */
export class RingPacer {
  readonly limit = Math.min(RING_LIMITS.perCaller, RING_LIMITS.perCallee);
  private readonly rings: number[] = [];
  rung = 0;
  waitedMs = 0;
  waits = 0;

  async beforeRing(log?: (text: string) => void): Promise<void> {
    const marginMs = 1_500;
    const recent = () => this.rings.filter((t) => Date.now() - t < RING_LIMITS.windowMs + marginMs);
    let inWindow = recent();
    if (inWindow.length >= this.limit) {
      const waitMs = inWindow[inWindow.length - this.limit]! + RING_LIMITS.windowMs + marginMs - Date.now();
      if (waitMs > 0) {
        log?.(`${inWindow.length} rings in the last ${RING_LIMITS.windowMs / 1000} s (service limit ${this.limit}): waiting ${Math.round(waitMs)} ms`);
        this.waits++;
        this.waitedMs += waitMs;
        await sleep(waitMs);
      }
      inWindow = recent();
    }
    this.rings.splice(0, this.rings.length, ...inWindow, Date.now());
    this.rung++;
  }
}

/** The caller's tab on the callee's X profile, with a capture listener stamping trusted clicks. */
export async function prepareCall(caller: Person, callee: Person): Promise<BirdcallSetup> {
  const profile = await openProfile(caller, callee.handle);
  await profile.evaluate(`document.addEventListener('click', (e) => { if (e.isTrusted) window.__benchClickAt = performance.timeOrigin + e.timeStamp; }, true)`);
  await profile.waitForSelector(`>>> ${testid('birdcall-call-video')}`, { timeout: 15_000 });
  await Promise.all([instrument(caller), instrument(callee)]);
  return { caller, callee, profile, pacer: new RingPacer() };
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
export async function birdcallRun(
  setup: BirdcallSetup,
  options: { acceptDelayMs: number; sampleMemory: boolean; relayed: boolean; log?: (text: string) => void },
): Promise<BirdcallRun> {
  const { caller, callee, profile } = setup;
  await setup.pacer.beforeRing(options.log);
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
  ).catch(async (error: unknown) => {
    // What each side got to, ms after Accept, to tell where the call stopped.
    const marks = { caller: await takeMarks(caller), callee: await takeMarks(callee) };
    const rel = (list: Mark[]) => list.map((m) => `${Math.round(m.at - acceptAt)} ${m.name}`).join(', ');
    throw new Error(
      `${String(error)}\ncaller offscreen: ${rel(marks.caller.offscreen)}\ncaller worker: ${rel(marks.caller.worker)}\n` +
        `callee offscreen: ${rel(marks.callee.offscreen)}\ncallee worker: ${rel(marks.callee.worker)}`,
    );
  });
  const calleeWindow = await callee.browser.waitForPage('/call.html');
  // A direct call starts on the relay pre-connection and moves off it (its ICE restart) a little after the first frames.
  const path = options.relayed
    ? await selectedPath(caller)
    : await poll(
        async () => {
          const now = await selectedPath(caller);
          return now.includes('relay') ? undefined : now;
        },
        'the direct call to leave the relay',
        { timeoutMs: 8_000, intervalMs: 100 },
      ).catch(() => selectedPath(caller));
  const callWindowAt = await paintedAt(callerWindow);
  const clickAt = (await profile.evaluate('window.__benchClickAt')) as number;
  const memory = options.sampleMemory ? await sampleMemory(caller.browser) : undefined;

  await callerWindow.click(testid('birdcall-hangup'));
  await waitForState(callerWindow, 'ended');
  await waitForState(calleeWindow, 'ended', { timeoutMs: 5_000 });
  const marks = { caller: await takeMarks(caller), callee: await takeMarks(callee) };
  await Promise.all([callerWindow.close(), calleeWindow.close()]);
  const notificationAt = marks.callee.worker.find((m) => m.name === 'sw:notification:end')?.at ?? NaN;
  // Let both sides and the service finish the call (media torn down, the service's hangup done)
  // before the next measure.
  await sleep(1_100);
  return {
    clickAt,
    notificationAt,
    callWindowAt,
    acceptAt,
    callerFrameAt: frames[0]!.at,
    calleeFrameAt: frames[1]!.at,
    marks,
    path,
    ...(memory ? { memory } : {}),
  };
}

/** The baseline page in each browser, ready: camera, relay, an open PeerJS Peer on the bare PeerServer. */
export interface Baselines {
  a: Page;
  b: Page;
  bName: string;
  bPeerId: string;
}

/** A TURN server entry for RTCPeerConnection (coturn REST credentials computed by the bench). */
export interface TurnIceServer {
  urls: string[];
  username: string;
  credential: string;
}

/**
 * `peerServerUrl`: the bare PeerServer the bench started (bench/lib/peer-server.ts), never Birdcall's
 * service. Loopback only: the PeerServer and the relay on 127.0.0.1, no ICE servers (host
 * candidates), except `turn` (the bench's coturn on 127.0.0.1) for the relayed RTCPeerConnection runs.
 */
export async function openBaselines(caller: Person, callee: Person, server: BaselineServer, peerServerUrl: string, turn?: TurnIceServer): Promise<Baselines> {
  const parsed = parseSignalUrl(peerServerUrl);
  if (!parsed.ok) throw new Error(`the baselines' PeerServer URL is not an http(s) URL: ${peerServerUrl}`);
  if (parsed.server.host !== '127.0.0.1') throw new Error(`the baselines' PeerServer must be on loopback, not ${peerServerUrl}`);
  for (const url of turn?.urls ?? [])
    if (!/^turn:127\.0\.0\.1:\d+\?transport=(udp|tcp)$/.test(url)) throw new Error(`the baselines' TURN server must be on loopback, not ${url}`);
  const suffix = Math.random().toString(36).slice(2, 8);
  const open = async (person: Person, name: string) => {
    const page = await person.browser.browser.newPage();
    await page.goto(server.url, { waitUntil: 'load' });
    await page.evaluate((options) => (window as unknown as { bench: { init(o: unknown): Promise<boolean> } }).bench.init(options), {
      name,
      relayUrl: server.relayUrl,
      server: parsed.server,
      peerId: `bench-${name}-${suffix}`,
      ...(turn ? { turn } : {}),
    });
    return page;
  };
  const [a, b] = await Promise.all([open(caller, 'a'), open(callee, 'b')]);
  return { a, b, bName: 'b', bPeerId: `bench-b-${suffix}` };
}

type BenchWindow = Window & {
  bench: {
    results: Record<string, number>;
    rtcCall(run: string, to: string, relay: boolean): Promise<{ t0: number; frameAt: number; path: string }>;
    rtcHangup(run: string, to: string): void;
    peerData(run: number, remoteId: string): Promise<{ t0: number; openAt: number; ackAt: number }>;
    peerCall(run: number, remoteId: string): Promise<{ t0: number; frameAt: number }>;
    peerHangup(): void;
  };
};

const remoteResult = (page: Page, key: string) =>
  poll(() => page.evaluate((k) => (window as unknown as BenchWindow).bench.results[k], key), `baseline result ${key}`, { timeoutMs: 20_000, intervalMs: 10 });

/**
 * Bare RTCPeerConnection: offer -> first decoded frame on each side. `relay`: through the bench's
 * coturn, relay candidates only. `path`: the candidate types of the pair used ("host/host"...).
 */
export async function rtcRun(baselines: Baselines, run: number, relay = false): Promise<{ caller: number; callee: number; both: number; path: string }> {
  const id = `${run}${relay ? 'r' : 'd'}`;
  const { t0, frameAt, path } = await baselines.a.evaluate(
    (r, to, rel) => (window as unknown as BenchWindow).bench.rtcCall(r, to, rel),
    id,
    baselines.bName,
    relay,
  );
  const calleeAt = await remoteResult(baselines.b, `rtc${id}`);
  await baselines.a.evaluate((r, to) => (window as unknown as BenchWindow).bench.rtcHangup(r, to), id, baselines.bName);
  return { caller: frameAt - t0, callee: calleeAt - t0, both: Math.max(frameAt, calleeAt) - t0, path };
}

/** Bare PeerJS: connect() -> data delivered on the other side (and -> open here). */
export async function peerDataRun(baselines: Baselines, run: number): Promise<{ delivered: number; open: number }> {
  const { t0, openAt } = await baselines.a.evaluate((r, id) => (window as unknown as BenchWindow).bench.peerData(r, id), run, baselines.bPeerId);
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
  const { t0, frameAt } = await baselines.a.evaluate((r, id) => (window as unknown as BenchWindow).bench.peerCall(r, id), run, baselines.bPeerId);
  const calleeAt = await remoteResult(baselines.b, `call${run}`);
  await baselines.a.evaluate(() => (window as unknown as BenchWindow).bench.peerHangup());
  const marks = await baselineMarks(baselines);
  return { caller: frameAt - t0, callee: calleeAt - t0, both: Math.max(frameAt, calleeAt) - t0, t0, callerAt: frameAt, calleeAt, marks };
}
