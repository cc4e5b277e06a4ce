/**
 * @module analyze/promql/regression
 * deriv() and predict_linear(): least-squares regression over the points of
 * one series, as Prometheus 2.42 computes it (promql/functions.go@v2.42.0:
 * linearRegression, kahanSumInc, funcDeriv, funcPredictLinear).
 *
 * x is seconds relative to an intercept time: the first point's time for
 * deriv() (keeps x small, prometheus#2674), the evaluation time for
 * predict_linear(), whose result is the fitted line at eval time + horizon.
 * 3.x computes the same; the only difference is which points the range holds
 * (closed in 2.42, left-open in 3.x: see point.ts).
 */
import type { Point } from './point.js';

/** A Neumaier-compensated running sum (functions.go kahanSumInc). */
export class KahanSum {
  private _sum = 0;
  private _c = 0;

  add(inc: number): void {
    const t = this._sum + inc;
    // Neumaier's improvement: take the compensation from the smaller term.
    if (Math.abs(this._sum) >= Math.abs(inc)) this._c += this._sum - t + inc;
    else this._c += inc - t + this._sum;
    this._sum = t;
  }

  get value(): number {
    return this._sum + this._c;
  }
}

/**
 * Least-squares slope (per second) and intercept at `interceptTimeMs`.
 * A constant series gives slope 0 and its value, or NaN for both when that
 * value is ±Inf. Needs at least one point.
 * @example linearRegression([{t: 0, v: 1}, {t: 1000, v: 3}], 0) // {slope: 2, intercept: 1}
 */
export function linearRegression(points: readonly Point[], interceptTimeMs: number): { slope: number; intercept: number } {
  const sumX = new KahanSum();
  const sumY = new KahanSum();
  const sumXY = new KahanSum();
  const sumX2 = new KahanSum();
  const initY = points[0]?.v ?? NaN;
  let constY = true;
  let n = 0;
  for (const p of points) {
    if (constY && n > 0 && p.v !== initY) constY = false;
    n += 1;
    const x = (p.t - interceptTimeMs) / 1e3;
    sumX.add(x);
    sumY.add(p.v);
    sumXY.add(x * p.v);
    sumX2.add(x * x);
  }
  if (constY) {
    if (initY === Infinity || initY === -Infinity) return { slope: NaN, intercept: NaN };
    return { slope: 0, intercept: initY };
  }
  const sx = sumX.value;
  const sy = sumY.value;
  const covXY = sumXY.value - (sx * sy) / n;
  const varX = sumX2.value - (sx * sx) / n;
  const slope = covXY / varX;
  const intercept = sy / n - (slope * sx) / n;
  return { slope, intercept };
}

/**
 * `deriv(x[r])`: per-second slope of a gauge; undefined with fewer than 2 points.
 * @example deriv([{t: 0, v: 0}, {t: 300_000, v: 80}]) // 0.2666…
 */
export function deriv(points: readonly Point[]): number | undefined {
  if (points.length < 2) return undefined;
  return linearRegression(points, points[0]!.t).slope;
}

/**
 * `predict_linear(x[r], horizonSeconds)` evaluated at `evalTimeMs`: the value
 * the fitted line reaches `horizonSeconds` after the evaluation time.
 * Undefined with fewer than 2 points.
 * @example predictLinear([{t: 0, v: 0}, {t: 60_000, v: 60}], 60_000, 60) === 120
 */
export function predictLinear(points: readonly Point[], evalTimeMs: number, horizonSeconds: number): number | undefined {
  if (points.length < 2) return undefined;
  const { slope, intercept } = linearRegression(points, evalTimeMs);
  return slope * horizonSeconds + intercept;
}
