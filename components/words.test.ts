import { describe, expect, it } from 'vitest';
import type { Handle } from '@/lib/handle';
import type { CallRecord } from '@/lib/history';
import { missedNotificationText, recentCallName, spokenDuration, spokenWhen } from './words';

describe('spokenDuration', () => {
  it.each([
    [0, '0 seconds'],
    [1_000, '1 second'],
    [55_000, '55 seconds'],
    [60_000, '1 minute'],
    [133_000, '2 minutes 13 seconds'],
    [3_600_000 + 61_000, '1 hour 1 minute 1 second'],
  ])('%i ms is "%s"', (ms, words) => {
    expect(spokenDuration(ms)).toBe(words);
  });
});

describe('spokenWhen', () => {
  const now = new Date(2025, 5, 15, 14, 30).getTime();
  it.each([
    [now - 30_000, 'just now'],
    [now - 60_000, '1 minute ago'],
    [now - 2 * 60_000, '2 minutes ago'],
    [now - 59 * 60_000, '59 minutes ago'],
    [new Date(2025, 5, 15, 9, 5).getTime(), '09:05'],
  ])('%i is "%s"', (at, words) => {
    expect(spokenWhen(at, now)).toBe(words);
  });
});

describe('recentCallName', () => {
  const now = Date.now();
  const missed: CallRecord = {
    callId: 'c1',
    handle: 'alice' as Handle,
    direction: 'incoming',
    kind: 'video',
    outcome: 'missed',
    verified: true,
    startedAt: now - 2 * 60_000,
    endedAt: now - 2 * 60_000,
    seen: true,
  };

  it('says a missed call as the issue asks for it', () => {
    expect(recentCallName(missed, false, now)).toBe('Incoming video call from @alice, missed, 2 minutes ago');
  });

  it('uses the same outcome words as the screen, in lower case', () => {
    expect(recentCallName({ ...missed, direction: 'outgoing', kind: 'audio', outcome: 'unavailable' }, false, now)).toBe(
      'Outgoing voice call to @alice, not available, 2 minutes ago',
    );
  });
});

describe('missedNotificationText', () => {
  it('names the kind of one missed call, counts several, and says when nobody checked the handle with X', () => {
    expect(missedNotificationText({ handle: 'alice' as Handle, kind: 'video', verified: true })).toEqual({
      title: 'Missed video call from @alice',
      message: 'Birdcall',
      callBack: 'Call back',
    });
    expect(missedNotificationText({ handle: 'alice' as Handle, kind: 'audio', verified: false, count: 3 })).toMatchObject({
      title: '3 missed calls from @alice',
      message: 'Birdcall · unverified: nobody checked this handle with X',
    });
  });
});
