/**
 * @module analyze/engines/derive
 * Unified LLM-engine metrics from scraped engine pages: for each configured
 * engine, its flavor's mapping table evaluated over the store at `at` with
 * range `windowMs`. Samples are labelled `engine` (the configured name = the
 * scrape job) and `model` (where the engine labels by model); a data-parallel
 * engine (two or more indices for a model) also gets one sample per index,
 * labelled `engine_index`. An engine that is down yields nothing: absent, not 0.
 */
import type { MetricType, Sample } from '../../core/types.js';
import type { SeriesReader } from '../../store/series.js';
import { evaluateHistogram, evaluateScalar, type EvalContext, type Grouped } from './evaluate.js';
import { detectFlavor, type EngineFlavor } from './flavor.js';
import { FLAVOR_MAPPINGS } from './flavors/index.js';
import { ENGINE_INDEX_LABEL, ENGINE_LABEL, MODEL_LABEL, type HistogramMetricName, type ScalarMetricName } from './metrics.js';

/** One configured engine, as the scrape target that reads it knows it. */
export interface EngineSource {
  /** Configured engine name = the scrape job; its series carry `job=<name>`. */
  readonly name: string;
  /** Detected from `families` when not given. */
  readonly flavor?: EngineFlavor | undefined;
  /** Family metadata of the engine's last good page (family name → type). */
  readonly families: ReadonlyMap<string, { readonly type: MetricType }>;
  /**
   * ms: time of the last *successful* scrape. With `intervalMs`, an engine not
   * scraped successfully for more than 2 intervals yields nothing.
   */
  readonly lastScrapeAt?: number | undefined;
  /** ms: the engine's scrape interval. */
  readonly intervalMs?: number | undefined;
}

/** Scrape intervals without a good scrape after which an engine counts as down. */
export const STALE_AFTER_INTERVALS = 2;

/**
 * The unified metrics of every engine at `at`, over [at − windowMs, at].
 * @example deriveEngineMetrics(store, [{ name: 'vllm-a', families: store.collections.families('target:vllm-a').families }], now, 60_000)
 */
export function deriveEngineMetrics(read: SeriesReader, engines: Iterable<EngineSource>, at: number, windowMs: number): Sample[] {
  const out: Sample[] = [];
  for (const src of engines) {
    const flavor = src.flavor ?? detectFlavor(src.families.keys());
    if (flavor === undefined || isDown(read, src, at)) continue;
    const ctx: EvalContext = { read, match: { job: src.name }, at, windowMs, mapping: FLAVOR_MAPPINGS[flavor] };
    const { scalars, histograms } = ctx.mapping;
    for (const name of Object.keys(scalars) as ScalarMetricName[]) {
      for (const d of scalars[name] ?? []) {
        const g = evaluateScalar(ctx, d);
        if (g.byModel.size === 0) continue; // not exposed (or no result in the window): try the next source
        emit(out, src.name, name, g, at);
        break;
      }
    }
    for (const name of Object.keys(histograms) as HistogramMetricName[]) {
      for (const d of histograms[name] ?? []) {
        const results = evaluateHistogram(ctx, d);
        if (![...results.values()].some((g) => g.byModel.size > 0)) continue;
        for (const [suffix, g] of results) emit(out, src.name, name + suffix, g, at);
        break;
      }
    }
  }
  return out;
}

/** Down: no good scrape for STALE_AFTER_INTERVALS intervals, or the latest `up` is 0. */
function isDown(read: SeriesReader, src: EngineSource, at: number): boolean {
  if (src.lastScrapeAt !== undefined && src.intervalMs !== undefined && at - src.lastScrapeAt > STALE_AFTER_INTERVALS * src.intervalMs) {
    return true;
  }
  const up = read.latest('up', { job: src.name });
  return up.length > 0 && up.every((s) => s.v === 0);
}

function emit(out: Sample[], engine: string, name: string, g: Grouped, t: number): void {
  for (const [model, v] of g.byModel) {
    if (!Number.isFinite(v)) continue;
    const labels: Record<string, string> = { [ENGINE_LABEL]: engine };
    if (model !== '') labels[MODEL_LABEL] = model;
    out.push({ name, labels, t, v });
    const byIndex = g.byIndex.get(model);
    if (byIndex === undefined || byIndex.size < 2) continue; // one engine core: its value is the model's
    for (const [index, iv] of byIndex) {
      if (index !== '' && Number.isFinite(iv)) out.push({ name, labels: { ...labels, [ENGINE_INDEX_LABEL]: index }, t, v: iv });
    }
  }
}
