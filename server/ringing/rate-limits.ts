/** Ring rate limits keyed by handle, over a sliding 60 s window, so nobody can be rung into the ground. */
export const RING_LIMITS = { perPair: 3, perCaller: 30, perCallee: 20, windowMs: 60_000 } as const;

export class RingRateLimiter {
  private readonly rings = new Map<string, number[]>();

  constructor(private readonly now: () => number) {}

  /** Records the ring and returns true, or returns false (recording nothing) when any limit is hit. */
  allow(caller: string, callee: string): boolean {
    const keys: [string, number][] = [
      [`pair:${caller}:${callee}`, RING_LIMITS.perPair],
      [`from:${caller}`, RING_LIMITS.perCaller],
      [`to:${callee}`, RING_LIMITS.perCallee],
    ];
    const now = this.now();
    const windows = keys.map(([key, limit]) => ({ key, limit, times: this.recent(key, now) }));
    if (windows.some(({ times, limit }) => times.length >= limit)) return false;
    for (const { key, times } of windows) this.rings.set(key, [...times, now]);
    return true;
  }

  /**
   * An answered ring was wanted: it no longer counts against the pair, so people who talk can call
   * back and forth; only the per-caller and per-callee totals still bound it.
   */
  answered(caller: string, callee: string): void {
    const times = this.rings.get(`pair:${caller}:${callee}`);
    times?.pop();
  }

  /** Forgets windows nobody rang in lately; called periodically so idle keys do not pile up. */
  sweep(): void {
    const now = this.now();
    for (const key of this.rings.keys()) if (this.recent(key, now).length === 0) this.rings.delete(key);
  }

  private recent(key: string, now: number): number[] {
    return (this.rings.get(key) ?? []).filter((t) => now - t < RING_LIMITS.windowMs);
  }
}
