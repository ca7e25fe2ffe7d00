/**
 * What call states, outcomes and the signaling status are called on screen, in the UI language
 * (every word is a message of public/_locales, through t()).
 */
import { outcomeOf, type CallState, type Outcome } from '@/lib/call-state';
import type { Handle } from '@/lib/handle';
import type { CallRecord } from '@/lib/history';
import { t, uiLanguage, type MessageKey } from '@/lib/i18n';
import type { SignalStatus } from '@/lib/messages';
import { formatWhen } from './format';

type Ended = Extract<CallState, { phase: 'ended' }>;

/**
 * How a call went, from this side: one vocabulary for the call window, the popup and the
 * notifications (the callee's "Missed" is the caller's "Cancelled" in every one of them).
 */
const OUTCOME_WORDS: Record<Outcome, MessageKey> = {
  answered: 'outcomeAnswered',
  missed: 'outcomeMissed',
  declined: 'outcomeDeclined',
  'no-answer': 'outcomeNoAnswer',
  unavailable: 'outcomeUnavailable',
  cancelled: 'outcomeCancelled',
  busy: 'outcomeBusy',
  failed: 'outcomeFailed',
  'answered-elsewhere': 'outcomeAnsweredElsewhere',
  'rate-limited': 'outcomeRateLimited',
};

export const outcomeText = (outcome: Outcome) => t(OUTCOME_WORDS[outcome]);

/** The ended screen's words: the outcome's, except where the reason says more. */
function endedText(state: Ended): string {
  if (state.reason === 'failed') return state.detail ? t('callFailedBecause', state.detail) : outcomeText('failed');
  if (state.reason === 'declined-elsewhere') return t('declinedElsewhere');
  if (state.reason === 'remote-media-unavailable') return t(state.call.kind === 'video' ? 'remoteCameraUnavailable' : 'remoteMicUnavailable', state.call.peer);
  const outcome = outcomeOf(state);
  return outcome === 'answered' ? t('callEnded') : outcomeText(outcome);
}

/** One line under an ended call that needs explaining, or null. */
export function endedExplanation(state: Ended): string | null {
  switch (state.reason) {
    // The service says the same for offline and unknown handles, on purpose: so do we.
    case 'unavailable':
      return t('explainUnavailable', state.call.peer);
    case 'busy':
      return t('explainBusy', state.call.peer);
    case 'rate-limited':
      return t('explainRateLimited');
    default:
      return null;
  }
}

/** The status line of the call window for each phase. */
export function phaseText(state: CallState): string {
  switch (state.phase) {
    case 'idle':
      return t('phaseIdle');
    case 'outgoing':
      return t('calling');
    case 'incoming':
      return t(state.call.kind === 'video' ? 'incomingVideo' : 'incomingVoice');
    case 'connecting':
      return t('connecting');
    case 'connected':
      return t(state.call.kind === 'video' ? 'videoCall' : 'voiceCall');
    case 'reconnecting':
      return t('reconnecting');
    case 'ended':
      return endedText(state);
  }
}

/** What the call window says about the call in one phrase: its title, and what a screen reader announces. */
export function callHeadline(state: CallState): string {
  switch (state.phase) {
    case 'idle':
      return t('phaseIdle');
    case 'outgoing':
      return t('callingHandle', state.call.peer);
    case 'incoming':
      return t(state.call.kind === 'video' ? 'incomingVideoFrom' : 'incomingVoiceFrom', state.call.peer);
    case 'connecting':
      return t('connectingTo', state.call.peer);
    case 'connected':
      return t('callWith', state.call.peer);
    case 'reconnecting':
      return t('reconnectingTo', state.call.peer);
    case 'ended':
      return t('endedWith', endedText(state), state.call.peer);
  }
}

/** The call window's title: the headline, and the call's clock when it has one. */
export const callTitle = (state: CallState, clock: string | null) => (clock ? `${callHeadline(state)} – ${clock}` : callHeadline(state));

/** The question Esc asks before hanging up. */
export const hangUpQuestion = (peer: Handle) => t('hangUpQuestion', peer);

/** A missed-call notification: one per caller, counting the calls missed in a row. */
export function missedNotificationText({ handle, kind, verified, count = 1 }: Pick<CallRecord, 'handle' | 'kind' | 'verified' | 'count'>) {
  const name = t('extName');
  return {
    title: count > 1 ? t('missedCallsFrom', String(count), handle) : t(kind === 'video' ? 'missedVideoCallFrom' : 'missedVoiceCallFrom', handle),
    message: verified ? name : t('unverifiedNote', name),
    callBack: t('callBack'),
  };
}

const MINUTE = 60_000;
/** "2 minutes", with the language's own plural rules (Chrome's messages have none). */
const amount = (n: number, unit: 'hour' | 'minute' | 'second') => new Intl.NumberFormat(uiLanguage(), { style: 'unit', unit, unitDisplay: 'long' }).format(n);

/** A call's length as said aloud: "2 minutes 13 seconds". */
export function spokenDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const [hours, minutes, seconds] = [Math.floor(total / 3600), Math.floor((total % 3600) / 60), total % 60];
  const parts = [
    hours > 0 ? amount(hours, 'hour') : '',
    minutes > 0 ? amount(minutes, 'minute') : '',
    seconds > 0 || total === 0 ? amount(seconds, 'second') : '',
  ];
  return new Intl.ListFormat(uiLanguage(), { type: 'unit', style: 'narrow' }).format(parts.filter(Boolean));
}

/** When, as said aloud: the short forms on screen ("5 min ago") spelled out, the rest as shown. */
export function spokenWhen(at: number, now: number): string {
  const ago = now - at;
  if (ago >= MINUTE && ago < 60 * MINUTE) return new Intl.RelativeTimeFormat(uiLanguage()).format(-Math.floor(ago / MINUTE), 'minute');
  return formatWhen(at, now);
}

const ROW_CALL: Record<CallRecord['direction'], Record<CallRecord['kind'], MessageKey>> = {
  incoming: { audio: 'incomingVoiceFrom', video: 'incomingVideoFrom' },
  outgoing: { audio: 'outgoingVoiceTo', video: 'outgoingVideoTo' },
};

/** A recent call as one sentence, the popup row's accessible name: "Incoming video call from @alice, missed, 2 minutes ago". */
export function recentCallName(record: CallRecord, isNew: boolean, now: number): string {
  const { handle, direction, kind, outcome, durationMs, count = 1 } = record;
  const how =
    outcome === 'answered' && durationMs !== undefined ? t('answeredFor', spokenDuration(durationMs)) : outcomeText(outcome).toLocaleLowerCase(uiLanguage());
  return [
    t(ROW_CALL[direction][kind], handle),
    record.verified ? null : t('unverified'),
    count > 1 ? t('howManyTimes', how, String(count)) : how,
    isNew ? t('newCall') : null,
    spokenWhen(record.startedAt, now),
  ]
    .filter(Boolean)
    .join(t('listSeparator'));
}

export interface SignalState {
  status: SignalStatus;
  detail?: string;
}

export function signalStatusText({ status, detail }: SignalState): string {
  switch (status) {
    case 'offline':
      return detail ?? t('offline');
    case 'connecting':
      return t('connecting');
    case 'connected':
      return t('onlineReady');
    case 'id-taken':
      return t('handleTaken');
    case 'error':
      return detail ?? t('serviceUnreachable');
  }
}
