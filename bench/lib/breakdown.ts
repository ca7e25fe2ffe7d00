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

/**
 * click -> notification, caller then callee: the content script asks the background, which writes
 * the call state and tells the offscreen document to dial; the offscreen document sends `ring` on
 * its control socket; the service sends `incoming` to the callee's control socket; the callee's
 * offscreen document checks the caller's certificate and reports to its background, which writes
 * the state and shows the notification. Nothing peer to peer before Accept.
 */
export function clickSteps(runs: BirdcallRun[]): Step[] {
  const m = (r: BirdcallRun) => {
    const caller = r.marks.caller;
    const callee = r.marks.callee;
    const placeCall = first(caller.worker, 'sw:msg:place-call', r.clickAt);
    const dial = first(caller.offscreen, 'offscreen:cmd:dial', r.clickAt);
    const ringOut = first(caller.offscreen, 'ctl:out:ring', r.clickAt);
    const incomingIn = first(callee.offscreen, 'ctl:in:incoming', r.clickAt);
    const incoming = first(callee.worker, 'sw:msg:incoming', r.clickAt);
    const notifyStart = first(callee.worker, 'sw:notification:start', r.clickAt);
    const shown = first(callee.worker, 'sw:notification:end', r.clickAt);
    const windowStart = first(caller.worker, 'sw:window-create:start', r.clickAt);
    const windowEnd = first(caller.worker, 'sw:window-create:end', r.clickAt);
    const gumStart = first(caller.offscreen, 'gum:start', r.clickAt);
    const gumEnd = first(caller.offscreen, 'gum:end', r.clickAt);
    return { placeCall, dial, ringOut, incomingIn, incoming, notifyStart, shown, windowStart, windowEnd, gumStart, gumEnd };
  };
  return steps(runs, [
    ['click -> background has place-call (content script hop)', (r) => m(r).placeCall - r.clickAt],
    ['background -> offscreen has dial (state write + message hop)', (r) => m(r).dial - m(r).placeCall],
    ['dial -> ring sent on the control socket', (r) => m(r).ringOut - m(r).dial],
    ['ring sent -> callee has incoming (service)', (r) => m(r).incomingIn - m(r).ringOut],
    ['incoming -> callee background has it (certificate check + hop)', (r) => m(r).incoming - m(r).incomingIn],
    ['background incoming -> notifications.create called (state write)', (r) => m(r).notifyStart - m(r).incoming],
    ['notifications.create -> shown', (r) => m(r).shown - m(r).notifyStart],
    ['(parallel) caller windows.create', (r) => m(r).windowEnd - m(r).windowStart],
    ['(parallel) caller getUserMedia at dial', (r) => m(r).gumEnd - m(r).gumStart],
  ]);
}

/** The media half of a PeerJS call (Birdcall's or the bare one): one MediaConnection. */
function mediaSteps(offerer: Mark[], answerer: Mark[], after: number) {
  const offerOut = first(offerer, 'ws:out:OFFER:media', after);
  const offerIn = first(answerer, 'ws:in:OFFER:media', after);
  const answerOut = first(answerer, 'ws:out:ANSWER:media', after);
  const answerIn = first(offerer, 'media:setRemoteDescription:answer', after);
  const offererConnected = first(offerer, 'media:connected', after);
  const answererConnected = first(answerer, 'media:connected', after);
  return { offerOut, offerIn, answerOut, answerIn, offererConnected, answererConnected };
}

/** Whether a run's call went on the relay pre-connection made while it rang (else on a PeerJS media call). */
export function onPreparedConnection(run: BirdcallRun): boolean {
  return Number.isFinite(first(run.marks.callee.offscreen, 'sender:replaceTrack:video', run.acceptAt));
}

/**
 * accept -> frames for Birdcall on the relay pre-connection: while it rang the callee offered a
 * relay-only connection and the caller answered (through the service, media-signal), so ICE and
 * DTLS through coturn are done before Accept. At Accept the callee gives its senders the preview
 * camera's tracks; the caller does once the service's `connect` is in (and the callee's certificate
 * checked). Then frames.
 */
export function preparedAcceptSteps(runs: BirdcallRun[]): Step[] {
  const m = (r: BirdcallRun) => {
    const callee = r.marks.callee.offscreen;
    const caller = r.marks.caller.offscreen;
    const after = r.acceptAt;
    return {
      acceptOut: first(callee, 'ctl:out:accept', after),
      connectIn: first(caller, 'ctl:in:connect', after),
      calleeSends: first(callee, 'sender:replaceTrack:video', after),
      callerSends: first(caller, 'sender:replaceTrack:video', after),
      incomingIn: first(callee, 'ctl:in:incoming', r.clickAt),
      offerOut: first(callee, 'ctl:out:media-signal', r.clickAt),
      preparedCallee: first(callee, 'media:connected', r.clickAt),
      preparedCaller: first(caller, 'media:connected', r.clickAt),
    };
  };
  return steps(runs, [
    ['accept -> accept sent on the control socket (state write + hop)', (r) => m(r).acceptOut - r.acceptAt],
    ['accept -> callee sends on the pre-connection', (r) => m(r).calleeSends - r.acceptAt],
    ['accept sent -> caller has connect (service)', (r) => m(r).connectIn - m(r).acceptOut],
    ['caller connect -> caller sends on the pre-connection (certificate check)', (r) => m(r).callerSends - m(r).connectIn],
    ['caller sends -> first frame at callee', (r) => r.calleeFrameAt - m(r).callerSends],
    ['callee sends -> first frame at caller', (r) => r.callerFrameAt - m(r).calleeSends],
    ['(before accept) callee has incoming -> pre-connection offer sent', (r) => m(r).offerOut - m(r).incomingIn],
    ['(before accept) offer sent -> pre-connection connected, callee / caller', (r) => Math.max(m(r).preparedCallee, m(r).preparedCaller) - m(r).offerOut],
    ['(before accept) pre-connection connected -> accept', (r) => r.acceptAt - Math.max(m(r).preparedCallee, m(r).preparedCaller)],
  ]);
}

/**
 * accept -> frames for Birdcall on a PeerJS media call (no relay pre-connection, or it was not
 * connected in time): the callee's offscreen document sends `accept` on its control
 * socket (its camera is open since the ring: a preview, nothing sent); the service sends `connect`
 * (the other's session peer id) to both; the caller checks the certificate and places the PeerJS
 * call (its camera is open since the dial); the callee answers that call once its own `connect` is
 * in; then ICE/DTLS (through coturn in relayed runs) and frames.
 */
export function acceptSteps(runs: BirdcallRun[]): Step[] {
  const m = (r: BirdcallRun) => {
    const callee = r.marks.callee.offscreen;
    const caller = r.marks.caller.offscreen;
    const after = r.acceptAt;
    return {
      acceptOut: first(callee, 'ctl:out:accept', after),
      connectIn: first(caller, 'ctl:in:connect', after),
      calleeConnectIn: first(callee, 'ctl:in:connect', after),
      incomingIn: first(callee, 'ctl:in:incoming', r.clickAt),
      previewStart: first(callee, 'gum:start', r.clickAt),
      previewEnd: first(callee, 'gum:end', r.clickAt),
      ...mediaSteps(caller, callee, after),
    };
  };
  return steps(runs, [
    // Not split at the offscreen document's accept command: Birdcall's listener sends `accept`
    // before the bench's listener (added later) marks the command.
    ['accept -> accept sent on the control socket (state write + hop)', (r) => m(r).acceptOut - r.acceptAt],
    ['accept sent -> caller has connect (service)', (r) => m(r).connectIn - m(r).acceptOut],
    ['caller connect -> media offer sent (certificate check + call())', (r) => m(r).offerOut - m(r).connectIn],
    ['media offer sent -> callee has it (service relay)', (r) => m(r).offerIn - m(r).offerOut],
    ['callee has offer -> answer sent (waits for its connect)', (r) => m(r).answerOut - m(r).offerIn],
    ['answer sent -> caller applies answer (relay)', (r) => m(r).answerIn - m(r).answerOut],
    ['answer applied -> caller media connected (ICE + DTLS)', (r) => m(r).offererConnected - m(r).answerIn],
    ['caller connected -> first frame at caller', (r) => r.callerFrameAt - m(r).offererConnected],
    ['callee connected -> first frame at callee', (r) => r.calleeFrameAt - m(r).answererConnected],
    ['(before accept) callee has incoming -> preview camera open', (r) => m(r).previewEnd - m(r).incomingIn],
    ['(before accept) preview camera open -> accept', (r) => r.acceptAt - m(r).previewEnd],
    ['(parallel) accept sent -> callee has connect (service)', (r) => m(r).calleeConnectIn - m(r).acceptOut],
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
    ['media offer sent -> callee has it (relay)', (r) => m(r).offerIn - m(r).offerOut],
    ['callee has offer -> answer sent (answer)', (r) => m(r).answerOut - m(r).offerIn],
    ['answer sent -> caller applies answer (relay)', (r) => m(r).answerIn - m(r).answerOut],
    ['answer applied -> caller media connected (ICE + DTLS)', (r) => m(r).offererConnected - m(r).answerIn],
    ['caller connected -> first frame at caller', (r) => r.callerAt - m(r).offererConnected],
    ['callee connected -> first frame at callee', (r) => r.calleeAt - m(r).answererConnected],
  ]);
}
