/**
 * @module store/persistence
 * What the hot tier hands a persistent tier: one descriptor per new series id,
 * then `(id, t, v)` for every sample it accepts. The hot tier declares this
 * interface (the persistent tier is to its right only in time, not in the
 * pipeline), so `store/series.ts` imports nothing of the tier that implements it.
 */
import type { Labels, MetricType } from '../core/types.js';

/** Who and what a series is, as the persistent tier indexes it. */
export interface SeriesDescriptor {
  /** `seriesKey(name, labels)` (core/labels.ts): the series' identity. */
  readonly key: string;
  readonly name: string;
  readonly labels: Labels;
  readonly type?: MetricType;
  readonly help?: string;
  readonly unit?: string;
  /** Where it comes from: `collector:system`, `target:vllm`, `push:dtesn`, `derived`, `self`. */
  readonly origin?: string;
}

/**
 * A tier that keeps what the hot tier accepts. Both calls run on the tick's
 * path: buffer, never block. An id names one series from its `defineSeries`
 * on; the hot tier gives an id to another series only after the first was
 * evicted (no sample for the staleness period) and forgotten, and then calls
 * `defineSeries` for it again before its first `append`.
 */
export interface SeriesPersistence {
  defineSeries(id: number, d: SeriesDescriptor): void;
  append(id: number, t: number, v: number): void;
}
