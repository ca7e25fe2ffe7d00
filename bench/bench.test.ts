/**
 * `npm run bench`: Birdcall's call setup beside the limits (bare RTCPeerConnection, bare PeerJS)
 * in the same two browsers, bundle sizes and memory (one table; bench/results/latest.{json,svg,md}),
 * and the content script's cost on X's pages (one table; bench/results/content.{json,md}, see
 * lib/content-cost.ts). BENCH_ONLY=content or BENCH_ONLY=calls runs one part. Measures, asserts
 * nothing about timings. Birdcall's calls run against a service the bench starts with TURN (open mode,
 * TURN_URLS/TURN_SECRET pointing at a coturn the bench starts on 127.0.0.1): direct calls (host
 * candidates win on loopback) and relayed ones ("Always relay calls" on in both browsers),
 * interleaved. The baselines use a bare PeerServer the bench starts itself (Birdcall's service
 * relays PeerJS signaling only between the two peers of an accepted call), and the relayed bare
 * RTCPeerConnection pair the same coturn; everything on 127.0.0.1. The content script cost runs
 * against the global setup's service. BENCH_RUNS (default 20) sets the runs per timed measure;
 * BENCH_RUNS=1 is a smoke run.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, inject, it } from 'vitest';
import { findChromium, signIn, startService } from '../tests/e2e/harness';
import { newTurnSecret, startCoturn } from '../server/turn/coturn';
import { turnCredential } from '../server/turn/credentials';
import { acceptSteps, clickSteps, onPreparedConnection, peerjsCallSteps, preparedAcceptSteps, type Step } from './lib/breakdown';
import { startBaselineServer } from './lib/baseline-server';
import { startPeerServer } from './lib/peer-server';
import { birdcallRun, openBaselines, peerCallRun, peerDataRun, prepareCall, rtcRun, setAlwaysRelay, type BirdcallRun } from './lib/calls';
import { measureContentCost } from './lib/content-cost';
import { sampleMemory, type MemorySample } from './lib/memory';
import { markdownTable, stripChart, table, type Row } from './lib/report';
import { measureSizes } from './lib/sizes';
import { median, ratio, round, timing } from './lib/stats';

const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 20) || 20);
const SMOKE = RUNS < 5;
/** BENCH_ONLY=content or BENCH_ONLY=calls: run one part of the bench. */
const ONLY = process.env.BENCH_ONLY;
/** Timeline passes per timeline, each a with/without pair and an A/A pair. */
const CONTENT_PASSES = SMOKE ? 1 : 5;
const SURFACE_RUNS = SMOKE ? RUNS : Math.max(40, RUNS);
/** A person's reaction time before pressing Accept; lets both sides settle as they would. */
const ACCEPT_DELAY_MS = 500;
const RESULTS = fileURLToPath(new URL('./results/', import.meta.url));

const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch((error: unknown) => console.warn('[bench] cleanup:', error));
});

const log = (text: string) => process.stderr.write(`[bench] ${text}\n`);
const medianOf = (samples: MemorySample[], key: keyof MemorySample) => round(median(samples.map((s) => s[key])), 0);

it.skipIf(ONLY === 'content')('measures call setup, sizes and memory', async () => {
  const started = Date.now();
  const extensionDir = inject('extensionDir');

  // Sizes.
  const sizes = measureSizes(extensionDir);

  // TURN on loopback: a coturn, and Birdcall's service handing out its credentials.
  const turnSecret = newTurnSecret();
  const coturn = await startCoturn({ secret: turnSecret, host: '127.0.0.1' });
  cleanups.push(() => coturn.close());
  const service = await startService({ host: '127.0.0.1', env: { TURN_URLS: coturn.urls.join(','), TURN_SECRET: turnSecret } });
  cleanups.push(() => service.close());
  const serviceUrl = service.url;
  // The relayed baseline's credentials: coturn's REST scheme, as the service computes them.
  const baselineTurn = { urls: coturn.urls, ...turnCredential(turnSecret, 'bench-baseline', Math.floor(Date.now() / 1000) + 3600) };

  // Call setup: two browsers with Birdcall on that service, the baselines in pages of the same two browsers.
  const [alice, bob] = await Promise.all([signIn('alice', { service: serviceUrl }), signIn('bob_1', { service: serviceUrl })]);
  cleanups.push(
    () => alice.browser.close(),
    () => bob.browser.close(),
  );
  const server = await startBaselineServer();
  cleanups.push(() => server.close());
  const peerServer = await startPeerServer();
  cleanups.push(() => peerServer.close());
  const [baselines, setup] = await Promise.all([openBaselines(alice, bob, server, peerServer.url, baselineTurn), prepareCall(alice, bob)]);
  const idle: MemorySample[] = [];
  for (let i = 0; i < 3; i++) idle.push(await sampleMemory(alice.browser));
  log(`browsers ready after ${Date.now() - started} ms; ${RUNS} runs per measure`);

  const rtc: Array<Awaited<ReturnType<typeof rtcRun>>> = [];
  const rtcRelayed: Array<Awaited<ReturnType<typeof rtcRun>>> = [];
  const peerData: Array<Awaited<ReturnType<typeof peerDataRun>>> = [];
  const peerCall: Array<Awaited<ReturnType<typeof peerCallRun>>> = [];
  const birdcall: BirdcallRun[] = [];
  const birdcallRelayed: BirdcallRun[] = [];
  const relay = async (on: boolean) => Promise.all([setAlwaysRelay(alice, on), setAlwaysRelay(bob, on)]);
  // Run 0 warms every path up (first window, first encoder, first TURN allocation...) and is not
  // counted. Direct and relayed alternate within each run, so both ratios come from the same time.
  for (let run = SMOKE ? 1 : 0; run <= RUNS; run++) {
    const r1 = await rtcRun(baselines, run);
    const r1r = await rtcRun(baselines, run, true);
    const r2 = await peerDataRun(baselines, run);
    const r3 = await peerCallRun(baselines, run);
    await relay(false);
    const r4 = await birdcallRun(setup, { acceptDelayMs: ACCEPT_DELAY_MS, sampleMemory: true, relayed: false, log });
    await relay(true);
    const r4r = await birdcallRun(setup, { acceptDelayMs: ACCEPT_DELAY_MS, sampleMemory: false, relayed: true, log });
    await relay(false);
    if (run === 0) continue;
    rtc.push(r1);
    rtcRelayed.push(r1r);
    peerData.push(r2);
    peerCall.push(r3);
    birdcall.push(r4);
    birdcallRelayed.push(r4r);
  }
  log(`calls done after ${Date.now() - started} ms`);
  // Which candidate pairs the calls used: direct runs must be host/host, relayed ones relay/relay.
  const countPaths = (list: { path: string }[]) => list.reduce<Record<string, number>>((acc, r) => ({ ...acc, [r.path]: (acc[r.path] ?? 0) + 1 }), {});
  const paths = { birdcall: countPaths(birdcall), birdcallRelayed: countPaths(birdcallRelayed), rtc: countPaths(rtc), rtcRelayed: countPaths(rtcRelayed) };
  log(`candidate pairs (local/remote): ${JSON.stringify(paths)}`);
  const rings = {
    rung: setup.pacer.rung,
    limitPerMinute: setup.pacer.limit,
    pacingWaits: setup.pacer.waits,
    pacingWaitMs: round(setup.pacer.waitedMs, 0),
    ...(await serviceRingCounts(serviceUrl)),
  };
  log(`rings: ${JSON.stringify(rings)}`);
  await Promise.all([alice.browser.close(), bob.browser.close()]);
  await server.close();
  await peerServer.close();
  await service.close();
  await coturn.close();

  // Figures.
  const clickToNotification = timing(birdcall.map((r) => r.notificationAt - r.clickAt));
  const clickToCallWindow = timing(birdcall.map((r) => r.callWindowAt - r.clickAt));
  const acceptToFirstFrame = timing(birdcall.map((r) => Math.max(r.callerFrameAt, r.calleeFrameAt) - r.acceptAt));
  const acceptToFirstFrameCaller = timing(birdcall.map((r) => r.callerFrameAt - r.acceptAt));
  const acceptToFirstFrameCallee = timing(birdcall.map((r) => r.calleeFrameAt - r.acceptAt));
  const acceptToFirstFrameRelayed = timing(birdcallRelayed.map((r) => Math.max(r.callerFrameAt, r.calleeFrameAt) - r.acceptAt));
  const acceptToFirstFrameRelayedCaller = timing(birdcallRelayed.map((r) => r.callerFrameAt - r.acceptAt));
  const acceptToFirstFrameRelayedCallee = timing(birdcallRelayed.map((r) => r.calleeFrameAt - r.acceptAt));
  const rtcBoth = timing(rtc.map((r) => r.both));
  const rtcRelayedBoth = timing(rtcRelayed.map((r) => r.both));
  const peerjsBoth = timing(peerCall.map((r) => r.both));
  const peerjsData = timing(peerData.map((r) => r.delivered));
  const peerjsOpen = timing(peerData.map((r) => r.open));
  const inCall = birdcall.flatMap((r) => (r.memory ? [r.memory] : []));
  const memory = {
    idleBytes: medianOf(idle, 'rssBytes'),
    inCallBytes: medianOf(inCall, 'rssBytes'),
    idle: {
      rssBytes: medianOf(idle, 'rssBytes'),
      pssBytes: medianOf(idle, 'pssBytes'),
      offscreenHeapBytes: medianOf(idle, 'offscreenHeapBytes'),
      workerHeapBytes: medianOf(idle, 'workerHeapBytes'),
      processes: idle[0]?.processes ?? 0,
      samples: idle.length,
    },
    inCall: {
      rssBytes: medianOf(inCall, 'rssBytes'),
      pssBytes: medianOf(inCall, 'pssBytes'),
      offscreenHeapBytes: medianOf(inCall, 'offscreenHeapBytes'),
      workerHeapBytes: medianOf(inCall, 'workerHeapBytes'),
      processes: inCall[0]?.processes ?? 0,
      samples: inCall.length,
    },
  };
  const ratios = {
    acceptToFirstFrameVsRtc: ratio(acceptToFirstFrame.median, rtcBoth.median),
    acceptToFirstFrameRelayedVsRtcRelayed: ratio(acceptToFirstFrameRelayed.median, rtcRelayedBoth.median),
    clickToNotificationVsPeerjs: ratio(clickToNotification.median, peerjsData.median),
    acceptToFirstFrameVsPeerjs: ratio(acceptToFirstFrame.median, peerjsBoth.median),
  };
  const breakdown = {
    clickToNotification: clickSteps(birdcall),
    acceptToFirstFrame: preparedAcceptSteps(birdcall.filter(onPreparedConnection)),
    acceptToFirstFrameRelayed: preparedAcceptSteps(birdcallRelayed.filter(onPreparedConnection)),
    acceptToFirstFramePeerJs: acceptSteps([...birdcall, ...birdcallRelayed].filter((r) => !onPreparedConnection(r))),
    peerjsCallToFirstFrame: peerjsCallSteps(peerCall),
  };
  const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
  const rows: Row[] = [
    { label: 'click -> callee notification', timing: clickToNotification, note: `${ratios.clickToNotificationVsPeerjs}x PeerJS connect->data (target <= 2x)` },
    {
      label: 'accept -> first frame (both sides)',
      timing: acceptToFirstFrame,
      note: `${ratios.acceptToFirstFrameVsRtc}x bare RTC (target <= 1.3x); ${ratios.acceptToFirstFrameVsPeerjs}x PeerJS call`,
    },
    { label: '  at the caller', timing: acceptToFirstFrameCaller },
    { label: '  at the callee', timing: acceptToFirstFrameCallee },
    {
      label: 'accept -> first frame, relayed (both sides)',
      timing: acceptToFirstFrameRelayed,
      note: `${ratios.acceptToFirstFrameRelayedVsRtcRelayed}x bare RTC relayed (target <= 1.3x)`,
    },
    { label: '  at the caller, relayed', timing: acceptToFirstFrameRelayedCaller },
    { label: '  at the callee, relayed', timing: acceptToFirstFrameRelayedCallee },
    { label: 'click -> caller call window painted', timing: clickToCallWindow },
    { label: 'baseline: bare RTCPeerConnection offer -> frames', timing: rtcBoth },
    { label: 'baseline: bare RTCPeerConnection relayed offer -> frames', timing: rtcRelayedBoth, note: 'coturn on 127.0.0.1, relay candidates only' },
    { label: 'baseline: PeerJS call() -> frames', timing: peerjsBoth },
    { label: 'baseline: PeerJS connect() -> data delivered', timing: peerjsData },
    { label: 'content script, gzip (raw)', value: kb(sizes.contentScriptGzipBytes), note: `${kb(sizes.contentScriptBytes)} raw (target < 15 KB gzip)` },
    { label: 'whole extension zip', value: kb(sizes.zipBytes), note: `${kb(sizes.totalBytes)} unpacked` },
    {
      label: 'extension process RSS idle / in call',
      value: mb(memory.idleBytes),
      note: `${mb(memory.inCallBytes)} in a call (PSS ${mb(memory.idle.pssBytes)} / ${mb(memory.inCall.pssBytes)})`,
    },
    {
      label: 'JS heap offscreen / worker, idle',
      value: mb(memory.idle.offscreenHeapBytes),
      note: `${mb(memory.idle.workerHeapBytes)} worker; in call ${mb(memory.inCall.offscreenHeapBytes)} / ${mb(memory.inCall.workerHeapBytes)}`,
    },
  ];
  const stepRows = (title: string, list: Step[]) =>
    [`${title}`, ...list.map((s) => `  ${s.step.padEnd(62)} ${String(s.timing.median).padStart(7)} ms  (p90 ${s.timing.p90})`)].join('\n');
  const wallMs = Date.now() - started;
  const text = [
    '',
    `Birdcall bench, ${RUNS} runs per timed measure (${new Date().toISOString()}, ${cpus().length} CPUs)`,
    table(rows),
    '',
    'Where the time goes (medians per step):',
    stepRows('click -> notification (Birdcall)', breakdown.clickToNotification),
    stepRows('accept -> first frame (Birdcall)', breakdown.acceptToFirstFrame),
    stepRows('accept -> first frame, relayed (Birdcall)', breakdown.acceptToFirstFrameRelayed),
    stepRows('accept -> first frame on a PeerJS media call, direct and relayed (Birdcall, pre-connection not used)', breakdown.acceptToFirstFramePeerJs),
    stepRows('call() -> first frame (bare PeerJS)', breakdown.peerjsCallToFirstFrame),
    '',
    'Entrypoints (raw / gzip):',
    ...Object.entries(sizes.entrypoints).map(([name, s]) => `  ${name.padEnd(20)} ${kb(s.rawBytes).padStart(10)} / ${kb(s.gzipBytes).padStart(9)}`),
    '',
  ].join('\n');
  console.log(text);

  const results = {
    generatedAt: new Date().toISOString(),
    environment: {
      chromium: findChromium(),
      node: process.version,
      cpus: cpus().length,
      runs: RUNS,
      acceptDelayMs: ACCEPT_DELAY_MS,
      turn: 'coturn on 127.0.0.1 (UDP and TCP), REST credentials',
    },
    rings,
    paths,
    clickToNotification,
    acceptToFirstFrame,
    acceptToFirstFrameCaller,
    acceptToFirstFrameCallee,
    acceptToFirstFrameRelayed,
    acceptToFirstFrameRelayedCaller,
    acceptToFirstFrameRelayedCallee,
    clickToCallWindow,
    baselines: {
      rtcPeerConnection: rtcBoth,
      rtcPeerConnectionCaller: timing(rtc.map((r) => r.caller)),
      rtcPeerConnectionCallee: timing(rtc.map((r) => r.callee)),
      rtcPeerConnectionRelayed: rtcRelayedBoth,
      rtcPeerConnectionRelayedCaller: timing(rtcRelayed.map((r) => r.caller)),
      rtcPeerConnectionRelayedCallee: timing(rtcRelayed.map((r) => r.callee)),
      peerjs: peerjsBoth,
      peerjsCaller: timing(peerCall.map((r) => r.caller)),
      peerjsCallee: timing(peerCall.map((r) => r.callee)),
      peerjsData,
      peerjsDataOpen: peerjsOpen,
    },
    ratios,
    sizes,
    memory,
    breakdown,
    raw: {
      clickToNotification: birdcall.map((r) => round(r.notificationAt - r.clickAt)),
      acceptToFirstFrame: birdcall.map((r) => round(Math.max(r.callerFrameAt, r.calleeFrameAt) - r.acceptAt)),
      acceptToFirstFrameRelayed: birdcallRelayed.map((r) => round(Math.max(r.callerFrameAt, r.calleeFrameAt) - r.acceptAt)),
      clickToCallWindow: birdcall.map((r) => round(r.callWindowAt - r.clickAt)),
      rtcPeerConnection: rtc.map((r) => round(r.both)),
      rtcPeerConnectionRelayed: rtcRelayed.map((r) => round(r.both)),
      peerjs: peerCall.map((r) => round(r.both)),
      peerjsData: peerData.map((r) => round(r.delivered)),
    },
    /** Every mark of the last Birdcall run, ms after the click: a timeline to read. */
    lastRunMarks: (() => {
      const last = birdcall[birdcall.length - 1];
      if (!last) return {};
      const rel = (marks: { name: string; at: number }[]) => marks.map((m) => `${round(m.at - last.clickAt)} ${m.name}`);
      return {
        accept: round(last.acceptAt - last.clickAt),
        callerWorker: rel(last.marks.caller.worker),
        callerOffscreen: rel(last.marks.caller.offscreen),
        calleeWorker: rel(last.marks.callee.worker),
        calleeOffscreen: rel(last.marks.callee.offscreen),
      };
    })(),
    wallMs,
  };
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(join(RESULTS, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(
    join(RESULTS, 'latest.svg'),
    stripChart(
      [
        { label: 'click -> notification', values: results.raw.clickToNotification },
        { label: 'PeerJS connect -> data', values: results.raw.peerjsData, baseline: true },
        { label: 'accept -> first frame (both)', values: results.raw.acceptToFirstFrame },
        { label: 'bare RTC offer -> frames', values: results.raw.rtcPeerConnection, baseline: true },
        { label: 'PeerJS call -> frames', values: results.raw.peerjs, baseline: true },
        { label: 'accept -> first frame, relayed', values: results.raw.acceptToFirstFrameRelayed },
        { label: 'bare RTC relayed -> frames', values: results.raw.rtcPeerConnectionRelayed, baseline: true },
        { label: 'click -> call window painted', values: results.raw.clickToCallWindow },
      ],
      'Birdcall call setup, beside the baselines',
      `${RUNS} runs each, two headless Chromium on loopback; Birdcall's service (open mode, TURN), coturn, bare PeerServer for baselines · ${results.generatedAt.slice(0, 10)}`,
    ),
  );
  writeFileSync(join(RESULTS, 'latest.md'), `${markdownTable(rows)}\n`);
  log(`wrote ${join(RESULTS, 'latest.json')}, latest.svg, latest.md; wall ${wallMs} ms`);
  expect(birdcall.length).toBe(RUNS);
  expect(birdcallRelayed.length).toBe(RUNS);
  expect(rings.rateLimited).toBe(0);
  // The relayed figures are relayed (a relay candidate on this side), the direct ones direct.
  const local = (list: { path: string }[]) => list.map((r) => r.path.split('/')[0]);
  expect(local(birdcallRelayed).filter((t) => t !== 'relay')).toEqual([]);
  expect(local(rtcRelayed).filter((t) => t !== 'relay')).toEqual([]);
  expect(local(birdcall).filter((t) => t === 'relay')).toEqual([]);
  expect(local(rtc).filter((t) => t === 'relay')).toEqual([]);
});

it.skipIf(ONLY === 'calls')("measures the content script's cost on X's pages", async () => {
  const started = Date.now();
  const { rows, results } = await measureContentCost({ passes: CONTENT_PASSES, surfaceRuns: SURFACE_RUNS, log });
  const wallMs = Date.now() - started;
  console.log(
    ['', `Birdcall content script, ${CONTENT_PASSES} passes per timeline (${new Date().toISOString()}, ${cpus().length} CPUs)`, table(rows), ''].join('\n'),
  );
  mkdirSync(RESULTS, { recursive: true });
  const json = {
    generatedAt: new Date().toISOString(),
    environment: { chromium: findChromium(), node: process.version, cpus: cpus().length, passes: CONTENT_PASSES },
    ...results,
    wallMs,
  };
  writeFileSync(join(RESULTS, 'content.json'), `${JSON.stringify(json, null, 2)}\n`);
  writeFileSync(join(RESULTS, 'content.md'), `${markdownTable(rows)}\n`);
  log(`wrote ${join(RESULTS, 'content.json')}, content.md; wall ${wallMs} ms`);
});

/** Rings the service counted (accepted past the limits, refused by them), from its /metrics. */
async function serviceRingCounts(serviceUrl: string): Promise<{ serviceRings: number; rateLimited: number }> {
  const text = await (await fetch(new URL('metrics', serviceUrl))).text();
  const counter = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
  return { serviceRings: counter('birdcall_rings_total'), rateLimited: counter('birdcall_rate_limited_rings_total') };
}
