/**
 * @module export/report/stats
 * Figures of a report: per-series summaries, least-squares trends, uptime
 * shares, SLO attainment, and the downsampling that bounds chart points.
 */
import type { Labels } from '../../core/types.js';
import type { ReportData, ReportSeries } from './types.js';

export interface SeriesSummary {
  readonly min: number;
  readonly mean: number;
  readonly p95: number;
  readonly max: number;
  readonly last: number;
  readonly count: number;
}

/** Non-finite values (NaN staleness markers, ±Inf) are left out of every figure. */
export function summarize(points: readonly (readonly [number, number])[]): SeriesSummary | undefined {
  const vs: number[] = [];
  for (const [, v] of points) if (Number.isFinite(v)) vs.push(v);
  if (vs.length === 0) return undefined;
  let sum = 0;
  for (const v of vs) sum += v;
  const last = vs[vs.length - 1]!;
  vs.sort((a, b) => a - b);
  return { min: vs[0]!, mean: sum / vs.length, p95: quantile(vs, 0.95), max: vs[vs.length - 1]!, last, count: vs.length };
}

/** Linear interpolation between closest ranks (numpy's default, as Prometheus's quantile_over_time). */
function quantile(sorted: readonly number[], q: number): number {
  const rank = q * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}

/** Least-squares slope in units per hour (time centred for precision with epoch-ms abscissae); undefined under 2 distinct times. */
export function slopePerHour(points: readonly (readonly [number, number])[]): number | undefined {
  let n = 0;
  let st = 0;
  let sv = 0;
  for (const [t, v] of points) {
    if (!Number.isFinite(v)) continue;
    n++;
    st += t;
    sv += v;
  }
  if (n < 2) return undefined;
  const mt = st / n;
  const mv = sv / n;
  let num = 0;
  let den = 0;
  for (const [t, v] of points) {
    if (!Number.isFinite(v)) continue;
    const dt = (t - mt) / 3_600_000;
    num += dt * (v - mv);
    den += dt * dt;
  }
  return den === 0 ? undefined : num / den;
}

/** The metrics a trend is looked for in, in the order shown (internal names). */
export const TREND_METRICS: readonly string[] = ['cpu_usage', 'memory_usage', 'disk_usage', 'token_throughput', 'request_latency_ms_p95', 'ttft_ms_p95', 'kv_cache_usage'];

export interface Trend {
  readonly series: ReportSeries;
  readonly slopePerHour: number;
  /** Slope × range: the change the fitted line makes over the report. */
  readonly change: number;
  readonly mean: number;
}

/** Trends of the key metrics' series, at most `max`. */
export function trends(data: ReportData, max = 50): Trend[] {
  const hours = (data.range.end - data.range.start) / 3_600_000;
  const out: Trend[] = [];
  for (const name of TREND_METRICS) {
    for (const s of data.series) {
      if (s.name !== name || out.length >= max) continue;
      const slope = slopePerHour(s.points);
      const sum = summarize(s.points);
      if (slope === undefined || sum === undefined) continue;
      out.push({ series: s, slopePerHour: slope, change: slope * hours, mean: sum.mean });
    }
  }
  return out;
}

/** A change under 5 % of the mean (or of 1 when the mean is 0) over the range reads as flat. */
export function direction(t: Trend): 'rising' | 'falling' | 'flat' {
  const scale = Math.abs(t.mean) > 0 ? Math.abs(t.mean) : 1;
  if (Math.abs(t.change) < 0.05 * scale) return 'flat';
  return t.change > 0 ? 'rising' : 'falling';
}

export interface Uptime {
  readonly who: string;
  readonly kind: 'target' | 'collector' | 'component';
  /** Share of the range with data. */
  readonly withData: number;
  /** Share of the range reported up (1), for targets and collectors. */
  readonly up?: number | undefined;
}

type Interval = [number, number];

/**
 * The spans a series covers: each point holds until the next one, unless the
 * next comes later than twice the series' median interval (a gap); the last
 * point holds one median interval. Clipped to the range.
 */
function covered(points: readonly (readonly [number, number])[], range: { start: number; end: number }, pred: (v: number) => boolean): Interval[] {
  if (points.length === 0) return [];
  const dts: number[] = [];
  for (let i = 1; i < points.length; i++) dts.push(points[i]![0] - points[i - 1]![0]);
  dts.sort((a, b) => a - b);
  const median = dts.length > 0 ? dts[Math.floor(dts.length / 2)]! : 0;
  const out: Interval[] = [];
  for (let i = 0; i < points.length; i++) {
    const [t, v] = points[i]!;
    if (!pred(v)) continue;
    const next = i + 1 < points.length ? points[i + 1]![0] : Infinity;
    const to = Math.min(next, t + (next === Infinity ? median : 2 * median));
    const a = Math.max(t, range.start);
    const b = Math.min(to, range.end);
    if (b > a) out.push([a, b]);
  }
  return out;
}

/** Length of the union of intervals. */
function unionLength(intervals: Interval[]): number {
  let total = 0;
  for (const [a, b] of mergeIntervals(intervals)) total += b - a;
  return total;
}

function labelText(l: Labels, keys: readonly string[]): string {
  const parts = keys.filter((k) => l[k] !== undefined).map((k) => `${k}=${l[k]}`);
  return parts.length > 0 ? parts.join(' ') : Object.keys(l).sort().map((k) => `${k}=${l[k]}`).join(' ') || '(no labels)';
}

/**
 * Per scrape target (`up`, Prometheus's per-target series), per collector
 * (`echo_perf_collector_up`) and per `component` label of any series: the share
 * of the range it had data, and for the first two the share it was up.
 */
export function uptime(data: ReportData, max = 500): Uptime[] {
  const span = Math.max(1, data.range.end - data.range.start);
  const out: Uptime[] = [];
  for (const s of data.series) {
    if (out.length >= max) break;
    const kind = s.name === 'up' ? 'target' : s.name === 'echo_perf_collector_up' ? 'collector' : undefined;
    if (kind === undefined) continue;
    out.push({
      who: labelText(s.labels, ['job', 'instance', 'target', 'collector', 'component']),
      kind,
      withData: unionLength(covered(s.points, data.range, () => true)) / span,
      up: unionLength(covered(s.points, data.range, (v) => v === 1)) / span,
    });
  }
  const byComponent = new Map<string, Interval[]>();
  for (const s of data.series) {
    const c = s.labels['component'];
    if (c === undefined) continue;
    let list = byComponent.get(c);
    if (list === undefined) {
      if (byComponent.size >= max) continue;
      list = [];
      byComponent.set(c, list);
    }
    // Merged as they come, so a component with many series holds few intervals.
    const merged = [...list, ...covered(s.points, data.range, () => true)];
    list.length = 0;
    list.push(...mergeIntervals(merged));
  }
  for (const [c, list] of [...byComponent].sort(([a], [b]) => a.localeCompare(b))) {
    if (out.length >= max) break;
    out.push({ who: c, kind: 'component', withData: unionLength(list) / span });
  }
  return out;
}

function mergeIntervals(intervals: Interval[]): Interval[] {
  intervals.sort((x, y) => x[0] - y[0]);
  const out: Interval[] = [];
  for (const [x, y] of intervals) {
    const last = out[out.length - 1];
    if (last !== undefined && x <= last[1]) last[1] = Math.max(last[1], y);
    else out.push([x, y]);
  }
  return out;
}

export interface SloAttainment {
  readonly slo: string;
  readonly labels: Labels;
  readonly objective: number | undefined;
  /** The last good ratio of the range and its lowest. */
  readonly good: number;
  readonly worst: number;
  readonly budgetLeft: number | undefined;
  readonly met: boolean | undefined;
}

/** From the SLO tracker's series (slo_good_ratio, slo_objective, slo_error_budget_remaining; label `slo`). */
export function sloAttainment(data: ReportData, max = 200): SloAttainment[] {
  const lastOf = (name: string, l: Labels): number | undefined => {
    const s = data.series.find((x) => x.name === name && sameLabels(x.labels, l));
    return s === undefined ? undefined : summarize(s.points)?.last;
  };
  const out: SloAttainment[] = [];
  for (const s of data.series) {
    if (s.name !== 'slo_good_ratio' || out.length >= max) continue;
    const sum = summarize(s.points);
    if (sum === undefined) continue;
    const objective = lastOf('slo_objective', s.labels);
    out.push({
      slo: s.labels['slo'] ?? '(unnamed)',
      labels: s.labels,
      objective,
      good: sum.last,
      worst: sum.min,
      budgetLeft: lastOf('slo_error_budget_remaining', s.labels),
      met: objective === undefined ? undefined : sum.last >= objective,
    });
  }
  return out;
}

function sameLabels(a: Labels, b: Labels): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}

/** At most `max` points: the mean of each of `max` equal runs of points (keeps the shape; bands keep their extremes). */
export function downsample(points: readonly (readonly [number, number])[], max: number): (readonly [number, number])[] {
  if (points.length <= max) return points.slice();
  const out: [number, number][] = [];
  const per = points.length / max;
  for (let b = 0; b < max; b++) {
    const from = Math.floor(b * per);
    const to = Math.floor((b + 1) * per);
    let st = 0;
    let sv = 0;
    let n = 0;
    for (let i = from; i < to; i++) {
      const [t, v] = points[i]!;
      if (!Number.isFinite(v)) continue;
      st += t;
      sv += v;
      n++;
    }
    if (n > 0) out.push([st / n, sv / n]);
  }
  return out;
}

export function downsampleBands(bands: readonly (readonly [number, number, number])[], max: number): (readonly [number, number, number])[] {
  if (bands.length <= max) return bands.slice();
  const out: [number, number, number][] = [];
  const per = bands.length / max;
  for (let b = 0; b < max; b++) {
    const from = Math.floor(b * per);
    const to = Math.floor((b + 1) * per);
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = from; i < to; i++) {
      lo = Math.min(lo, bands[i]![1]);
      hi = Math.max(hi, bands[i]![2]);
    }
    if (from < to && Number.isFinite(lo) && Number.isFinite(hi)) out.push([bands[from]![0], lo, hi]);
  }
  return out;
}
