/**
 * @module store/persistence
 * What the hot tier hands to a persistent tier: one descriptor per new series,
 * then `(id, t, v)` triples. Declared here, by the store that calls it, so the
 * persistent tier (store/disk) implements it without the hot tier importing it.
 */
import type { Labels, MetricType } from '../core/types.js';

/** A series as the persistent tier records it. `key` is `seriesKey(name, labels)`. */
export interface SeriesDescriptor {
  key: string;
  name: string;
  labels: Labels;
  type?: MetricType;
  help?: string;
  unit?: string;
  origin?: string;
}

/** Receives every accepted sample of the hot tier. Must not block: implementations buffer. */
export interface SeriesPersistence {
  /** Called once per series id (stable for the process) before its first `append`. */
  defineSeries(id: number, d: SeriesDescriptor): void;
  append(id: number, t: number, v: number): void;
}
