/**
 * @module analyze/promql/over
 * Recording-rule style derivations over a SeriesReader, each the equivalent
 * of one PromQL 2.42 expression evaluated at `atMs` with range `windowMs`:
 *
 *   rateOver                       rate(name{match}[w])
 *   increaseOver                   increase(name{match}[w])
 *   histogramQuantileOver          histogram_quantile(q, sum without(<sumWithout>) (rate(base_bucket{match}[w])))
 *   meanOver                       sum without(…)(rate(base_sum[w])) / sum without(…)(rate(base_count[w]))
 *
 * The window is [atMs - windowMs, atMs], closed as 2.42's range selector
 * (SeriesReader.range is inclusive on both ends). rate and increase give the
 * same quantile and the same mean (the range divisor cancels), so increase is
 * used. As in PromQL, a series without a result (fewer than 2 samples in the
 * window) is left out, not reported as 0.
 */
import { seriesKey } from '../../core/labels.js';
import type { Labels } from '../../core/types.js';
import type { SeriesReader } from '../../store/series.js';
import type { Point } from './point.js';
import { histogramQuantile, parseBucketBound, type Bucket } from './quantile.js';
import { increase, rate } from './rate.js';

/** One output series: its labels (never `__name__`) and value. */
export interface LabeledValue {
  readonly labels: Labels;
  readonly value: number;
}

export interface QuantileValue {
  readonly labels: Labels;
  readonly quantile: number;
  readonly value: number;
}

export interface MeanValue {
  readonly labels: Labels;
  /** increase(sum) / increase(count); undefined when count did not increase. */
  readonly value: number | undefined;
}

export interface AggregateOptions {
  /** Labels summed away before the quantile/mean, as `sum without(…)`; e.g. ['engine']. */
  readonly sumWithout?: readonly string[];
}

/**
 * `rate(name{match}[window])` at `atMs`, one item per series with a result.
 * @example rateOver(store, 'requests_total', { engine: 'vllm' }, now, 300_000)
 */
export function rateOver(read: SeriesReader, name: string, match: Labels | undefined, atMs: number, windowMs: number): LabeledValue[] {
  const start = atMs - windowMs;
  return perSeries(read, name, match, start, atMs, (pts) => rate(pts, start, atMs));
}

/**
 * `increase(name{match}[window])` at `atMs`, one item per series with a result.
 * @example increaseOver(store, 'requests_total', undefined, now, 300_000)
 */
export function increaseOver(read: SeriesReader, name: string, match: Labels | undefined, atMs: number, windowMs: number): LabeledValue[] {
  const start = atMs - windowMs;
  return perSeries(read, name, match, start, atMs, (pts) => increase(pts, start, atMs));
}

/**
 * `histogram_quantile(q, rate(<base>_bucket{match}[window]))` for each q, per
 * label set without `le` (and without `sumWithout`, whose series are summed).
 * Bucket series whose `le` does not parse are skipped, as Prometheus does.
 * Items are ordered by label set, then in the order of `quantiles`.
 * @example histogramQuantileOver(store, 'request_latency_seconds', {}, now, 300_000, [0.5, 0.99], { sumWithout: ['engine'] })
 */
export function histogramQuantileOver(
  read: SeriesReader,
  baseName: string,
  match: Labels | undefined,
  atMs: number,
  windowMs: number,
  quantiles: readonly number[],
  options: AggregateOptions = {},
): QuantileValue[] {
  const drop = new Set(['le', ...(options.sumWithout ?? [])]);
  const groups = new Map<string, { labels: Labels; buckets: Bucket[] }>();
  for (const s of increaseOver(read, `${baseName}_bucket`, match, atMs, windowMs)) {
    const le = parseBucketBound(s.labels['le'] ?? '');
    if (le === undefined) continue;
    const labels = without(s.labels, drop);
    const key = seriesKey('', labels);
    let g = groups.get(key);
    if (g === undefined) groups.set(key, (g = { labels, buckets: [] }));
    // Same-bound buckets from summed-away series are added by histogramQuantile's coalescing.
    g.buckets.push({ le, count: s.value });
  }
  const out: QuantileValue[] = [];
  for (const key of [...groups.keys()].sort()) {
    const g = groups.get(key)!;
    for (const q of quantiles) out.push({ labels: g.labels, quantile: q, value: histogramQuantile(q, g.buckets) });
  }
  return out;
}

/**
 * Mean observation of a histogram or summary over the window:
 * increase(<base>_sum) / increase(<base>_count) per label set (after
 * `sumWithout`). One item per label set that has a `_count` result; value
 * undefined when the count did not increase or `_sum` has no result.
 * @example meanOver(store, 'request_latency_seconds', undefined, now, 300_000)
 */
export function meanOver(
  read: SeriesReader,
  baseName: string,
  match: Labels | undefined,
  atMs: number,
  windowMs: number,
  options: AggregateOptions = {},
): MeanValue[] {
  const drop = new Set(options.sumWithout ?? []);
  const sums = sumBy(increaseOver(read, `${baseName}_sum`, match, atMs, windowMs), drop);
  const counts = sumBy(increaseOver(read, `${baseName}_count`, match, atMs, windowMs), drop);
  const out: MeanValue[] = [];
  for (const key of [...counts.keys()].sort()) {
    const c = counts.get(key)!;
    const s = sums.get(key);
    const value = s !== undefined && c.value > 0 ? s.value / c.value : undefined;
    out.push({ labels: c.labels, value });
  }
  return out;
}

/** Groups a range read by series, sorts each by time, and applies `fn`; series where fn is undefined are left out. */
function perSeries(
  read: SeriesReader,
  name: string,
  match: Labels | undefined,
  startMs: number,
  endMs: number,
  fn: (points: Point[]) => number | undefined,
): LabeledValue[] {
  const out: LabeledValue[] = [];
  for (const g of read.rangeSeries(name, match, startMs, endMs)) {
    // PromQL sees points in time order; a reader that does not keep them so is sorted here.
    const points: Point[] = isSorted(g.points) ? g.points : [...g.points].sort((a, b) => a.t - b.t);
    const value = fn(points);
    if (value !== undefined) out.push({ labels: g.labels, value });
  }
  return out;
}

/** `sum without(drop)` over per-series values, keyed by the remaining label set. */
function sumBy(values: readonly LabeledValue[], drop: ReadonlySet<string>): Map<string, { labels: Labels; value: number }> {
  const out = new Map<string, { labels: Labels; value: number }>();
  for (const v of values) {
    const labels = without(v.labels, drop);
    const key = seriesKey('', labels);
    const g = out.get(key);
    if (g === undefined) out.set(key, { labels, value: v.value });
    else g.value += v.value;
  }
  return out;
}

function without(labels: Labels, drop: ReadonlySet<string>): Labels {
  const out: Record<string, string> = {};
  for (const k of Object.keys(labels)) if (!drop.has(k)) out[k] = labels[k]!;
  return out;
}

function isSorted(points: readonly Point[]): boolean {
  for (let i = 1; i < points.length; i++) if (points[i]!.t < points[i - 1]!.t) return false;
  return true;
}
