/**
 * @module analyze/promql/point
 * The unit every PromQL-equivalent function here works on, and the range
 * selector that produces it.
 *
 * Semantics follow Prometheus 2.42 (the peer our tests compare against). In
 * 2.x a range selector `x[5m]` evaluated at T holds the samples with
 * T-5m <= t <= T: closed on both sides (promql/engine.go@v2.42.0,
 * matrixIterSlice keeps `t >= mint`). Prometheus 3.0 made it left-open
 * (T-5m < t <= T), which changes results whenever a sample sits exactly on the
 * left edge, e.g. `rate(x[5m])` over a 5m-scraped series has 2 samples in
 * 2.42 and 1 (no result) in 3.x.
 */

/** One float sample: `t` in milliseconds since the epoch, `v` the value. */
export interface Point {
  readonly t: number;
  readonly v: number;
}

/**
 * The points of one series inside [startMs, endMs], both ends included (2.42).
 * Input must be oldest first; the result is a new array.
 * @example selectRange([{t: 0, v: 1}, {t: 5, v: 2}, {t: 9, v: 3}], 0, 5) // t = 0 and t = 5
 */
export function selectRange(points: readonly Point[], startMs: number, endMs: number): Point[] {
  const out: Point[] = [];
  for (const p of points) if (p.t >= startMs && p.t <= endMs) out.push(p);
  return out;
}
