/** Call history records, newest first, as the popup lists them. */
import { outcomeOf, type CallKind, type CallState, type Direction, type Outcome } from './call-state';
import type { Handle } from './handle';

export interface CallRecord {
  callId: string;
  handle: Handle;
  direction: Direction;
  kind: CallKind;
  outcome: Outcome;
  /** Whether X vouched for the other person's handle. */
  verified: boolean;
  startedAt: number;
  endedAt: number;
  /** Time connected, for answered calls. */
  durationMs?: number;
  /** False for a missed call the user has not yet seen in the popup. */
  seen: boolean;
  /** Missed calls from one caller in a row, collapsed into this record (absent means 1). */
  count?: number;
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
    verified: state.call.verified,
    startedAt: state.call.startedAt,
    endedAt: state.endedAt,
    ...(state.connectedAt !== undefined ? { durationMs: Math.max(0, state.endedAt - state.connectedAt) } : {}),
    seen: outcome !== 'missed',
  };
}

/** Someone you have called or talked to: their calls are never pushed out by strangers'. */
function isContact(history: readonly CallRecord[], handle: Handle): boolean {
  return history.some((r) => r.handle === handle && (r.direction === 'outgoing' || r.outcome === 'answered'));
}

/**
 * Adds a record once (a call ends once, however often the news arrives), newest first. A missed
 * call from someone whose latest record is already a missed call joins that row (count + 1, moved
 * to the top), so a flood of rings is one row. Over the limit, strangers' oldest rows go first.
 */
export function withRecord(history: readonly CallRecord[], record: CallRecord): CallRecord[] {
  if (history.some((r) => r.callId === record.callId)) return [...history];
  let rest = [...history];
  let added = record;
  if (record.outcome === 'missed') {
    const latest = rest.findIndex((r) => r.handle === record.handle);
    const previous = rest[latest];
    if (previous?.outcome === 'missed') {
      rest.splice(latest, 1);
      added = { ...record, count: (previous.count ?? 1) + 1, seen: false };
    }
  }
  rest = [added, ...rest];
  while (rest.length > HISTORY_LIMIT) {
    let drop = rest.length - 1;
    for (let i = rest.length - 1; i > 0; i--) {
      if (!isContact(rest, rest[i]!.handle)) {
        drop = i;
        break;
      }
    }
    rest.splice(drop, 1);
  }
  return rest;
}

export function unseenMissed(history: readonly CallRecord[]): number {
  return history.filter((r) => !r.seen).reduce((sum, r) => sum + (r.count ?? 1), 0);
}

export function markAllSeen(history: readonly CallRecord[]): CallRecord[] {
  return history.map((r) => (r.seen ? r : { ...r, seen: true }));
}
