/** Per-socket message rate: a token bucket, refilled continuously. */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly now: () => number = performance.now.bind(performance),
  ) {
    this.tokens = burst;
    this.last = now();
  }

  /** Takes one token; false when the socket is over its rate. */
  take(): boolean {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/**
 * Control: 10 frames a second, bursts of 40. An ICE restart after a network change sends an offer
 * or answer and 10-20 candidates at once as `media-signal` frames; 40 leaves room for two of those.
 */
export const CONTROL_RATE = { perSecond: 10, burst: 40 } as const;
export const RELAY_RATE = { perSecond: 50, burst: 200 } as const;
