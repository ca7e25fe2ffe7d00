/**
 * Where the time goes: named steps between marks (instrument.js) in each run, for Birdcall and for
 * the bare PeerJS call, so the two can be compared step by step.
 */
import type { BirdcallRun, Mark } from './calls';
import { timing, type Timing } from './stats';

const first = (marks: Mark[], name: string, after = -Infinity) => marks.find((m) => m.name === name && m.at >= after)?.at ?? NaN;

export interface Step {
  step: string;
  timing: Timing;
}

type StepFn<R> = (run: R) => number;

function steps<R>(runs: R[], defs: Array<[string, StepFn<R>]>): Step[] {
  return defs.map(([step, fn]) => ({ step, timing: timing(runs.map(fn)) }));
}

/** click -> notification, caller then callee. */
export function clickSteps(runs: BirdcallRun[]): Step[] {
  const m = (r: BirdcallRun) => {
    const caller = r.marks.caller;
    const callee = r.marks.callee;
    const placeCall = first(caller.worker, 'sw:msg:place-call', r.clickAt);
    const dial = first(caller.offscreen, 'offscreen:cmd:dial', r.clickAt);
    const offerOut = first(caller.offscreen, 'ws:out:OFFER:data', r.clickAt);
    const offerIn = first(callee.offscreen, 'data:setRemoteDescription:offer', r.clickAt);
    const incoming = first(callee.worker, 'sw:msg:incoming', r.clickAt);
    const notifyStart = first(callee.worker, 'sw:notification:start', r.clickAt);
    const shown = first(callee.worker, 'sw:notification:end', r.clickAt);
    const windowStart = first(caller.worker, 'sw:window-create:start', r.clickAt);
    const windowEnd = first(caller.worker, 'sw:window-create:end', r.clickAt);
    const gumStart = first(caller.offscreen, 'gum:start', r.clickAt);
    const gumEnd = first(caller.offscreen, 'gum:end', r.clickAt);
    return { placeCall, dial, offerOut, offerIn, incoming, notifyStart, shown, windowStart, windowEnd, gumStart, gumEnd };
  };
  return steps(runs, [
    ['click -> background has place-call (content script hop)', (r) => m(r).placeCall - r.clickAt],
    ['background -> offscreen has dial (state write + message hop)', (r) => m(r).dial - m(r).placeCall],
    ['dial -> data offer sent to PeerServer (PeerJS connect)', (r) => m(r).offerOut - m(r).dial],
    ['offer sent -> callee applies offer (server relay)', (r) => m(r).offerIn - m(r).offerOut],
    ['callee offer -> callee background has incoming', (r) => m(r).incoming - m(r).offerIn],
    ['incoming -> notifications.create called (state write)', (r) => m(r).notifyStart - m(r).incoming],
    ['notifications.create -> shown', (r) => m(r).shown - m(r).notifyStart],
    ['(parallel) caller windows.create', (r) => m(r).windowEnd - m(r).windowStart],
    ['(parallel) caller getUserMedia at dial', (r) => m(r).gumEnd - m(r).gumStart],
  ]);
}

/** The media half of a bare PeerJS call (a MediaConnection of its own). */
function mediaSteps(offerer: Mark[], answerer: Mark[], after: number) {
  const offerOut = first(offerer, 'ws:out:OFFER:media', after);
  const answerOut = first(answerer, 'ws:out:ANSWER:media', after);
  const answerIn = first(offerer, 'media:setRemoteDescription:answer', after);
  const offererConnected = first(offerer, 'media:connected', after);
  const answererConnected = first(answerer, 'media:connected', after);
  return { offerOut, answerOut, answerIn, offererConnected, answererConnected };
}

/**
 * accept -> frames for Birdcall: with its accept the callee offers audio/video on the control
 * connection (already connected), the caller answers over it; the callee's camera joins when open.
 */
export function acceptSteps(runs: BirdcallRun[]): Step[] {
  const m = (r: BirdcallRun) => {
    const callee = r.marks.callee.offscreen;
    const caller = r.marks.caller.offscreen;
    const after = r.acceptAt;
    return {
      command: first(callee, 'offscreen:cmd:accept', after),
      offerSet: first(callee, 'data:setLocalDescription:offer', after),
      offerIn: first(caller, 'data:setRemoteDescription:offer', after),
      answerSet: first(caller, 'data:setLocalDescription:answer', after),
      answerIn: first(callee, 'data:setRemoteDescription:answer', after),
      gumStart: first(callee, 'gum:start', after),
      gumEnd: first(callee, 'gum:end', after),
    };
  };
  return steps(runs, [
    ['accept -> callee offscreen has accept (state write + hop)', (r) => m(r).command - r.acceptAt],
    ['accept -> media offer made (renegotiation)', (r) => m(r).offerSet - m(r).command],
    ['offer -> caller applies it (over the open channel)', (r) => m(r).offerIn - m(r).offerSet],
    ['caller applies offer -> answer made', (r) => m(r).answerSet - m(r).offerIn],
    ['answer -> callee applies it (over the open channel)', (r) => m(r).answerIn - m(r).answerSet],
    ['answer applied -> first frame at callee', (r) => r.calleeFrameAt - m(r).answerIn],
    ['(parallel) callee getUserMedia, only after accept', (r) => m(r).gumEnd - m(r).gumStart],
    ['callee camera open -> first frame at caller', (r) => r.callerFrameAt - m(r).gumEnd],
  ]);
}

export interface PeerCallRunMarks {
  t0: number;
  callerAt: number;
  calleeAt: number;
  marks: { a: Mark[]; b: Mark[] };
}

/** The same steps in the bare PeerJS call (page a calls page b). */
export function peerjsCallSteps(runs: PeerCallRunMarks[]): Step[] {
  const m = (r: PeerCallRunMarks) => mediaSteps(r.marks.a, r.marks.b, r.t0);
  return steps(runs, [
    ['call() -> media offer sent', (r) => m(r).offerOut - r.t0],
    ['media offer sent -> answer sent (relay + answer)', (r) => m(r).answerOut - m(r).offerOut],
    ['answer sent -> caller applies answer (relay)', (r) => m(r).answerIn - m(r).answerOut],
    ['answer applied -> caller media connected (ICE + DTLS)', (r) => m(r).offererConnected - m(r).answerIn],
    ['caller connected -> first frame at caller', (r) => r.callerAt - m(r).offererConnected],
    ['callee connected -> first frame at callee', (r) => r.calleeAt - m(r).answererConnected],
  ]);
}
