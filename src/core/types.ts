/**
 * @module core/types
 * The vocabulary every stage shares. Prometheus's data model: a series is a
 * metric name plus labels; a sample is one (timestamp ms, float64) of a series.
 */

/** Label set of a series. Keys are label names; `__name__` is never stored here. */
export type Labels = Readonly<Record<string, string>>;

/** One observation of one series. `t` is milliseconds since the epoch. */
export interface Sample {
  readonly name: string;
  readonly labels: Labels;
  readonly t: number;
  readonly v: number;
}

/** Prometheus metric types, as the exposition formats name them. */
export type MetricType =
  | 'counter'
  | 'gauge'
  | 'histogram'
  | 'summary'
  | 'untyped'
  | 'info'
  | 'stateset'
  | 'gaugehistogram'
  | 'unknown';

/** What a user collector may return: the seed's flat `{metric: number}`, or a list of samples. */
export type CollectorResult = Record<string, number> | ReadonlyArray<CollectedSample>;

/** One sample as a user collector returns it; the monitor stamps time and the component label. */
export interface CollectedSample {
  readonly name: string;
  readonly value: number;
  readonly labels?: Record<string, string>;
  /** When it was observed, ms since the epoch; default: the tick's time. */
  readonly timestamp?: number;
}

/** A user collector: sync or async, the seed's `register_collector(name, func)`. */
export type CollectorFn = (signal: AbortSignal) => CollectorResult | Promise<CollectorResult>;

/** A collector as the loop sees it. Never throws into the loop: the runner contains it. */
export interface Collector {
  readonly name: string;
  collect(at: number, signal: AbortSignal): Promise<Sample[]>;
}
