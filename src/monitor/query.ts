/**
 * @module monitor/query
 * `monitor.query()`: one metric's history as `[ms, value]` series. A name as
 * /metrics shows it (`echo_perf_cpu_usage_ratio`) is read from the series it
 * is made of and scaled to its unit; a name as the library and config use it
 * (`cpu_usage`) comes as stored. With a data dir, the disk answers (the finest
 * tier whose retention covers `start`); without one, the hot tier in memory.
 */
import { EchoPerfError } from '../core/errors.js';
import type { Labels } from '../core/types.js';
import { storedNameOf, toExposedUnit } from '../export/names.js';
import type { SeriesStore } from '../store/series.js';
import { stepTimes } from '../analyze/query.js';
import type { MonitorStorage } from './storage.js';

export interface MetricQuery {
  /** A name as /metrics shows it, or as the library, the config and alerts name it. */
  metric: string;
  /** Exact label values the series must have. */
  labels?: Labels;
  /** ms since the epoch; default one hour before `end`. */
  start?: number;
  /** ms since the epoch; default now. */
  end?: number;
  /** ms between points; default: the points as stored. */
  step?: number;
}

export interface MetricQueryResult {
  /** Where the points came from: memory, or the disk tier that covered the range. */
  tier: 'memory' | 'raw' | 'minute' | 'hour';
  series: { labels: Labels; points: [number, number][] }[];
}

const LOOKBACK_MS = 5 * 60_000;

export async function runMetricQuery(q: MetricQuery, store: SeriesStore, storage: MonitorStorage | undefined, now: number): Promise<MetricQueryResult> {
  const bad = (field: string, value: unknown, expected: string): never => {
    throw new EchoPerfError('EP_ERR_ARGUMENT', `query ${field}: got ${String(value).slice(0, 100)}; expected ${expected}`);
  };
  if (typeof q?.metric !== 'string' || q.metric === '') bad('metric', q?.metric, 'a metric name');
  const end = q.end ?? now;
  const start = q.start ?? end - 3_600_000;
  if (!Number.isFinite(end)) bad('end', q.end, 'ms since the epoch');
  if (!Number.isFinite(start) || start > end) bad('start', q.start, `ms since the epoch, not after end (${end})`);
  if (q.step !== undefined && !(Number.isFinite(q.step) && q.step > 0)) bad('step', q.step, 'ms > 0');
  const labels = q.labels ?? {};
  const stored = storedNameOf(q.metric, labels['quantile']);
  const { quantile: _q, ...rest } = labels;
  const match: Labels = stored === undefined ? labels : { ...rest, ...stored.match };
  const name = stored?.name ?? q.metric;
  const query = { name, labels: match, start, end, ...(q.step !== undefined ? { step: q.step } : {}) };
  const fromDisk = storage?.query(query);
  const result: MetricQueryResult = fromDisk !== undefined ? await fromDisk : fromMemory(store, query);
  const scale = stored?.scale ?? 1;
  return {
    tier: result.tier,
    series: result.series
      .filter((s) => stored?.perEngine !== true || s.labels['component'] !== 'engines')
      .map((s) => ({ labels: s.labels, points: scale === 1 ? s.points : s.points.map(([t, v]): [number, number] => [t, toExposedUnit(v, scale)]) })),
  };
}

/** The hot tier's points; with a step, the last value at or before each step within Prometheus's 5-minute lookback. */
function fromMemory(store: SeriesStore, q: { name: string; labels: Labels; start: number; end: number; step?: number }): MetricQueryResult {
  const from = q.step === undefined ? q.start : q.start - LOOKBACK_MS;
  const series = store.rangeSeries(q.name, q.labels, from, q.end).map((s) => {
    if (q.step === undefined) return { labels: s.labels, points: s.points.map((p): [number, number] => [p.t, p.v]) };
    const points: [number, number][] = [];
    let i = 0;
    for (const t of stepTimes(q.start, q.end, q.step)) {
      while (i + 1 < s.points.length && s.points[i + 1]!.t <= t) i++;
      const p = s.points[i];
      if (p !== undefined && p.t <= t && t - p.t <= LOOKBACK_MS) points.push([t, p.v]);
    }
    return { labels: s.labels, points };
  });
  return { tier: 'memory', series };
}
