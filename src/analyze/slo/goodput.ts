/**
 * @module analyze/slo/goodput
 * Goodput per engine and model: finished requests per second that met every
 * SLO target on TTFT and TPOT (DistServe, OSDI '24, "goodput"), from the
 * engine's histograms over the rate window:
 *
 *   goodput = request_rate × min(share with TTFT ≤ target, share with TPOT ≤ target)
 *
 * Each share is increase(bucket at the largest bound ≤ target) / increase(+Inf
 * bucket), summed over the engine's data-parallel indices. Histograms give
 * each share alone, so the minimum is an upper bound on the share meeting
 * both; a target between bounds counts only what lies under the lower bound.
 * Where the TPOT histogram is per output token (vLLM's inter-token latency),
 * its share is a share of tokens, not of requests. The targets are the first
 * SLO rule of the engine naming ttft_ms or tpot_ms, else DEFAULT_GOODPUT_TARGETS.
 */
import type { Sample } from '../../core/types.js';
import type { SloRuleConfig } from '../../config/rules/index.js';
import type { SeriesReader } from '../../store/series.js';
import type { EngineSource } from '../engines/derive.js';
import { detectFlavor } from '../engines/flavor.js';
import { FLAVOR_MAPPINGS } from '../engines/flavors/index.js';
import type { FlavorMapping } from '../engines/mapping.js';
import { ENGINE_INDEX_LABEL, ENGINE_LABEL, MODEL_LABEL, UnifiedMetric } from '../engines/metrics.js';
import { increaseOver, parseBucketBound } from '../promql/index.js';

export const GOODPUT_METRIC = 'goodput';

/** Interactive-chat targets in the range DistServe and vLLM's benchmarks use. */
export const DEFAULT_GOODPUT_TARGETS: GoodputTargets = { ttftMs: 2000, tpotMs: 100 };

export interface GoodputTargets {
  readonly ttftMs: number | undefined;
  readonly tpotMs: number | undefined;
}

/** The targets goodput counts for `engine`: its first SLO rule naming TTFT or TPOT, else the defaults. */
export function goodputTargets(rules: readonly { readonly kind: string }[], engine: string): GoodputTargets {
  for (const r of rules) {
    if (r.kind !== 'slo') continue;
    const s = r as SloRuleConfig;
    if ((s.engine === undefined || s.engine === engine) && (s.ttft_ms !== undefined || s.tpot_ms !== undefined)) return { ttftMs: s.ttft_ms, tpotMs: s.tpot_ms };
  }
  return DEFAULT_GOODPUT_TARGETS;
}

/** `goodput{engine, model}` (requests/s) at `at`, for every engine with a request rate written at `at`. */
export function deriveGoodput(
  read: SeriesReader,
  engines: readonly EngineSource[],
  at: number,
  windowMs: number,
  targetsOf: (engine: string) => GoodputTargets,
): Sample[] {
  const out: Sample[] = [];
  for (const src of engines) {
    const flavor = src.flavor ?? detectFlavor(src.families.keys());
    if (flavor === undefined) continue;
    const mapping = FLAVOR_MAPPINGS[flavor];
    const targets = targetsOf(src.name);
    const shares: Map<string, number>[] = [];
    if (targets.ttftMs !== undefined) shares.push(shareUnder(read, mapping, 'ttft_ms', src.name, targets.ttftMs, at, windowMs));
    if (targets.tpotMs !== undefined) shares.push(shareUnder(read, mapping, 'tpot_ms', src.name, targets.tpotMs, at, windowMs));
    for (const r of read.latest(UnifiedMetric.REQUEST_RATE, { [ENGINE_LABEL]: src.name })) {
      if (r.t !== at || r.labels[ENGINE_INDEX_LABEL] !== undefined) continue;
      const model = r.labels[MODEL_LABEL] ?? '';
      let share: number | undefined;
      for (const s of shares) {
        const v = s.get(model);
        if (v !== undefined) share = share === undefined ? v : Math.min(share, v);
      }
      // No request in the window: nothing was good either.
      if (share === undefined && r.v !== 0) continue;
      const labels: Record<string, string> = { [ENGINE_LABEL]: src.name, component: src.name };
      if (model !== '') labels[MODEL_LABEL] = model;
      out.push({ name: GOODPUT_METRIC, labels, t: at, v: r.v * (share ?? 0) });
    }
  }
  return out;
}

/** model → share of observations ≤ targetMs over the window (models without observations left out). */
function shareUnder(read: SeriesReader, mapping: FlavorMapping, metric: 'ttft_ms' | 'tpot_ms', job: string, targetMs: number, at: number, windowMs: number): Map<string, number> {
  for (const d of mapping.histograms[metric] ?? []) {
    const buckets = increaseOver(read, `${d.family}_bucket`, { job }, at, windowMs);
    if (buckets.length === 0) continue;
    let bound = -Infinity;
    for (const b of buckets) {
      const le = parseBucketBound(b.labels['le'] ?? '');
      if (le !== undefined && le !== Infinity && le * d.scale <= targetMs * (1 + 1e-9) && le > bound) bound = le;
    }
    const good = new Map<string, number>();
    const total = new Map<string, number>();
    for (const b of buckets) {
      const le = parseBucketBound(b.labels['le'] ?? '');
      const model = mapping.modelLabel === undefined ? '' : (b.labels[mapping.modelLabel] ?? '');
      if (le === Infinity) total.set(model, (total.get(model) ?? 0) + b.value);
      if (le === bound) good.set(model, (good.get(model) ?? 0) + b.value);
    }
    const out = new Map<string, number>();
    for (const [model, t] of total) if (t > 0) out.set(model, Math.min(1, Math.max(0, (good.get(model) ?? 0) / t)));
    return out;
  }
  return new Map();
}
