/**
 * @module store/steps
 * Instant values at the steps of a range, as a Prometheus range query reads a
 * series: at each step, the last sample at or before it, if at most the
 * lookback (5 minutes) old. The hot tier and the disk tiers answer steps the
 * same way through this.
 */

/** Prometheus's default lookback: an instant value is the last sample at most 5 minutes old. */
export const LOOKBACK_MS = 300_000;

/** Most steps one query may ask of a series (Prometheus's range query limit is 11,000 points). */
export const MAX_STEPS = 11_000;

/**
 * Calls `push(T, v)` for each step T = start, start + step, … ≤ end that has an
 * instant value. `t` holds the sample times in order, `v` their values.
 */
export function instantValues(t: ArrayLike<number>, v: ArrayLike<number>, start: number, end: number, step: number, push: (at: number, value: number) => void): void {
  let i = 0;
  let lastT = -Infinity;
  let lastV = NaN;
  for (let T = start; T <= end; T += step) {
    while (i < t.length && t[i]! <= T) {
      lastT = t[i]!;
      lastV = v[i]!;
      i++;
    }
    if (T - lastT <= LOOKBACK_MS) push(T, lastV);
  }
}
