/**
 * The call state machine, pure: the background applies events to the stored state and acts on
 * what changed. Events for another call, or that arrive late or twice, leave the state as it is
 * (the same object), so callers can tell "ignored" by identity.
 */
import type { Handle } from './handle';

export type CallKind = 'audio' | 'video';
export type Direction = 'outgoing' | 'incoming';
export type EndReason =
  | 'hung-up'
  | 'remote-hung-up'
  /** The other side's camera or microphone could not be opened. */
  | 'remote-media-unavailable'
  | 'declined'
  | 'no-answer'
  | 'unavailable'
  | 'cancelled'
  | 'busy'
  | 'failed'
  /** Another of this person's devices took the call. */
  | 'answered-elsewhere'
  | 'declined-elsewhere'
  /** The service refused to ring: too many calls in a short time. */
  | 'rate-limited';
export type Outcome =
  'answered' | 'missed' | 'declined' | 'no-answer' | 'unavailable' | 'cancelled' | 'busy' | 'failed' | 'answered-elsewhere' | 'rate-limited';

export interface CallInfo {
  readonly callId: string;
  readonly peer: Handle;
  readonly direction: Direction;
  readonly kind: CallKind;
  /** X vouches for the other person's handle (Birdcall's service checked it with X sign-in). */
  readonly verified: boolean;
  readonly startedAt: number;
  readonly muted: boolean;
  readonly cameraOff: boolean;
}

export type CallState =
  | { readonly phase: 'idle' }
  | { readonly phase: 'outgoing' | 'incoming' | 'connecting'; readonly call: CallInfo }
  | { readonly phase: 'connected'; readonly call: CallInfo; readonly connectedAt: number }
  /** Was connected; the network path is gone and ICE is being restarted (the clock keeps running). */
  | { readonly phase: 'reconnecting'; readonly call: CallInfo; readonly connectedAt: number }
  | {
      readonly phase: 'ended';
      readonly call: CallInfo;
      readonly reason: EndReason;
      readonly endedAt: number;
      readonly connectedAt?: number;
      /** Why it failed, in words a person can act on; only with reason "failed". */
      readonly detail?: string;
    };

type ActiveCallState = Exclude<CallState, { phase: 'idle' } | { phase: 'ended' }>;

export type CallEvent =
  | { type: 'dial'; callId: string; peer: Handle; kind: CallKind; verified: boolean; at: number }
  | { type: 'ring'; callId: string; peer: Handle; kind: CallKind; verified: boolean; at: number }
  | { type: 'accept'; callId: string }
  | { type: 'remote-accepted'; callId: string; verified: boolean }
  | { type: 'media-connected'; callId: string; at: number }
  | { type: 'media-interrupted'; callId: string }
  | { type: 'set-muted'; callId: string; muted: boolean }
  | { type: 'set-camera-off'; callId: string; cameraOff: boolean }
  | { type: 'end'; callId: string; reason: EndReason; at: number; detail?: string };

export const IDLE: CallState = { phase: 'idle' };

export function isActive(state: CallState): state is ActiveCallState {
  return state.phase !== 'idle' && state.phase !== 'ended';
}

export function transition(state: CallState, event: CallEvent): CallState {
  if (event.type === 'dial' || event.type === 'ring') {
    if (isActive(state)) return state;
    const direction: Direction = event.type === 'dial' ? 'outgoing' : 'incoming';
    return {
      phase: direction,
      call: {
        callId: event.callId,
        peer: event.peer,
        direction,
        kind: event.kind,
        verified: event.verified,
        startedAt: event.at,
        muted: false,
        cameraOff: event.kind === 'audio',
      },
    };
  }
  if (state.phase === 'idle' || state.call.callId !== event.callId) return state;

  switch (event.type) {
    case 'accept':
      return state.phase === 'incoming' ? { phase: 'connecting', call: state.call } : state;
    case 'remote-accepted':
      // The callee's certificate arrives with the accept: what it says is what we show.
      return state.phase === 'outgoing' ? { phase: 'connecting', call: { ...state.call, verified: event.verified } } : state;
    case 'media-connected':
      if (state.phase === 'reconnecting') return { phase: 'connected', call: state.call, connectedAt: state.connectedAt };
      // An outgoing call can see media before the accept message: the accept is implied.
      return state.phase === 'connecting' || state.phase === 'outgoing' ? { phase: 'connected', call: state.call, connectedAt: event.at } : state;
    case 'media-interrupted':
      return state.phase === 'connected' ? { phase: 'reconnecting', call: state.call, connectedAt: state.connectedAt } : state;
    case 'set-muted':
      return isActive(state) && state.call.muted !== event.muted ? { ...state, call: { ...state.call, muted: event.muted } } : state;
    case 'set-camera-off':
      return isActive(state) && state.call.kind === 'video' && state.call.cameraOff !== event.cameraOff
        ? { ...state, call: { ...state.call, cameraOff: event.cameraOff } }
        : state;
    case 'end':
      if (!isActive(state)) return state;
      return {
        phase: 'ended',
        call: state.call,
        reason: event.reason,
        endedAt: event.at,
        ...(state.phase === 'connected' || state.phase === 'reconnecting' ? { connectedAt: state.connectedAt } : {}),
        ...(event.reason === 'failed' && event.detail ? { detail: event.detail } : {}),
      };
  }
}

/** How an ended call is listed in the history, from this side's point of view. */
export function outcomeOf(state: Extract<CallState, { phase: 'ended' }>): Outcome {
  if (state.connectedAt !== undefined) return 'answered';
  const incoming = state.call.direction === 'incoming';
  switch (state.reason) {
    case 'hung-up':
      return incoming ? 'declined' : 'cancelled';
    case 'remote-hung-up':
    case 'cancelled':
    case 'no-answer':
      return incoming ? 'missed' : state.reason === 'no-answer' ? 'no-answer' : 'cancelled';
    case 'declined':
    case 'unavailable':
    case 'busy':
    case 'failed':
    case 'answered-elsewhere':
    case 'rate-limited':
      return state.reason;
    case 'declined-elsewhere':
      return 'declined';
    case 'remote-media-unavailable':
      return 'failed';
  }
}
