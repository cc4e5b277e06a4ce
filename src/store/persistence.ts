/**
 * @module store/persistence
 * What the hot tier hands a persistent tier: one descriptor per new series id,
 * then `(id, t, v)` for every sample it accepts. The hot tier declares this
 * interface (the persistent tier is to its right only in time, not in the
 * pipeline), so `store/series.ts` imports nothing of the tier that implements it.
 */
import { EchoPerfError } from '../core/errors.js';
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

/** Checks a descriptor read back from a persistent tier (hostile until checked). */
export function checkDescriptor(d: SeriesDescriptor): void {
  const bad = (field: string, value: unknown, expected: string): never => {
    throw new EchoPerfError('EP_ERR_ARGUMENT', `load: descriptor.${field}: got ${JSON.stringify(value)?.slice(0, 100)}; expected ${expected}`);
  };
  if (typeof d !== 'object' || d === null) bad('', d, 'an object');
  if (typeof d.name !== 'string' || d.name === '') bad('name', d.name, 'a non-empty string');
  if (typeof d.labels !== 'object' || d.labels === null) bad('labels', d.labels, 'an object of label name → string');
  for (const k of Object.keys(d.labels)) if (typeof d.labels[k] !== 'string') bad(`labels.${k}`, d.labels[k], 'a string');
  if (d.origin !== undefined && typeof d.origin !== 'string') bad('origin', d.origin, 'a string');
  if (typeof d.key !== 'string') bad('key', d.key, 'a string (the series key)');
}
