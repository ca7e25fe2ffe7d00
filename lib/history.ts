/** Call history records, newest first, as the popup lists them. */
import { outcomeOf, type CallKind, type CallState, type Direction, type Outcome } from './call-state';
import type { Handle } from './handle';

export interface CallRecord {
  callId: string;
  handle: Handle;
  direction: Direction;
  kind: CallKind;
  outcome: Outcome;
  startedAt: number;
  endedAt: number;
  /** Time connected, for answered calls. */
  durationMs?: number;
  /** False for a missed call the user has not yet seen in the popup. */
  seen: boolean;
}

export const HISTORY_LIMIT = 200;

export function recordOf(state: Extract<CallState, { phase: 'ended' }>): CallRecord {
  const outcome = outcomeOf(state);
  return {
    callId: state.call.callId,
    handle: state.call.peer,
    direction: state.call.direction,
    kind: state.call.kind,
    outcome,
    startedAt: state.call.startedAt,
    endedAt: state.endedAt,
    ...(state.connectedAt !== undefined ? { durationMs: Math.max(0, state.endedAt - state.connectedAt) } : {}),
    seen: outcome !== 'missed',
  };
}

/** Adds a record once (a call ends once, however often the news arrives), newest first. */
export function withRecord(history: readonly CallRecord[], record: CallRecord): CallRecord[] {
  if (history.some((r) => r.callId === record.callId)) return [...history];
  return [record, ...history].slice(0, HISTORY_LIMIT);
}

export function unseenMissed(history: readonly CallRecord[]): number {
  return history.filter((r) => !r.seen).length;
}

export function markAllSeen(history: readonly CallRecord[]): CallRecord[] {
  return history.map((r) => (r.seen ? r : { ...r, seen: true }));
}
