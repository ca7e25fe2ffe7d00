/** What call states, outcomes and the signaling status are called on screen. */
import type { CallState, EndReason, Outcome } from '@/lib/call-state';
import type { SignalStatus } from '@/lib/messages';

type Ended = Extract<CallState, { phase: 'ended' }>;

const END_REASON_WORDS: Record<EndReason, string> = {
  'hung-up': 'Call ended',
  'remote-hung-up': 'Call ended',
  declined: 'Declined',
  'no-answer': 'No answer',
  unavailable: 'Not available',
  busy: 'Busy',
  cancelled: 'Cancelled',
  failed: 'Call failed',
  'answered-elsewhere': 'Answered on another device',
  'declined-elsewhere': 'Declined on another device',
  'rate-limited': 'Too many calls: try again later',
};

export function endedText(state: Ended): string {
  const words = END_REASON_WORDS[state.reason];
  return state.reason === 'failed' && state.detail ? `${words}: ${state.detail}` : words;
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

const OUTCOME_WORDS: Record<Outcome, string> = {
  answered: 'Answered',
  missed: 'Missed',
  declined: 'Declined',
  'no-answer': 'No answer',
  unavailable: 'Not available',
  cancelled: 'Cancelled',
  busy: 'Busy',
  failed: 'Failed',
  'answered-elsewhere': 'Answered elsewhere',
  'rate-limited': 'Try again later',
};

export const outcomeText = (outcome: Outcome) => OUTCOME_WORDS[outcome];

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
