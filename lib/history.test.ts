import { describe, expect, it } from 'vitest';
import type { Handle } from './handle';
import { HISTORY_LIMIT, markAllSeen, unseenMissed, withRecord, type CallRecord } from './history';

let nextId = 0;
function record(handle: string, overrides: Partial<CallRecord> = {}): CallRecord {
  const n = ++nextId;
  return {
    callId: `call-${String(n).padStart(6, '0')}`,
    handle: handle as Handle,
    direction: 'incoming',
    kind: 'audio',
    outcome: 'missed',
    verified: false,
    startedAt: n * 1000,
    endedAt: n * 1000 + 500,
    seen: false,
    ...overrides,
  };
}
const missed = (handle: string) => record(handle);
const answered = (handle: string) => record(handle, { outcome: 'answered', durationMs: 10_000, seen: true, verified: true });
const called = (handle: string) => record(handle, { direction: 'outgoing', outcome: 'no-answer', seen: true, verified: true });

const add = (history: CallRecord[], ...records: CallRecord[]) => records.reduce(withRecord, history);

describe('withRecord', () => {
  it('collapses 50 missed calls from one stranger into one row of 50, all unseen', () => {
    const calls = Array.from({ length: 50 }, () => missed('spammer'));
    const history = add([], ...calls);
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ handle: 'spammer', outcome: 'missed', count: 50, seen: false, callId: calls.at(-1)!.callId });
    expect(unseenMissed(history)).toBe(50);
  });

  it('moves the collapsed row to the top, and counts again as unseen after it was seen', () => {
    let history = add([], missed('bob'), answered('carol'));
    history = markAllSeen(history);
    history = add(history, missed('bob'));
    expect(history.map((r) => [r.handle, r.count ?? 1, r.seen])).toEqual([
      ['bob', 2, false],
      ['carol', 1, true],
    ]);
    expect(unseenMissed(history)).toBe(2);
  });

  it('starts a new row when an answered call comes between missed ones', () => {
    const history = add([], missed('bob'), missed('bob'), answered('bob'), missed('bob'));
    expect(history.map((r) => [r.outcome, r.count ?? 1])).toEqual([
      ['missed', 1],
      ['answered', 1],
      ['missed', 2],
    ]);
    expect(unseenMissed(history)).toBe(3);
  });

  it('keeps missed calls from different people apart', () => {
    const history = add([], missed('bob'), missed('carol'), missed('bob'));
    // bob's latest record is a missed call, so his second joins it at the top.
    expect(history.map((r) => [r.handle, r.count ?? 1])).toEqual([
      ['bob', 2],
      ['carol', 1],
    ]);
  });

  it('ignores a record whose callId it already holds', () => {
    const first = answered('bob');
    const history = add([], first, missed('carol'));
    const again = withRecord(history, { ...first, outcome: 'failed' });
    expect(again).toEqual(history);
    expect(again).not.toBe(history);
    const missedCall = missed('dan');
    const twice = add([], missedCall, missedCall);
    expect(twice).toHaveLength(1);
    expect(twice[0]!.count ?? 1).toBe(1);
  });

  it(`keeps at most ${HISTORY_LIMIT} rows, and strangers' missed calls never push out people you called or talked to`, () => {
    const contacts = [called('friend1'), answered('friend2'), called('friend3')];
    let history = add([], ...contacts);
    for (let i = 0; i < 250; i++) history = withRecord(history, missed(`stranger${i}`));
    expect(history).toHaveLength(HISTORY_LIMIT);
    for (const contact of contacts) expect(history.map((r) => r.callId)).toContain(contact.callId);
    // The newest strangers stay, the oldest went first.
    expect(history[0]).toMatchObject({ handle: 'stranger249' });
    expect(history.some((r) => r.handle === 'stranger0')).toBe(false);
    expect(history.filter((r) => r.handle.startsWith('stranger'))).toHaveLength(HISTORY_LIMIT - contacts.length);
  });

  it('drops the oldest rows first when everyone is a contact', () => {
    let history: CallRecord[] = [];
    for (let i = 0; i < HISTORY_LIMIT + 5; i++) history = withRecord(history, called(`friend${i}`));
    expect(history).toHaveLength(HISTORY_LIMIT);
    expect(history.at(-1)).toMatchObject({ handle: 'friend5' });
  });
});
