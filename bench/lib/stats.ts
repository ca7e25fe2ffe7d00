/** Summary statistics for the bench: median and p90 over the runs, in ms, rounded for reading. */
export interface Timing {
  median: number;
  p90: number;
  runs: number;
}

/** Nearest-rank percentile (p in 0..100) of the finite values. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export function median(values: readonly number[]): number {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export const round = (value: number, digits = 1) => {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};

export function timing(values: readonly number[], digits = 1): Timing {
  const finite = values.filter(Number.isFinite);
  return { median: round(median(finite), digits), p90: round(percentile(finite, 90), digits), runs: finite.length };
}

export const ratio = (a: number, b: number) => (b > 0 && Number.isFinite(a) ? round(a / b, 2) : NaN);
