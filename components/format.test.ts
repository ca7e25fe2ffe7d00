import { describe, expect, it } from 'vitest';
import { formatClock, formatWhen } from './format';

describe('formatClock', () => {
  it.each([
    [0, '00:00'],
    [999, '00:00'],
    [65_000, '01:05'],
    [59 * 60_000 + 59_000, '59:59'],
    [3_600_000 + 2 * 60_000 + 3_000, '1:02:03'],
    [-5_000, '00:00'],
  ])('%i ms is %s', (ms, text) => {
    expect(formatClock(ms)).toBe(text);
  });
});

describe('formatWhen', () => {
  const now = new Date(2025, 5, 15, 14, 30).getTime();
  const at = (...parts: [number, number, number, number, number]) => new Date(...parts).getTime();

  it.each([
    [now - 30_000, 'just now'],
    [now - 5 * 60_000, '5 min ago'],
    [now - 59 * 60_000, '59 min ago'],
    [at(2025, 5, 15, 9, 5), '09:05'],
    [at(2025, 5, 14, 14, 2), 'Yesterday 14:02'],
    [at(2025, 5, 14, 23, 59), 'Yesterday 23:59'],
  ])('%i is %s', (time, text) => {
    expect(formatWhen(time, now)).toBe(text);
  });

  it('gives older calls a date, with the year only when it is not this one', () => {
    expect(formatWhen(at(2025, 5, 13, 10, 0), now)).toMatch(/13/);
    expect(formatWhen(at(2025, 5, 13, 10, 0), now)).not.toMatch(/2025/);
    expect(formatWhen(at(2023, 0, 2, 10, 0), now)).toMatch(/2023/);
  });
});
