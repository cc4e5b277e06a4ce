/**
 * @module analyze/query
 * PromQL over stored history, for `monitor.query()` results and
 * `echo-perf query`: `rate(x[w])` and `histogram_quantile(q, rate(x_bucket[w]))`
 * evaluated at every step of a range, as a Prometheus range query does, with
 * the same functions the live derivations use (Prometheus 2.42 semantics,
 * counter resets included).
 */
import { seriesKey } from '../core/labels.js';
import type { Labels } from '../core/types.js';
import { MAX_STEPS } from '../store/steps.js';
import { extrapolatedRate, histogramQuantile, parseBucketBound, type Bucket, type Point } from './promql/index.js';

/** One series of a query result: `[ms, value]` pairs, oldest first. */
export interface RangeSeries {
  readonly labels: Labels;
  readonly points: readonly (readonly [number, number])[];
}

/** Evaluation times of a range query: start, start + step, … up to end. Bounded so a typo cannot ask for millions. */
export function stepTimes(start: number, end: number, stepMs: number, maxSteps = MAX_STEPS): number[] {
  const out: number[] = [];
  for (let t = start; t <= end && out.length < maxSteps; t += stepMs) out.push(t);
  return out;
}

/** `rate(x[windowMs])` at each step; steps without two points in the window give no point. */
export function rateRange(series: readonly RangeSeries[], times: readonly number[], windowMs: number): RangeSeries[] {
  return series.map((s) => {
    const points: [number, number][] = [];
    forEachWindow(s.points, times, windowMs, (t, window) => {
      const r = extrapolatedRate(window, t - windowMs, t, true, true);
      if (r !== undefined) points.push([t, r]);
    });
    return { labels: s.labels, points };
  });
}

/**
 * `histogram_quantile(q, sum by (<labels but le>) (rate(x_bucket[windowMs])))` at
 * each step: buckets of one histogram are the series that differ only in `le`.
 */
export function quantileRange(buckets: readonly RangeSeries[], q: number, times: readonly number[], windowMs: number): RangeSeries[] {
  const groups = new Map<string, { labels: Labels; members: { le: number; points: RangeSeries['points'] }[] }>();
  for (const b of buckets) {
    const le = parseBucketBound(b.labels['le'] ?? '');
    if (le === undefined) continue;
    const rest: Record<string, string> = {};
    for (const k of Object.keys(b.labels)) if (k !== 'le') rest[k] = b.labels[k]!;
    const key = seriesKey('', rest);
    let g = groups.get(key);
    if (g === undefined) groups.set(key, (g = { labels: rest, members: [] }));
    g.members.push({ le, points: b.points });
  }
  const out: RangeSeries[] = [];
  for (const g of groups.values()) {
    const perBucket = g.members.map((m) => ({ le: m.le, rates: new Map(rateRange([{ labels: {}, points: m.points }], times, windowMs)[0]!.points) }));
    const points: [number, number][] = [];
    for (const t of times) {
      const bs: Bucket[] = [];
      for (const b of perBucket) {
        const r = b.rates.get(t);
        if (r !== undefined) bs.push({ le: b.le, count: r });
      }
      const v = histogramQuantile(q, bs);
      if (Number.isFinite(v)) points.push([t, v]);
    }
    out.push({ labels: g.labels, points });
  }
  return out;
}

/** Calls `fn` with the points in [t - windowMs, t] for each t (both ends closed, as Prometheus 2.42). */
function forEachWindow(points: RangeSeries['points'], times: readonly number[], windowMs: number, fn: (t: number, window: Point[]) => void): void {
  let lo = 0;
  let hi = 0;
  for (const t of times) {
    while (lo < points.length && points[lo]![0] < t - windowMs) lo++;
    if (hi < lo) hi = lo;
    while (hi < points.length && points[hi]![0] <= t) hi++;
    const window: Point[] = [];
    for (let i = lo; i < hi; i++) window.push({ t: points[i]![0], v: points[i]![1] });
    fn(t, window);
  }
}
