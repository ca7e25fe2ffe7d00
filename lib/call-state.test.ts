import { describe, expect, it } from 'vitest';
import { IDLE, outcomeOf, transition, type CallEvent, type CallState, type EndReason } from './call-state';
import type { Handle } from './handle';

const bob = 'bob' as Handle;
const dial: CallEvent = { type: 'dial', callId: 'call-0001', peer: bob, kind: 'video', verified: true, at: 1000 };
const ring: CallEvent = { type: 'ring', callId: 'call-0001', peer: bob, kind: 'audio', verified: false, at: 1000 };
const end = (reason: EndReason, callId = 'call-0001'): CallEvent => ({ type: 'end', callId, reason, at: 5000 });

function run(...events: CallEvent[]): CallState {
  return events.reduce(transition, IDLE);
}

describe('transition', () => {
  it('dial starts an outgoing call with the camera on for video', () => {
    const state = run(dial);
    expect(state).toMatchObject({ phase: 'outgoing', call: { peer: 'bob', direction: 'outgoing', kind: 'video', cameraOff: false, muted: false } });
  });
  it('ring starts an incoming call; an audio call has no camera', () => {
    expect(run(ring)).toMatchObject({ phase: 'incoming', call: { direction: 'incoming', kind: 'audio', cameraOff: true } });
  });
  it('outgoing: remote-accepted -> connecting -> media-connected -> connected -> end', () => {
    const connecting = run(dial, { type: 'remote-accepted', callId: 'call-0001', verified: true });
    expect(connecting.phase).toBe('connecting');
    const connected = transition(connecting, { type: 'media-connected', callId: 'call-0001', at: 2000 });
    expect(connected).toMatchObject({ phase: 'connected', connectedAt: 2000 });
    expect(transition(connected, end('hung-up'))).toMatchObject({ phase: 'ended', reason: 'hung-up', connectedAt: 2000, endedAt: 5000 });
  });
  it("keeps whether X vouched for the other side, and takes the callee's certificate on accept", () => {
    expect(run(ring)).toMatchObject({ call: { verified: false } });
    expect(run(dial)).toMatchObject({ call: { verified: true } });
    expect(run(dial, { type: 'remote-accepted', callId: 'call-0001', verified: false })).toMatchObject({ phase: 'connecting', call: { verified: false } });
    const unverifiedDial = { ...dial, verified: false } as CallEvent;
    expect(run(unverifiedDial, { type: 'remote-accepted', callId: 'call-0001', verified: true })).toMatchObject({ call: { verified: true } });
  });
  it('incoming: accept -> connecting -> connected', () => {
    expect(run(ring, { type: 'accept', callId: 'call-0001' }, { type: 'media-connected', callId: 'call-0001', at: 3 })).toMatchObject({
      phase: 'connected',
    });
  });
  it('connected -> reconnecting -> connected keeps the clock; ending while reconnecting is still an answered call', () => {
    const connected = run(dial, { type: 'media-connected', callId: 'call-0001', at: 2000 });
    const reconnecting = transition(connected, { type: 'media-interrupted', callId: 'call-0001' });
    expect(reconnecting).toMatchObject({ phase: 'reconnecting', connectedAt: 2000 });
    expect(transition(reconnecting, { type: 'media-interrupted', callId: 'call-0001' })).toBe(reconnecting);
    expect(transition(reconnecting, { type: 'media-connected', callId: 'call-0001', at: 9000 })).toMatchObject({ phase: 'connected', connectedAt: 2000 });
    const failed = transition(reconnecting, { type: 'end', callId: 'call-0001', reason: 'failed', at: 40_000 });
    expect(failed).toMatchObject({ phase: 'ended', connectedAt: 2000 });
    expect(outcomeOf(failed as Extract<CallState, { phase: 'ended' }>)).toBe('answered');
    // Only a connected call can be interrupted.
    expect(run(dial, { type: 'media-interrupted', callId: 'call-0001' }).phase).toBe('outgoing');
  });
  it('outgoing: media before the accept message implies the accept', () => {
    expect(run(dial, { type: 'media-connected', callId: 'call-0001', at: 2 }).phase).toBe('connected');
  });
  it.each<EndReason>([
    'declined',
    'no-answer',
    'unavailable',
    'busy',
    'failed',
    'remote-hung-up',
    'hung-up',
    'cancelled',
    'answered-elsewhere',
    'declined-elsewhere',
    'rate-limited',
  ])('ends with %s from ringing', (reason) => {
    expect(run(dial, end(reason))).toMatchObject({ phase: 'ended', reason });
  });
  it('keeps a failure detail only for failed', () => {
    const failed = transition(run(dial), { ...end('failed'), detail: 'No camera' } as CallEvent);
    expect(failed).toMatchObject({ detail: 'No camera' });
    const declined = transition(run(dial), { ...end('declined'), detail: 'x' } as CallEvent);
    expect(declined).not.toHaveProperty('detail');
  });

  describe('ignores events that are late, twice or for another call', () => {
    const cases: Array<[string, CallState, CallEvent]> = [
      ['a second dial while ringing', run(dial), { ...dial, callId: 'call-0002' }],
      ['a ring while in a call', run(dial), { ...ring, callId: 'call-0002' }],
      ['an accept for another call', run(ring), { type: 'accept', callId: 'call-0002' }],
      ['accept on an outgoing call', run(dial), { type: 'accept', callId: 'call-0001' }],
      ['remote-accepted on an incoming call', run(ring), { type: 'remote-accepted', callId: 'call-0001', verified: true }],
      [
        'remote-accepted twice',
        run(dial, { type: 'remote-accepted', callId: 'call-0001', verified: true }),
        { type: 'remote-accepted', callId: 'call-0001', verified: true },
      ],
      ['media-connected while incoming ringing', run(ring), { type: 'media-connected', callId: 'call-0001', at: 1 }],
      ['media-connected twice', run(dial, { type: 'media-connected', callId: 'call-0001', at: 1 }), { type: 'media-connected', callId: 'call-0001', at: 9 }],
      ['end twice', run(dial, end('declined')), end('hung-up')],
      ['end for another call', run(dial), end('hung-up', 'call-0002')],
      ['end while idle', IDLE, end('hung-up')],
      ['accept after the end', run(ring, end('cancelled')), { type: 'accept', callId: 'call-0001' }],
      ['media after the end', run(dial, end('hung-up')), { type: 'media-connected', callId: 'call-0001', at: 1 }],
      ['mute after the end', run(dial, end('hung-up')), { type: 'set-muted', callId: 'call-0001', muted: true }],
      ['camera off on an audio call', run(ring), { type: 'set-camera-off', callId: 'call-0001', cameraOff: false }],
    ];
    it.each(cases)('%s', (_name, state, event) => {
      expect(transition(state, event)).toBe(state);
    });
  });

  it('a new call may start after the last one ended', () => {
    expect(transition(run(dial, end('declined')), { ...ring, callId: 'call-0002' })).toMatchObject({ phase: 'incoming', call: { callId: 'call-0002' } });
  });
  it('mute and camera toggles while active', () => {
    const muted = transition(run(dial), { type: 'set-muted', callId: 'call-0001', muted: true });
    expect(muted).toMatchObject({ phase: 'outgoing', call: { muted: true } });
    expect(transition(muted, { type: 'set-camera-off', callId: 'call-0001', cameraOff: true })).toMatchObject({ call: { cameraOff: true, muted: true } });
  });
});

describe('outcomeOf', () => {
  const endedFrom = (start: CallEvent, reason: EndReason, connected = false) => {
    const events: CallEvent[] = [start];
    if (connected) events.push({ type: 'media-connected', callId: 'call-0001', at: 2000 });
    if (connected && start.type === 'ring') events.splice(1, 0, { type: 'accept', callId: 'call-0001' });
    const state = run(...events, end(reason));
    if (state.phase !== 'ended') throw new Error('not ended');
    return outcomeOf(state);
  };
  it.each<[CallEvent, EndReason, boolean, string]>([
    [dial, 'hung-up', true, 'answered'],
    [ring, 'remote-hung-up', true, 'answered'],
    [dial, 'hung-up', false, 'cancelled'],
    [dial, 'declined', false, 'declined'],
    [dial, 'no-answer', false, 'no-answer'],
    [dial, 'unavailable', false, 'unavailable'],
    [dial, 'busy', false, 'busy'],
    [dial, 'failed', false, 'failed'],
    [ring, 'cancelled', false, 'missed'],
    [ring, 'no-answer', false, 'missed'],
    [ring, 'remote-hung-up', false, 'missed'],
    [ring, 'declined', false, 'declined'],
    [ring, 'failed', false, 'failed'],
    [ring, 'answered-elsewhere', false, 'answered-elsewhere'],
    [ring, 'declined-elsewhere', false, 'declined'],
    [dial, 'rate-limited', false, 'rate-limited'],
    [dial, 'remote-media-unavailable', false, 'failed'],
    [ring, 'remote-media-unavailable', false, 'failed'],
  ])('%o ended %s (connected %s) is %s', (start, reason, connected, outcome) => {
    expect(endedFrom(start, reason, connected)).toBe(outcome);
  });
});
