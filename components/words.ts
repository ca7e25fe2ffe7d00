/** What call states, outcomes and the signaling status are called on screen. */
import { outcomeOf, type CallState, type Outcome } from '@/lib/call-state';
import type { Handle } from '@/lib/handle';
import type { CallRecord } from '@/lib/history';
import type { SignalStatus } from '@/lib/messages';
import { formatWhen } from './format';

type Ended = Extract<CallState, { phase: 'ended' }>;

/**
 * How a call went, from this side: one vocabulary for the call window, the popup and the
 * notifications (the callee's "Missed" is the caller's "Cancelled" in every one of them).
 */
const OUTCOME_WORDS: Record<Outcome, string> = {
  answered: 'Answered',
  missed: 'Missed',
  declined: 'Declined',
  'no-answer': 'No answer',
  unavailable: 'Not available',
  cancelled: 'Cancelled',
  busy: 'Busy',
  failed: 'Call failed',
  'answered-elsewhere': 'Answered on another device',
  'rate-limited': 'Too many calls',
};

export const outcomeText = (outcome: Outcome) => OUTCOME_WORDS[outcome];

/** The ended screen's words: the outcome's, except where the reason says more. */
export function endedText(state: Ended): string {
  if (state.reason === 'failed') return state.detail ? `${OUTCOME_WORDS.failed}: ${state.detail}` : OUTCOME_WORDS.failed;
  if (state.reason === 'declined-elsewhere') return 'Declined on another device';
  const outcome = outcomeOf(state);
  return outcome === 'answered' ? 'Call ended' : OUTCOME_WORDS[outcome];
}

/** One line under an ended call that needs explaining, or null. */
export function endedExplanation(state: Ended): string | null {
  switch (state.reason) {
    // The service says the same for offline and unknown handles, on purpose: so do we.
    case 'unavailable':
      return `@${state.call.peer} is offline or does not use Birdcall.`;
    case 'busy':
      return `@${state.call.peer} is in another call.`;
    case 'rate-limited':
      return 'You called too often in a short time. Try again later.';
    default:
      return null;
  }
}

/** The status line of the call window for each phase. */
export function phaseText(state: CallState): string {
  switch (state.phase) {
    case 'idle':
      return 'No call';
    case 'outgoing':
      return 'Calling…';
    case 'incoming':
      return state.call.kind === 'video' ? 'Incoming video call' : 'Incoming voice call';
    case 'connecting':
      return 'Connecting…';
    case 'connected':
      return state.call.kind === 'video' ? 'Video call' : 'Voice call';
    case 'reconnecting':
      return 'Reconnecting…';
    case 'ended':
      return endedText(state);
  }
}

/** What the call window says about the call in one phrase: its title, and what a screen reader announces. */
export function callHeadline(state: CallState): string {
  switch (state.phase) {
    case 'idle':
      return 'No call';
    case 'outgoing':
      return `Calling @${state.call.peer}…`;
    case 'incoming':
      return `${state.call.kind === 'video' ? 'Incoming video call' : 'Incoming voice call'} from @${state.call.peer}`;
    case 'connecting':
      return `Connecting to @${state.call.peer}…`;
    case 'connected':
      return `Call with @${state.call.peer}`;
    case 'reconnecting':
      return `Reconnecting to @${state.call.peer}…`;
    case 'ended':
      return `${endedText(state)}: @${state.call.peer}`;
  }
}

/** The call window's title: the headline, and the call's clock when it has one. */
export const callTitle = (state: CallState, clock: string | null) => (clock ? `${callHeadline(state)} – ${clock}` : callHeadline(state));

/** The call window's buttons. */
export const CALL_WORDS = {
  accept: 'Accept',
  decline: 'Decline',
  mute: 'Mute',
  cameraOff: 'Camera off',
  hangUp: 'Hang up',
  close: 'Close',
  /** After a call this side placed. */
  callAgain: 'Call again',
  /** After a call that came in. */
  callBack: 'Call back',
  stayInCall: 'Stay in the call',
  unverified: 'unverified',
  unverifiedTitle: 'Nobody checked this handle with X',
};

/** The question Esc asks before hanging up. */
export const hangUpQuestion = (peer: Handle) => `Hang up the call with @${peer}?`;

/** A missed-call notification: one per caller, counting the calls missed in a row. */
export function missedNotificationText({ handle, kind, verified, count = 1 }: Pick<CallRecord, 'handle' | 'kind' | 'verified' | 'count'>) {
  const kindWords = kind === 'video' ? 'video call' : 'voice call';
  return {
    title: count > 1 ? `${count} missed calls from @${handle}` : `Missed ${kindWords} from @${handle}`,
    message: verified ? 'Birdcall' : 'Birdcall · unverified: nobody checked this handle with X',
    callBack: CALL_WORDS.callBack,
  };
}

const MINUTE = 60_000;
const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** A call's length as said aloud: "2 minutes 13 seconds". */
export function spokenDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const [hours, minutes, seconds] = [Math.floor(total / 3600), Math.floor((total % 3600) / 60), total % 60];
  const parts = [
    hours > 0 ? plural(hours, 'hour', 'hours') : '',
    minutes > 0 ? plural(minutes, 'minute', 'minutes') : '',
    seconds > 0 || total === 0 ? plural(seconds, 'second', 'seconds') : '',
  ];
  return parts.filter(Boolean).join(' ');
}

/** When, as said aloud: the short forms on screen ("5 min ago") spelled out, the rest as shown. */
export function spokenWhen(at: number, now: number): string {
  const ago = now - at;
  if (ago >= MINUTE && ago < 60 * MINUTE) return `${plural(Math.floor(ago / MINUTE), 'minute', 'minutes')} ago`;
  return formatWhen(at, now);
}

/** A recent call as one sentence, the popup row's accessible name: "Incoming video call from @alice, missed, 2 minutes ago". */
export function recentCallName(record: CallRecord, isNew: boolean, now: number): string {
  const { handle, direction, kind, outcome, durationMs, count = 1 } = record;
  const call = `${direction === 'incoming' ? 'Incoming' : 'Outgoing'} ${kind === 'video' ? 'video' : 'voice'} call ${direction === 'incoming' ? 'from' : 'to'} @${handle}`;
  const how = outcome === 'answered' && durationMs !== undefined ? `answered, ${spokenDuration(durationMs)}` : OUTCOME_WORDS[outcome].toLowerCase();
  return [call, record.verified ? null : 'unverified', count > 1 ? `${how}, ${count} times` : how, isNew ? 'new' : null, spokenWhen(record.startedAt, now)]
    .filter(Boolean)
    .join(', ');
}

export interface SignalState {
  status: SignalStatus;
  detail?: string;
}

export function signalStatusText({ status, detail }: SignalState): string {
  switch (status) {
    case 'offline':
      return 'Offline';
    case 'connecting':
      return 'Connecting…';
    case 'connected':
      return 'Online, ready for calls';
    case 'id-taken':
      return detail ? `This handle is in use elsewhere: ${detail}` : 'This handle is in use elsewhere';
    case 'error':
      return detail ?? "Cannot reach Birdcall's service";
  }
}
