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
import { validateQuery, type StoreQuery } from '../store/disk/index.js';
import { instantValues, LOOKBACK_MS } from '../store/steps.js';
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

export async function runMetricQuery(q: MetricQuery, store: SeriesStore, storage: MonitorStorage | undefined, now: number): Promise<MetricQueryResult> {
  if (typeof q?.metric !== 'string' || q.metric === '') {
    throw new EchoPerfError('EP_ERR_ARGUMENT', `query metric: got ${String(q?.metric).slice(0, 100)}; expected a metric name`);
  }
  const end = q.end ?? now;
  const labels = q.labels ?? {};
  const stored = storedNameOf(q.metric, labels['quantile']);
  const { quantile: _q, ...rest } = labels;
  // One check for both answers: memory and disk take the same ranges and steps.
  const query = validateQuery({
    name: stored?.name ?? q.metric,
    labels: stored === undefined ? labels : { ...rest, ...stored.match },
    start: q.start ?? end - 3_600_000,
    end,
    ...(q.step !== undefined ? { step: q.step } : {}),
  });
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

/** The hot tier's points; with a step, the instant value at each step (store/steps). */
function fromMemory(store: SeriesStore, q: StoreQuery): MetricQueryResult {
  const from = q.step === undefined ? q.start : q.start - LOOKBACK_MS;
  const series = store.rangeSeries(q.name, q.labels, from, q.end).map((s) => {
    if (q.step === undefined) return { labels: s.labels, points: s.points.map((p): [number, number] => [p.t, p.v]) };
    const points: [number, number][] = [];
    const t = s.points.map((p) => p.t);
    const v = s.points.map((p) => p.v);
    instantValues(t, v, q.start, q.end, q.step, (at, value) => void points.push([at, value]));
    return { labels: s.labels, points };
  });
  return { tier: 'memory', series };
}
