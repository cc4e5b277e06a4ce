/**
 * @module analyze/engines/aggregates
 * The seed snapshot's engine fields from the unified samples: one unlabelled
 * sample each for `token_throughput` (tokenThroughput), `request_latency_ms`
 * (requestLatencyMs) and `kv_cache_usage` (kvCacheUsage).
 */
import { seriesKey } from '../../core/labels.js';
import type { Labels, Sample } from '../../core/types.js';
import { ENGINE_INDEX_LABEL, ENGINE_LABEL, HistogramMetric, UnifiedMetric } from './metrics.js';

/**
 * Across engines and models (per-engine series only, never per-index ones):
 * token throughput summed; request latency as the mean weighted by each
 * series' request rate, or the maximum when a rate is missing or all are 0;
 * KV-cache usage as the maximum (the fullest engine is the one to watch).
 * A field no engine reported is left out.
 * @example engineSnapshotAggregates(deriveEngineMetrics(store, engines, now, 60_000))
 */
export function engineSnapshotAggregates(unified: readonly Sample[]): Sample[] {
  const perEngine = unified.filter((s) => s.labels[ENGINE_LABEL] !== undefined && s.labels[ENGINE_INDEX_LABEL] === undefined);
  const of = (name: string): Sample[] => perEngine.filter((s) => s.name === name);
  const out: Sample[] = [];
  const noLabels: Labels = {};

  const tokens = of(UnifiedMetric.TOKEN_THROUGHPUT);
  if (tokens.length > 0) out.push({ name: UnifiedMetric.TOKEN_THROUGHPUT, labels: noLabels, t: latestT(tokens), v: sumOf(tokens) });

  const latency = of(HistogramMetric.REQUEST_LATENCY_MS);
  if (latency.length > 0) {
    const rates = new Map(of(UnifiedMetric.REQUEST_RATE).map((s) => [seriesKey('', s.labels), s.v]));
    let weighted = 0;
    let weight = 0;
    let known = true;
    for (const s of latency) {
      const r = rates.get(seriesKey('', s.labels));
      if (r === undefined) known = false;
      else {
        weighted += s.v * r;
        weight += r;
      }
    }
    const v = known && weight > 0 ? weighted / weight : Math.max(...latency.map((s) => s.v));
    out.push({ name: HistogramMetric.REQUEST_LATENCY_MS, labels: noLabels, t: latestT(latency), v });
  }

  const kv = of(UnifiedMetric.KV_CACHE_USAGE);
  if (kv.length > 0) out.push({ name: UnifiedMetric.KV_CACHE_USAGE, labels: noLabels, t: latestT(kv), v: Math.max(...kv.map((s) => s.v)) });
  return out;
}

function sumOf(samples: readonly Sample[]): number {
  let s = 0;
  for (const x of samples) s += x.v;
  return s;
}

function latestT(samples: readonly Sample[]): number {
  let t = -Infinity;
  for (const x of samples) if (x.t > t) t = x.t;
  return t;
}
